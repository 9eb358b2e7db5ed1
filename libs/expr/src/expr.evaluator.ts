import {
  callGoMethod,
  GoDuration,
  GoFloat,
  GoLocation,
  goMethodParams,
  GoTime,
  isGoParam,
  isPlainMap,
  parseGoDuration,
  parseRfc3339,
  type GoParamType,
} from '@berth/golang';
import type { ExprNode } from './expr.ast';
import { ExprRuntimeError } from './expr.errors';
import { ExprNamespace } from './expr-namespace';

/** Returned by a `?.` whose left side is nil; the enclosing chain node turns it into nil. */
const SHORT_CIRCUIT = Symbol('short-circuit');

const MAX_RANGE = 10_000;

type Builtin = (this: ExprEvaluator, args: unknown[], fail: (msg: string) => never) => unknown;

/** Walks a parsed expression against an environment with expr-lang's semantics on Go maps. */
export class ExprEvaluator {
  constructor(
    private readonly source: string,
    private readonly env: Readonly<Record<string, unknown>>,
    /** Clock for `now()`: time is passed in, never read. */
    readonly now: () => number,
  ) {}

  evaluate(node: ExprNode): unknown {
    const v = this.eval(node);
    return v === SHORT_CIRCUIT || v === undefined ? null : v;
  }

  private fail(message: string, pos: number): never {
    throw new ExprRuntimeError(message, this.source, pos);
  }

  private eval(node: ExprNode): unknown {
    switch (node.type) {
      case 'literal':
        return node.value;
      case 'identifier':
        if (Object.hasOwn(this.env, node.name)) return this.env[node.name] ?? null;
        // expr without a typed env: an unknown variable is nil.
        return null;
      case 'chain': {
        const v = this.eval(node.node);
        return v === SHORT_CIRCUIT ? null : v;
      }
      case 'member':
        return this.member(node);
      case 'call':
        return this.call(node);
      case 'unary':
        return this.unary(node.op, this.eval(node.operand), node.pos);
      case 'binary':
        return this.binary(node);
      case 'conditional': {
        const test = this.eval(node.test);
        if (typeof test !== 'boolean')
          this.fail(`non-bool expression (type ${typeName(test)}) used as condition`, node.pos);
        return test ? this.eval(node.consequent) : this.eval(node.alternate);
      }
      case 'array':
        return node.elements.map((e) => this.evaluate(e));
      case 'map': {
        const out: Record<string, unknown> = {};
        for (const { key, value } of node.entries) out[String(this.evaluate(key))] = this.evaluate(value);
        return out;
      }
    }
  }

  private member(node: Extract<ExprNode, { type: 'member' }>): unknown {
    const object = this.eval(node.object);
    if (object === SHORT_CIRCUIT) return SHORT_CIRCUIT;
    const property = this.evaluate(node.property);
    if (object === null || object === undefined) {
      if (node.optional) return SHORT_CIRCUIT;
      this.fail(`cannot fetch ${formatKey(property)} from <nil>`, node.pos);
    }
    if (object instanceof ExprNamespace) {
      // Argo CD's namespaces are Go maps: a member they lack is nil (`time.DateTime == nil`).
      return typeof property === 'string' && object.has(property) ? object.get(property) : null;
    }
    if (Array.isArray(object) || typeof object === 'string') {
      if (typeof property !== 'number' || !Number.isInteger(property)) {
        this.fail(
          `cannot fetch ${formatKey(property)} from ${typeName(object)}: index must be an integer`,
          node.pos,
        );
      }
      const i = property < 0 ? object.length + property : property;
      if (i < 0 || i >= object.length) {
        this.fail(`index out of range: ${property} (array length is ${object.length})`, node.pos);
      }
      return object[i] ?? null;
    }
    if (isPlainMap(object)) {
      const key = typeof property === 'string' ? property : String(property);
      return Object.hasOwn(object, key) ? (object[key] ?? null) : null;
    }
    this.fail(`cannot fetch ${formatKey(property)} from ${typeName(object)}`, node.pos);
  }

