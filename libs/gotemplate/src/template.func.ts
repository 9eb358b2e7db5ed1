/** Any JS function: template functions declare the Go parameter types they expect (string, number, ...). */
export type AnyFunction = (...args: never[]) => unknown;

/** A template function: a JS function plus the argument count Go would check (from its Go signature). */
export interface TemplateFunc {
  readonly fn: AnyFunction;
  readonly minArgs: number;
  /** `Infinity` for variadic functions */
  readonly maxArgs: number;
}

export type TemplateFuncMap = Record<string, TemplateFunc>;

/** A function with exactly `arity` arguments, as a non-variadic Go func. */
export function fixedArity(arity: number, fn: AnyFunction): TemplateFunc {
  return { fn, minArgs: arity, maxArgs: arity };
}

/** A variadic Go func with `fixed` leading parameters. */
export function variadic(fixed: number, fn: AnyFunction): TemplateFunc {
  return { fn, minArgs: fixed, maxArgs: Infinity };
}

/** Wraps caller-supplied plain functions (render/compile options) as variadic. */
export function fromPlainFunctions(funcs: Record<string, AnyFunction> | undefined): TemplateFuncMap {
  const out: TemplateFuncMap = {};
  for (const [name, fn] of Object.entries(funcs ?? {})) out[name] = variadic(0, fn);
  return out;
}

/** Thrown by a template function to report an error the way a Go func returning `error` does. */
export class TemplateFuncError extends Error {}
