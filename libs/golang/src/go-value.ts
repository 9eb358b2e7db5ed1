/**
 * How Go values are modelled in JavaScript.
 *
 * - `undefined`  = Go's invalid reflect.Value: a missing map key ("no value"). Prints `<no value>`.
 * - `null`       = a nil interface (JSON `null`). Prints `<no value>` at the end of a pipeline, `<nil>` inside
 *                  a collection or a printf argument; a field of it is an execution error, as in Go.
 * - `number`     = int64 when `Number.isInteger`, float64 otherwise. Argo CD hands templates the Application as an
 *                  unstructured map where JSON integers are int64 and other numbers float64: this default matches.
 * - `GoFloat`    = a float64 whose value happens to be integral (`1.0`, `1e6` literals, Sprig `float64`, `fromJson`
 *                  numbers). It prints the Go float way: `1e+06`.
 * - `string`, `boolean`; arrays = `[]interface{}`; plain objects and `Map`s = `map[string]interface{}`;
 *   `Uint8Array` = `[]byte`; functions = func values (invoke with `call`).
 * - Instances of other classes (GoTime, GoDuration, commit metadata...) behave like Go structs: their fields are
 *   properties and their methods are callable as `.Method arg`.
 */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** A value with a Go `String()` method: fmt prints it through that method. */
export interface GoStringer {
  String(): string;
}

export type GoKind =
  'invalid' | 'nil' | 'bool' | 'int' | 'float64' | 'string' | 'slice' | 'map' | 'bytes' | 'func' | 'struct';

export function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function goKind(v: unknown): GoKind {
  if (v === undefined) return 'invalid';
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float64';
    case 'bigint':
      return 'int';
    case 'function':
      return 'func';
    default:
      break;
  }
  if (v instanceof GoFloat) return 'float64';
  if (Array.isArray(v)) return 'slice';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Map || isPlainMap(v)) return 'map';
  return 'struct';
}

export function isNumber(v: unknown): v is number | GoFloat {
  return typeof v === 'number' || v instanceof GoFloat;
}

export function toNumber(v: number | GoFloat): number {
  return typeof v === 'number' ? v : v.value;
}

/** Map entries with keys sorted as Go's fmt and encoding/json sort them. */
export function mapEntries(v: Record<string, unknown> | Map<unknown, unknown>): [string, unknown][] {
  const entries: [string, unknown][] =
    v instanceof Map ? [...v.entries()].map(([k, e]) => [String(k), e]) : Object.entries(v);
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function mapGet(v: Record<string, unknown> | Map<unknown, unknown>, key: string): unknown {
  if (v instanceof Map) return v.get(key);
  return Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

export function mapLength(v: Record<string, unknown> | Map<unknown, unknown>): number {
  return v instanceof Map ? v.size : Object.keys(v).length;
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Go's template truthiness: the zero value of any type, nil and "no value" are false. */
export function isTrue(v: unknown): boolean {
  switch (goKind(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float64':
      return toNumber(v as number | GoFloat) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'bytes':
      return (v as Uint8Array).length > 0;
    case 'map':
      return mapLength(v as Record<string, unknown>) > 0;
    default:
      return true;
  }
}

/** Go's `%T`. Integers are reported as int64 (what Argo CD's unstructured data holds). */
export function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'int':
      return 'int64';
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'bytes':
      return '[]uint8';
    case 'func':
      return 'func(...) interface {}';
    case 'struct': {
      const named = (v as { goTypeName?: unknown }).goTypeName;
      if (typeof named === 'string') return named;
      return (v as object).constructor?.name ?? 'struct';
    }
    default:
      return goKind(v);
  }
}