  private call(node: Extract<ExprNode, { type: 'call' }>): unknown {
    const { callee } = node;
    if (callee.type === 'identifier') {
      const builtin = BUILTINS[callee.name];
      if (!builtin) this.fail(`unknown function ${callee.name}()`, callee.pos);
      const args = node.args.map((a) => this.evaluate(a));
      return builtin.call(this, args, (msg) => this.fail(`${callee.name}(): ${msg}`, node.pos));
    }
    if (callee.type !== 'member') this.fail('expression is not callable', node.pos);
    const object = this.eval(callee.object);
    if (object === SHORT_CIRCUIT) return SHORT_CIRCUIT;
    const name = this.evaluate(callee.property);
    if (object === null || object === undefined) {
      if (callee.optional) return SHORT_CIRCUIT;
      this.fail(`cannot call ${formatKey(name)} on <nil>`, callee.pos);
    }
    const args = node.args.map((a) => this.evaluate(a));
    if (typeof name !== 'string') this.fail('method name must be a string', callee.pos);
    if (object instanceof ExprNamespace) {
      const fn = object.has(name) ? object.get(name) : undefined;
      if (typeof fn !== 'function') this.fail(`${object.name}.${name} is not a function`, callee.pos);
      try {
        return (fn as (a: unknown[]) => unknown)(args);
      } catch (err) {
        this.fail(`${object.name}.${name}: ${(err as Error).message}`, node.pos);
      }
    }
    // Go values expose their exported Go methods, as expr's reflection does; never a JavaScript member.
    const params = goMethodParams(object, name);
    if (params === undefined) this.fail(`type ${typeName(object)} has no method ${name}`, callee.pos);
    return this.callGoMethod(object, name, params, args, node.pos);
  }

  private callGoMethod(
    object: object,
    name: string,
    params: readonly GoParamType[],
    args: unknown[],
    pos: number,
  ): unknown {
    if (args.length !== params.length)
      this.fail(`${name}() takes ${params.length} argument(s), got ${args.length}`, pos);
    params.forEach((type, i) => {
      if (!isGoParam(args[i], type)) this.fail(`${name}() needs a ${type}, got ${typeName(args[i])}`, pos);
    });
    const result = callGoMethod(object, name, args);
    // expr compares and computes float64 and int alike: a boxed float64 is just a number here.
    return result instanceof GoFloat ? result.value : result;
  }

  private unary(op: string, v: unknown, pos: number): unknown {
    if (v === SHORT_CIRCUIT) return SHORT_CIRCUIT;
    if (op === '!') {
      if (typeof v !== 'boolean') this.fail(`invalid operation: ! (type ${typeName(v)})`, pos);
      return !v;
    }
    if (typeof v === 'number') return op === '-' ? -v : v;
    if (v instanceof GoDuration) return op === '-' ? new GoDuration(-v.nanoseconds) : v;
    this.fail(`invalid operation: ${op} (type ${typeName(v)})`, pos);
  }

  private binary(node: Extract<ExprNode, { type: 'binary' }>): unknown {
    const { op, pos } = node;
    if (op === 'and' || op === '&&' || op === 'or' || op === '||') {
      const isAnd = op === 'and' || op === '&&';
      const left = this.evaluate(node.left);
      if (typeof left !== 'boolean')
        this.fail(`invalid operation: ${op} (non-bool left operand ${typeName(left)})`, pos);
      if (isAnd ? !left : left) return left;
      const right = this.evaluate(node.right);
      if (typeof right !== 'boolean')
        this.fail(`invalid operation: ${op} (non-bool right operand ${typeName(right)})`, pos);
      return right;
    }
    if (op === '??') {
      const left = this.evaluate(node.left);
      return left === null ? this.evaluate(node.right) : left;
    }
    const left = this.evaluate(node.left);
    const right = this.evaluate(node.right);
    switch (op) {
      case '==':
        return goEqual(left, right);
      case '!=':
        return !goEqual(left, right);
      case '<':
      case '>':
      case '<=':
      case '>=':
        return this.compare(op, left, right, pos);
      case 'in':
      case 'not in': {
        const found = this.contains(right, left, pos);
        return op === 'in' ? found : !found;
      }
      case 'matches': {
        this.requireStrings(op, left, right, pos);
        return this.regex(right as string, pos).test(left as string);
      }
      case 'contains':
        this.requireStrings(op, left, right, pos);
        return (left as string).includes(right as string);
      case 'startsWith':
        this.requireStrings(op, left, right, pos);
        return (left as string).startsWith(right as string);
      case 'endsWith':
        this.requireStrings(op, left, right, pos);
        return (left as string).endsWith(right as string);
      case '..':
        return this.range(left, right, pos);
      default:
        return this.arithmetic(op, left, right, pos);
    }
  }

