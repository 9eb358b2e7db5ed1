import { formatValue, goKind, goTypeName, isTrue, mapEntries, mapGet } from '@berth/golang';
import type {
  ArgNode,
  BranchNode,
  CommandNode,
  FieldNode,
  ListNode,
  Node,
  PipeNode,
  VariableNode,
} from './parse.nodes';
import { nodeString } from './parse.nodes';
import type { TemplateFuncMap } from './template.func';

/** Executes a parsed template with Go text/template semantics (text/template/exec.go). */

export class ExecFailure extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly context: string,
    options?: { cause?: unknown },
    /** Set when a render budget stopped the execution. */
    readonly budget?: 'steps' | 'output',
  ) {
    super(message, options);
  }
}

/**
 * What one execution may cost. Templates are operator-written data, and Go's text/template has no limit:
 * `{{range until 100000}}{{range until 100000}}x{{end}}{{end}}` would run for hours and need gigabytes.
 */
export interface RenderBudget {
  /** Steps: actions and other nodes walked, range iterations, template and function calls, list elements built. */
  maxSteps: number;
  /** Characters (UTF-16 code units) of the output, and of any string a function returns. */
  maxOutputChars: number;
}

/**
 * Go's `Option("missingkey=...")`: what a map lookup of an absent key does. `default` and `invalid` print
 * `<no value>`; `zero` does too for the `map[string]interface{}` data Berth passes; `error` stops the render.
 */
export type MissingKey = 'default' | 'invalid' | 'zero' | 'error';

export const DEFAULT_RENDER_BUDGET: RenderBudget = { maxSteps: 1_000_000, maxOutputChars: 1_048_576 };

/**
 * Sprig functions whose result size follows from their arguments: charged before they allocate, so
 * `until 1000000000` fails at once instead of building a billion-element list.
 */
const RESULT_SIZE: Record<string, (argv: unknown[]) => { elements?: number; chars?: number }> = {
  until: ([n]) => ({ elements: Number(n) }),
  untilStep: ([start, stop, step]) => ({
    elements: Number(step) === 0 ? 0 : Math.abs((Number(stop) - Number(start)) / Number(step)),
  }),
  seq: (a) => ({ elements: Math.abs(Number(a[a.length - 1] ?? 0) - Number(a.length > 1 ? a[0] : 1)) }),
  repeat: ([n, s]) => ({ chars: Number(n) * String(s).length }),
  indent: ([n, s]) => ({ chars: Number(n) * (String(s).split('\n').length + 1) + String(s).length }),
  nindent: ([n, s]) => ({ chars: Number(n) * (String(s).split('\n').length + 1) + String(s).length }),
};

/**
 * Nested template calls. Go allows 100,000; a JS stack overflows near 1,000 (each call is several frames),
 * and a RangeError would say nothing useful, so the limit is lower, with Go's message.
 */
const MAX_EXEC_DEPTH = 256;

class BreakSignal extends Error {}
class ContinueSignal extends Error {}

interface Variable {
  name: string;
  value: unknown;
}

export class Evaluator {
  private vars: Variable[] = [];
  private out = '';
  private depth = 0;
  private current: { pos: number; node: string } = { pos: 0, node: '' };
  private steps = 0;

  constructor(
    private readonly funcs: TemplateFuncMap,
    private readonly defines: Map<string, ListNode>,
    private readonly budget: RenderBudget = DEFAULT_RENDER_BUDGET,
    private readonly missingKey: MissingKey = 'default',
  ) {}

  execute(root: ListNode, data: unknown): string {
    this.vars = [{ name: '$', value: data }];
    this.out = '';
    this.steps = 0;
    this.walk(data, root);
    return this.out;
  }

  private step(n = 1): void {
    this.steps += n;
    if (this.steps > this.budget.maxSteps)
      this.overBudget(
        'steps',
        `more than ${this.budget.maxSteps} steps (loop iterations, template and function calls, list elements)`,
      );
  }

  private emit(text: string): void {
    this.out += text;
    if (this.out.length > this.budget.maxOutputChars)
      this.overBudget('output', `output longer than ${this.budget.maxOutputChars} characters`);
  }

