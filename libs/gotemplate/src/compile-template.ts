import { goBuiltinFuncs } from './go-builtins.funcs';
import type { ListNode } from './parse.nodes';
import { sprigFuncs } from './sprig.funcs';
import { TemplateError } from './template.error';
import {
  DEFAULT_RENDER_BUDGET,
  ExecFailure,
  Evaluator,
  type MissingKey,
  type RenderBudget,
} from './template.evaluator';
import { fromPlainFunctions, type TemplateFuncMap } from './template.func';
import { ParseFailure, parseTemplate } from './template.parser';

export type PlainTemplateFunction = (...args: never[]) => unknown;

export interface CompileOptions {
  /** Extra functions the template may call (also accepted by `render`); unknown names are parse errors, as in Go. */
  funcs?: Record<string, PlainTemplateFunction>;
}

export interface RenderOptions {
  /** Functions that override or add to the compiled set for this render (names must be known at compile time). */
  funcs?: Record<string, PlainTemplateFunction>;
  /** Limits of this render (default `DEFAULT_RENDER_BUDGET`: 1,000,000 steps, 1,048,576 output characters). */
  budget?: Partial<RenderBudget>;
  /** Go's `missingkey` option (default `default`): `error` makes a lookup of an absent map key an execution error. */
  missingKey?: MissingKey;
}

export interface Template {
  readonly name: string;
  /** Executes the template; throws TemplateError with Go's message on an execution error. */
  render(data: unknown, options?: RenderOptions): string;
}

/** Builtins first, then Sprig (which wins on a shared name, as `Funcs` does in Go), then the caller's. */
const defaultFuncs: TemplateFuncMap = { ...goBuiltinFuncs, ...sprigFuncs };

function lineAndColumn(source: string, pos: number): { line: number; column: number } {
  const before = source.slice(0, pos);
  const lastNewline = before.lastIndexOf('\n');
  const line = 1 + (before.match(/\n/g)?.length ?? 0);
  // Go reports the byte offset within the line.
  const column = Buffer.byteLength(before.slice(lastNewline + 1), 'utf8');
  return { line, column };
}

/**
 * Parses a Go text/template (with Sprig and the caller's functions) once; render it many times.
 * Throws TemplateError (code TEMPLATE_PARSE) with Go's message, e.g. `template: app-sync:3: unexpected "}" in operand`.
 */
export function compileTemplate(source: string, name = 'template', options: CompileOptions = {}): Template {
  const funcs: TemplateFuncMap = { ...defaultFuncs, ...fromPlainFunctions(options.funcs) };
  let root: ListNode;
  let defines: Map<string, ListNode>;
  try {
    ({ root, defines } = parseTemplate(source, (fn) => fn in funcs));
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    const { column } = lineAndColumn(source, e.pos);
    throw new TemplateError(
      'TEMPLATE_PARSE',
      `template: ${name}:${e.line}: ${e.message}`,
      name,
      e.line,
      column,
      { cause: e },
    );
  }
  return {
    name,
    render(data: unknown, renderOptions?: RenderOptions): string {
      const effective = renderOptions?.funcs
        ? { ...funcs, ...fromPlainFunctions(renderOptions.funcs) }
        : funcs;
      const budget = { ...DEFAULT_RENDER_BUDGET, ...renderOptions?.budget };
      try {
        return new Evaluator(effective, defines, budget, renderOptions?.missingKey).execute(root, data);
      } catch (e) {
        if (!(e instanceof ExecFailure)) throw e;
        const { line, column } = lineAndColumn(source, e.pos);
        const message = `template: ${name}:${line}:${column}: executing ${JSON.stringify(name)} at <${e.context}>: ${e.message}`;
        const code = e.budget ? 'TEMPLATE_BUDGET' : 'TEMPLATE_EXEC';
        throw new TemplateError(code, message, name, line, column, { cause: e.cause ?? e }, e.budget);
      }
    },
  };
}