  private requireStrings(op: string, left: unknown, right: unknown, pos: number): void {
    if (typeof left !== 'string' || typeof right !== 'string') {
      this.fail(`invalid operation: ${op} (mismatched types ${typeName(left)} and ${typeName(right)})`, pos);
    }
  }

  private regex(pattern: string, pos: number): RegExp {
    // Go RE2 inline flags at the start, e.g. `(?i)prod`, become JavaScript flags.
    const flagMatch = /^\(\?([ims]+)\)/.exec(pattern);
    try {
      return flagMatch ? new RegExp(pattern.slice(flagMatch[0].length), flagMatch[1]) : new RegExp(pattern);
    } catch (err) {
      this.fail(`invalid regular expression: ${(err as Error).message}`, pos);
    }
  }

  private compare(op: string, left: unknown, right: unknown, pos: number): boolean {
    let a: number | string;
    let b: number | string;
    if (typeof left === 'number' && typeof right === 'number') [a, b] = [left, right];
    else if (typeof left === 'string' && typeof right === 'string') [a, b] = [left, right];
    else if (left instanceof GoTime && right instanceof GoTime) [a, b] = [left.Compare(right), 0];
    else if (left instanceof GoDuration && right instanceof GoDuration)
      [a, b] = [left.nanoseconds, right.nanoseconds];
    else
      this.fail(`invalid operation: ${op} (mismatched types ${typeName(left)} and ${typeName(right)})`, pos);
    switch (op) {
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      default:
        return a >= b;
    }
  }

  private contains(container: unknown, needle: unknown, pos: number): boolean {
    if (container === null) return false;
    if (Array.isArray(container)) return container.some((item) => goEqual(item, needle));
    if (isPlainMap(container)) return typeof needle === 'string' && Object.hasOwn(container, needle);
    this.fail(`invalid operation: in (cannot look for ${typeName(needle)} in ${typeName(container)})`, pos);
  }

  private range(left: unknown, right: unknown, pos: number): number[] {
    if (!Number.isInteger(left) || !Number.isInteger(right))
      this.fail('invalid operation: .. needs integers', pos);
    const [from, to] = [left as number, right as number];
    if (to - from + 1 > MAX_RANGE) this.fail(`range ${from}..${to} is longer than ${MAX_RANGE}`, pos);
    const out: number[] = [];
    for (let i = from; i <= to; i++) out.push(i);
    return out;
  }