  private overBudget(budget: 'steps' | 'output', what: string): never {
    throw new ExecFailure(
      `render budget exceeded: ${what}`,
      this.current.pos,
      this.current.node,
      undefined,
      budget,
    );
  }

  /** Charges a function's result before (`RESULT_SIZE`) and after it runs. */
  private chargeResult(size: { elements?: number; chars?: number }): void {
    // NaN (an argument of the wrong type) charges nothing: the function's own error says what is wrong.
    const elements = size.elements ?? 0;
    if (elements > 0) this.step(Math.ceil(elements));
    if (size.chars !== undefined && size.chars > this.budget.maxOutputChars)
      this.overBudget('output', `a function result longer than ${this.budget.maxOutputChars} characters`);
  }

  private at(node: ArgNode | CommandNode | Node): void {
    this.current = { pos: node.pos, node: nodeString(node) };
  }

  private errorf(message: string, cause?: unknown): never {
    throw new ExecFailure(message, this.current.pos, this.current.node, { cause });
  }

  // ----- statements ------------------------------------------------------------------------------------------------

  private walk(dot: unknown, node: Node): void {
    this.step();
    switch (node.type) {
      case 'text':
        this.emit(node.text);
        return;
      case 'comment':
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, value);
        return;
      }
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        return this.walkTemplate(dot, node);
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, node.pipe);
      if (isTrue(value)) {
        this.walk(node.type === 'with' ? value : dot, node.list);
      } else if (node.elseList) {
        this.walk(dot, node.elseList);
      }
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, node: BranchNode): void {
    this.at(node);
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, node.pipe);
      const pipe = node.pipe;
      const iterate = (index: unknown, elem: unknown): boolean => {
        if (pipe.decl.length > 0) {
          if (pipe.isAssign) {
            if (pipe.decl.length > 1) {
              this.setVar(pipe.decl[0]?.ident[0] ?? '', index);
              this.setVar(pipe.decl[1]?.ident[0] ?? '', elem);
            } else this.setVar(pipe.decl[0]?.ident[0] ?? '', elem);
          } else {
            this.setTopVar(1, elem);
            if (pipe.decl.length > 1) this.setTopVar(2, index);
          }
        }
        const inner = this.vars.length;
        this.step();
        try {
          this.walk(elem, node.list);
        } catch (e) {
          if (e instanceof BreakSignal) return false;
          if (!(e instanceof ContinueSignal)) throw e;
        } finally {
          this.vars.length = inner;
        }
        return true;
      };
      switch (goKind(value)) {
        case 'slice': {
          const list = value as unknown[];
          if (list.length > 0) {
            for (let i = 0; i < list.length; i++) if (!iterate(i, list[i])) break;
            return;
          }
          break;
        }
        case 'bytes': {
          const bytes = value as Uint8Array;
          if (bytes.length > 0) {
            for (let i = 0; i < bytes.length; i++) if (!iterate(i, bytes[i])) break;
            return;
          }
          break;
        }
        case 'map': {
          const entries = mapEntries(value as Record<string, unknown>);
          if (entries.length > 0) {
            for (const [k, v] of entries) if (!iterate(k, v)) break;
            return;
          }
          break;
        }
        case 'int': {
          // Go 1.22+: range over an integer
          const n = value as number;
          if (n > 0) {
            for (let i = 0; i < n; i++) if (!iterate(i, i)) break;
            return;
          }
          break;
        }
        case 'invalid':
        case 'nil':
          break;
        default:
          this.at(node);
          this.errorf(`range can't iterate over ${formatValue(value)}`);
      }
      if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkTemplate(dot: unknown, node: Extract<Node, { type: 'template' }>): void {
    this.at(node);
    const tmpl = this.defines.get(node.name);
    if (!tmpl) this.errorf(`template ${JSON.stringify(node.name)} not defined`);
    if (++this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
    const saved = this.vars;
    this.vars = [{ name: '$', value: newDot }];
    try {
      this.walk(newDot, tmpl);
    } finally {
      this.vars = saved;
      this.depth--;
    }
  }

  private printValue(node: Node, value: unknown): void {
    this.at(node);
    const kind = goKind(value);
    if (kind === 'invalid' || kind === 'nil') {
      this.emit('<no value>');
      return;
    }
    if (kind === 'func') this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(value)}`);
    this.emit(formatValue(value));
  }

  // ----- variables -------------------------------------------------------------------------------------------------

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v && v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: unknown): void {
    const v = this.vars[this.vars.length - n];
    if (v) v.value = value;
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v && v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ----- expressions -----------------------------------------------------------------------------------------------

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = undefined;
    let hasFinal = false;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, hasFinal, value);
      hasFinal = true;
    }
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0] ?? '', value);
      else this.vars.push({ name: variable.ident[0] ?? '', value });
    }
    return value;
  }

  private evalCommand(dot: unknown, cmd: CommandNode, hasFinal: boolean, final: unknown): unknown {
    const first = cmd.args[0];
    if (!first) this.errorf('empty command');
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, hasFinal, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, hasFinal, final);
      case 'identifier':
        return this.evalFunction(dot, first.name, cmd, cmd.args, hasFinal, final);
      case 'pipe':
        this.notAFunction(cmd.args, hasFinal);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, hasFinal, final);
      default:
        break;
    }
    this.at(first);
    this.notAFunction(cmd.args, hasFinal);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // eslint-disable-next-line no-fallthrough
      case 'number':
        return first.value;
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  private notAFunction(args: ArgNode[], hasFinal: boolean): void {
    if (args.length > 1 || hasFinal)
      this.errorf(`can't give argument to non-function ${nodeString(args[0] as ArgNode)}`);
  }

  private evalFieldNode(
    dot: unknown,
    field: FieldNode,
    args: ArgNode[],
    hasFinal: boolean,
    final: unknown,
  ): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, hasFinal, final);
  }

  private evalChainNode(
    dot: unknown,
    chain: Extract<ArgNode, { type: 'chain' }>,
    args: ArgNode[],
    hasFinal: boolean,
    final: unknown,
  ): unknown {
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, hasFinal, final);
  }

  private evalVariableNode(
    dot: unknown,
    variable: VariableNode,
    args: ArgNode[],
    hasFinal: boolean,
    final: unknown,
  ): unknown {
    this.at(variable);
    const value = this.varValue(variable.ident[0] ?? '');
    if (variable.ident.length === 1) {
      this.notAFunction(args, hasFinal);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, hasFinal, final);
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: ArgNode,
    ident: string[],
    args: ArgNode[],
    hasFinal: boolean,
    final: unknown,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++)
      receiver = this.evalField(dot, ident[i] ?? '', node, [], false, undefined, receiver);
    return this.evalField(dot, ident[n - 1] ?? '', node, args, hasFinal, final, receiver);
  }

  private evalField(
    dot: unknown,
    fieldName: string,
    node: ArgNode,
    args: ArgNode[],
    hasFinal: boolean,
    final: unknown,
    receiver: unknown,
  ): unknown {
    if (receiver === undefined) return undefined;
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const hasArgs = args.length > 1 || hasFinal;
    const kind = goKind(receiver);
    if (kind === 'struct') {
      const member = (receiver as Record<string, unknown>)[fieldName];
      if (typeof member === 'function' && !Object.prototype.hasOwnProperty.call(receiver, fieldName)) {
        const method = (member as (...a: unknown[]) => unknown).bind(receiver);
        return this.evalCall(dot, method, fieldName, node, args, hasFinal, final);
      }
      if (member !== undefined) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return member;
      }
      this.errorf(`can't evaluate field ${fieldName} in type ${goTypeName(receiver)}`);
    }
    if (kind === 'map') {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (this.missingKey === 'error' && !Object.hasOwn(receiver, fieldName))
        this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`);
      return mapGet(receiver as Record<string, unknown>, fieldName);
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${goTypeName(receiver)}`);
  }

  private evalFunction(
    dot: unknown,
    name: string,
    cmd: CommandNode,
    args: ArgNode[],
    hasFinal: boolean,
    final: unknown,
  ): unknown {
    const ident = args[0];
    if (ident) this.at(ident);
    if (name === 'and' || name === 'or') return this.evalAndOr(dot, name, cmd, args, hasFinal, final);
    const def = this.funcs[name];
    if (!def) this.errorf(`${JSON.stringify(name)} is not a defined function`);
    const argc = args.length - 1 + (hasFinal ? 1 : 0);
    if (def.maxArgs === Infinity) {
      if (argc < def.minArgs)
        this.errorf(`wrong number of args for ${name}: want at least ${def.minArgs} got ${args.length - 1}`);
    } else if (argc !== def.maxArgs) {
      this.errorf(`wrong number of args for ${name}: want ${def.maxArgs} got ${argc}`);
    }
    const argv = args.slice(1).map((a) => this.evalArg(dot, a));
    if (hasFinal) argv.push(final);
    this.at(cmd);
    if (name === 'call') return this.callFunctionValue(argv, args[1]);
    return this.invoke(name, def.fn as (...a: unknown[]) => unknown, argv);
  }

  private evalAndOr(
    dot: unknown,
    name: 'and' | 'or',
    cmd: CommandNode,
    args: ArgNode[],
    hasFinal: boolean,
    final: unknown,
  ): unknown {
    const argc = args.length - 1 + (hasFinal ? 1 : 0);
    if (argc < 1) this.errorf(`wrong number of args for ${name}: want at least 1 got 0`);
    let value: unknown = undefined;
    const operands: (() => unknown)[] = args.slice(1).map((a) => () => this.evalArg(dot, a));
    if (hasFinal) operands.push(() => final);
    for (const operand of operands) {
      value = operand();
      const truth = isTrue(value);
      if ((name === 'and' && !truth) || (name === 'or' && truth)) break;
    }
    this.at(cmd);
    return value;
  }

  private callFunctionValue(argv: unknown[], calleeNode: ArgNode | undefined): unknown {
    const [fn, ...rest] = argv;
    const calleeName = calleeNode ? nodeString(calleeNode) : 'call';
    if (fn === undefined || fn === null) this.errorf('error calling call: call of nil');
    if (typeof fn !== 'function')
      this.errorf(`error calling call: non-function ${calleeName} of type ${goTypeName(fn)}`);
    this.step();
    try {
      return (fn as (...a: unknown[]) => unknown)(...rest);
    } catch (e) {
      this.errorf(`error calling call: ${errorText(e)}`, e);
    }
  }

  private evalCall(
    dot: unknown,
    fn: (...a: unknown[]) => unknown,
    name: string,
    node: ArgNode,
    args: ArgNode[],
    hasFinal: boolean,
    final: unknown,
  ): unknown {
    const argv = args.slice(1).map((a) => this.evalArg(dot, a));
    if (hasFinal) argv.push(final);
    if (fn.length > 0 && argv.length !== fn.length && !hasRestParameter(fn)) {
      this.errorf(`wrong number of args for ${name}: want ${fn.length} got ${argv.length}`);
    }
    this.at(node);
    return this.invoke(name, fn, argv);
  }

  private invoke(name: string, fn: (...a: unknown[]) => unknown, argv: unknown[]): unknown {
    this.step();
    const size = RESULT_SIZE[name];
    if (size) this.chargeResult(size(argv));
    let result: unknown;
    try {
      result = fn(...argv);
    } catch (e) {
      if (e instanceof ExecFailure) throw e;
      this.errorf(`error calling ${name}: ${errorText(e)}`, e);
    }
    if (typeof result === 'string') this.chargeResult({ chars: result.length });
    else if (Array.isArray(result)) this.step(result.length);
    return result;
  }

  private evalArg(dot: unknown, n: ArgNode): unknown {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.evalFieldNode(dot, n, [n], false, undefined);
      case 'variable':
        return this.evalVariableNode(dot, n, [n], false, undefined);
      case 'pipe':
        return this.evalPipeline(dot, n);
      case 'identifier':
        return this.evalFunction(
          dot,
          n.name,
          { type: 'command', pos: n.pos, args: [n] },
          [n],
          false,
          undefined,
        );
      case 'chain':
        return this.evalChainNode(dot, n, [n], false, undefined);
      case 'bool':
        return n.value;
      case 'number':
        return n.value;
      case 'string':
        return n.text;
    }
  }
}

function hasRestParameter(fn: (...a: unknown[]) => unknown): boolean {
  return /\.\.\.\s*\w+\s*\)/.test(Function.prototype.toString.call(fn).split('=>')[0] ?? '');
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
