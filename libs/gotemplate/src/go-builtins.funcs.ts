import {
  formatValue,
  GoFloat,
  goKind,
  goTypeName,
  isTrue,
  mapGet,
  mapLength,
  sprint,
  sprintf,
  sprintln,
  toNumber,
} from '@berth/golang';
import { fixedArity, variadic, type TemplateFuncMap } from './template.func';

/** Go text/template's predefined functions (text/template/funcs.go). `and`/`or`/`call` are evaluated lazily by the evaluator. */

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: unknown): Kind {
  switch (goKind(v)) {
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float64':
      return 'float';
    case 'string':
      return 'string';
    case 'invalid':
    case 'nil':
      return 'invalid';
    default:
      return 'other';
  }
}

function plain(v: unknown): unknown {
  return v instanceof GoFloat ? v.value : v;
}

// Go's eq (text/template/funcs.go): operands of different basic kinds are an error (errBadComparison), int against
// float64 too (`eq 1.5 1`, `eq .ratio 1`); only a missing value or nil compares unequal to anything without error.
function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    if (k1 === 'invalid' || k2 === 'invalid') {
      if (k1 === k2) return true;
      continue;
    }
    if (k1 !== k2) throw new Error('incompatible types for comparison');
    if (k1 === 'other') {
      if (arg1 === arg) return true;
      if (typeof arg1 === 'object' && Object.getPrototypeOf(arg1) !== Object.getPrototypeOf(arg)) {
        throw new Error('incompatible types for comparison');
      }
      if (goKind(arg1) === 'map' || goKind(arg1) === 'slice')
        throw new Error(`non-comparable type ${formatValue(arg1)}`);
      continue;
    }
    if (plain(arg1) === plain(arg)) return true;
  }
  return false;
}

// Go's lt: kinds without an order are errBadComparisonType, different kinds (int against float64 included)
// errBadComparison.
function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid' || k1 === 'other' || k2 === 'other') {
    throw new Error('invalid type for comparison');
  }
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  if (k1 === 'bool') throw new Error('invalid type for comparison');
  if (k1 === 'string') return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0;
  return toNumber(a as number) < toNumber(b as number);
}

function length(item: unknown): number {
  switch (goKind(item)) {
    case 'string':
      return Buffer.byteLength(item as string, 'utf8');
    case 'slice':
      return (item as unknown[]).length;
    case 'bytes':
      return (item as Uint8Array).length;
    case 'map':
      return mapLength(item as Record<string, unknown>);
    case 'invalid':
    case 'nil':
      throw new Error('len of nil pointer');
    default:
      throw new Error(`len of type ${goTypeName(item)}`);
  }
}

function indexArg(i: unknown, cap: number): number {
  if (basicKind(i) !== 'int') throw new Error(`cannot index slice/array with type ${goKind(i)}`);
  const n = i as number;
  if (n < 0 || n >= cap) throw new Error(`index out of range: ${n}`);
  return n;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  let v = item;
  for (const i of indexes) {
    switch (goKind(v)) {
      case 'slice':
        v = (v as unknown[])[indexArg(i, (v as unknown[]).length)];
        break;
      case 'string': {
        const bytes = Buffer.from(v as string, 'utf8');
        v = bytes[indexArg(i, bytes.length)];
        break;
      }
      case 'bytes':
        v = (v as Uint8Array)[indexArg(i, (v as Uint8Array).length)];
        break;
      case 'map': {
        if (typeof i !== 'string') throw new Error(`value has type ${goKind(i)}; should be string`);
        const found = mapGet(v as Record<string, unknown>, i);
        v = found === undefined ? null : found;
        break;
      }
      case 'invalid':
      case 'nil':
        throw new Error('index of untyped nil');
      default:
        throw new Error(`can't index item of type ${goKind(v)}`);
    }
  }
  return v;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const kind = goKind(item);
  if (kind === 'invalid' || kind === 'nil') throw new Error('slice of untyped nil');
  const isString = kind === 'string';
  if (isString && indexes.length > 2) throw new Error('cannot 3-index slice a string');
  const seq: unknown[] | Buffer = isString
    ? Buffer.from(item as string, 'utf8')
    : kind === 'slice'
      ? (item as unknown[])
      : [];
  if (!isString && kind !== 'slice') throw new Error(`can't slice item of type ${goKind(item)}`);
  const idx = [0, seq.length];
  indexes.slice(0, 2).forEach((x, i) => {
    if (basicKind(x) !== 'int') throw new Error(`cannot index slice/array with type ${goKind(x)}`);
    const n = x as number;
    if (n < 0 || n > seq.length) throw new Error(`index out of range: ${n}`);
    idx[i] = n;
  });
  const [from = 0, to = seq.length] = idx;
  if (from > to) throw new Error(`invalid slice index: ${from} > ${to}`);
  return isString ? (seq as Buffer).subarray(from, to).toString('utf8') : (seq as unknown[]).slice(from, to);
}

function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

export function htmlEscape(s: string): string {
  return s.replace(
    /[\0"'&<>]/g,
    (c) => ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c,
  );
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === '<') out += '\\u003C';
    else if (ch === '>') out += '\\u003E';
    else if (ch === '&') out += '\\u0026';
    else if (ch === '=') out += '\\u003D';
    else if (cp < 0x20 || (cp >= 0x7f && !/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch))) {
      out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    } else out += ch;
  }
  return out;
}

export function queryEscape(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      if (c === ' ') return '+';
      return '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');
}

function placeholder(): never {
  throw new Error('evaluated by the template engine');
}

export const goBuiltinFuncs: TemplateFuncMap = {
  and: variadic(1, placeholder),
  or: variadic(1, placeholder),
  call: variadic(1, placeholder),
  not: fixedArity(1, (v: unknown) => !isTrue(v)),
  len: fixedArity(1, length),
  index: variadic(1, index),
  slice: variadic(1, slice),
  print: variadic(0, (...a: unknown[]) => sprint(a)),
  println: variadic(0, (...a: unknown[]) => sprintln(a)),
  printf: variadic(1, (format: unknown, ...a: unknown[]) => {
    if (typeof format !== 'string')
      throw new Error(`wrong type for value; expected string; got ${goKind(format)}`);
    return sprintf(format, a);
  }),
  eq: variadic(1, eq),
  ne: fixedArity(2, (a: unknown, b: unknown) => !eq(a, b)),
  lt: fixedArity(2, lt),
  le: fixedArity(2, (a: unknown, b: unknown) => lt(a, b) || eq(a, b)),
  gt: fixedArity(2, (a: unknown, b: unknown) => !lt(a, b) && !eq(a, b)),
  ge: fixedArity(2, (a: unknown, b: unknown) => !lt(a, b)),
  html: variadic(0, (...a: unknown[]) => htmlEscape(evalArgs(a))),
  js: variadic(0, (...a: unknown[]) => jsEscape(evalArgs(a))),
  urlquery: variadic(0, (...a: unknown[]) => queryEscape(evalArgs(a))),
};