  private arithmetic(op: string, left: unknown, right: unknown, pos: number): unknown {
    const mismatch = (): never =>
      this.fail(`invalid operation: ${op} (mismatched types ${typeName(left)} and ${typeName(right)})`, pos);
    if (typeof left === 'number' && typeof right === 'number') {
      switch (op) {
        case '+':
          return left + right;
        case '-':
          return left - right;
        case '*':
          return left * right;
        case '/':
          return left / right;
        case '%':
          if (!Number.isInteger(left) || !Number.isInteger(right)) mismatch();
          if (right === 0) this.fail('integer divide by zero', pos);
          return left % right;
        default:
          return left ** right;
      }
    }
    if (op === '+' && typeof left === 'string' && typeof right === 'string') return left + right;
    if (op === '+' && Array.isArray(left) && Array.isArray(right))
      return [...(left as unknown[]), ...(right as unknown[])];
    if (left instanceof GoTime && right instanceof GoDuration && (op === '+' || op === '-')) {
      return left.Add(op === '+' ? right : new GoDuration(-right.nanoseconds));
    }
    if (op === '+' && left instanceof GoDuration && right instanceof GoTime) return right.Add(left);
    if (op === '-' && left instanceof GoTime && right instanceof GoTime) return left.Sub(right);
    if (left instanceof GoDuration && right instanceof GoDuration && (op === '+' || op === '-')) {
      return new GoDuration(
        op === '+' ? left.nanoseconds + right.nanoseconds : left.nanoseconds - right.nanoseconds,
      );
    }
    if (op === '*' && typeof left === 'number' && right instanceof GoDuration)
      return new GoDuration(left * right.nanoseconds);
    if (op === '*' && left instanceof GoDuration && typeof right === 'number')
      return new GoDuration(left.nanoseconds * right);
    if (op === '/' && left instanceof GoDuration && typeof right === 'number')
      return new GoDuration(left.nanoseconds / right);
    return mismatch();
  }
}

/** expr's runtime.Equal: numbers by value, other scalars strictly, lists/maps deeply, different types unequal. */
export function goEqual(a: unknown, b: unknown): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x === y) return true;
  if (x instanceof GoTime && y instanceof GoTime) return x.Equal(y);
  if (x instanceof GoDuration && y instanceof GoDuration) return x.nanoseconds === y.nanoseconds;
  if (Array.isArray(x) && Array.isArray(y))
    return x.length === y.length && x.every((v, i) => goEqual(v, y[i]));
  if (isPlainMap(x) && isPlainMap(y)) {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => Object.hasOwn(y, k) && goEqual(x[k], y[k]));
  }
  return false;
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoDuration) return 'time.Duration';
  if (v instanceof GoLocation) return '*time.Location';
  if (v instanceof ExprNamespace) return v.name;
  return 'map[string]interface {}';
}

function formatKey(k: unknown): string {
  return typeof k === 'string' ? k : String(k);
}

const BUILTINS: Record<string, Builtin> = {
  len(args, fail) {
    const [v] = args;
    if (args.length !== 1) fail(`takes 1 argument, got ${args.length}`);
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isPlainMap(v)) return Object.keys(v).length;
    return fail(`invalid argument for len (type ${typeName(v)})`);
  },
  now(this: ExprEvaluator, args, fail) {
    if (args.length !== 0) fail('takes no arguments');
    return new GoTime(this.now(), 0, GoLocation.local());
  },
  // time.ParseDuration, with Go's error ("time: unknown unit \"d\" in duration \"1d\"").
  duration(args, fail) {
    const [v] = args;
    if (typeof v !== 'string') return fail(`invalid duration ${JSON.stringify(v)}, expected e.g. "1h30m"`);
    try {
      return parseGoDuration(v);
    } catch (err) {
      return fail((err as Error).message);
    }
  },
  date(args, fail) {
    const [v] = args;
    if (typeof v !== 'string') return fail(`cannot parse ${JSON.stringify(v)} as RFC 3339`);
    try {
      return parseRfc3339(v);
    } catch (err) {
      return fail((err as Error).message);
    }
  },
  upper: (args, fail) => stringArg(args, fail).toUpperCase(),
  lower: (args, fail) => stringArg(args, fail).toLowerCase(),
  trim: (args, fail) => stringArg(args, fail).trim(),
  string: (args) => (typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0] ?? null)),
  abs(args, fail) {
    const [v] = args;
    return typeof v === 'number' ? Math.abs(v) : fail(`invalid argument (type ${typeName(v)})`);
  },
  keys(args, fail) {
    const [v] = args;
    return isPlainMap(v) ? Object.keys(v) : fail(`invalid argument (type ${typeName(v)})`);
  },
};

function stringArg(args: unknown[], fail: (msg: string) => never): string {
  const [v] = args;
  if (args.length !== 1 || typeof v !== 'string')
    return fail(`needs one string argument, got ${typeName(v)}`);
  return v;
}
