import { createHash, randomUUID } from 'node:crypto';
import semver from 'semver';
import {
  formatGoTime,
  formatValue,
  GoDuration,
  GoFloat,
  goKind,
  GoLocation,
  goQuote,
  GoTime,
  goTypeName,
  isNumber,
  isTrue,
  mapEntries,
  mapGet,
  parseGoDuration,
  parseGoTime,
  toGoJson,
  toNumber,
} from '@berth/golang';
import { fixedArity, variadic, type TemplateFuncMap } from './template.func';

/**
 * Sprig v3 (TxtFuncMap) as Argo CD hands it to templates: without env and expandenv, which notifications-engine
 * deletes (pkg/templates), so a template naming them fails to parse (`function "env" not defined`) and can never
 * read the process environment.
 */

type Dict = Record<string, unknown>;

/** Sprig's strval: strings as is, []byte decoded, Stringers/errors through their method, else fmt %v. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return formatValue(v);
}

function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((e) => e !== null && e !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

function bytes(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** cast.ToInt64E-like conversion, 0 on failure. */
function toInt64(v: unknown): number {
  if (isNumber(v)) return Math.trunc(toNumber(v));
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = /^[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(v.trim()) ? Number(v.trim()) : NaN;
    return Number.isNaN(n) ? 0 : Math.trunc(n);
  }
  return 0;
}

function toFloat64(v: unknown): GoFloat {
  if (isNumber(v)) return new GoFloat(toNumber(v));
  if (typeof v === 'boolean') return new GoFloat(v ? 1 : 0);
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return new GoFloat(v.trim() === '' || Number.isNaN(n) ? 0 : n);
  }
  return new GoFloat(0);
}

/** Go float64 results: plain numbers when non-integral, GoFloat when integral (so they print as Go floats). */
function float(n: number): unknown {
  return Number.isInteger(n) ? new GoFloat(n) : n;
}

function isEmpty(v: unknown): boolean {
  const kind = goKind(v);
  if (kind === 'struct') return false;
  return !isTrue(v);
}

function asList(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return [];
  throw new Error(`Cannot find ${fn} on type ${goTypeName(v)}`);
}

function asDict(v: unknown): Dict {
  if (goKind(v) !== 'map')
    throw new Error(`wrong type for value; expected map[string]interface {}; got ${goTypeName(v)}`);
  return v as Dict;
}

/** Go regexp (RE2) syntax to JS: named groups and leading inline flags. */
function goRegex(pattern: string, global = false): RegExp {
  let flags = 'u' + (global ? 'g' : '');
  let source = pattern.replace(/\(\?P</g, '(?<');
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline?.[1]) {
    for (const f of inline[1]) if (f !== 'U' && !flags.includes(f)) flags += f;
    source = source.slice(inline[0].length);
  }
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new Error(`error parsing regexp: ${(e as Error).message}`, { cause: e });
  }
}

/** regexp.Expand: $1, ${1}, $name, ${name}; $$ is a literal $. */
function expand(
  template: string,
  match: RegExpExecArray | string[],
  groups: Record<string, string | undefined> | undefined,
): string {
  return template.replace(
    /\$(\$|\{(\w+)\}|(\w+))/g,
    (_all, dollar: string, braced?: string, bare?: string) => {
      if (dollar === '$') return '$';
      const name = braced ?? bare ?? '';
      if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
      return groups?.[name] ?? '';
    },
  );
}

function toTime(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  if (isNumber(v)) return new GoTime(Math.trunc(toNumber(v)) * 1000, 0, GoLocation.local());
  if (v instanceof Date) return GoTime.fromDate(v);
  return new GoTime(Date.now(), 0, GoLocation.local());
}

function title(s: string): string {
  // strings.Title: upper-case the first letter of each word; only letters, digits and '_' continue a word
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const separator = !/[\p{L}\p{N}_]/u.test(prev);
    out += separator ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function wrapCustom(str: string, wrapLength: number, newLine: string, wrapLong: boolean): string {
  if (str === '') return '';
  const nl = newLine || '\n';
  const width = Math.max(wrapLength, 1);
  let offset = 0;
  let out = '';
  while (str.length - offset > width) {
    if (str[offset] === ' ') {
      offset++;
      continue;
    }
    let spaceAt = str.slice(offset, width + offset + 1).lastIndexOf(' ') + offset;
    if (spaceAt >= offset) {
      out += str.slice(offset, spaceAt) + nl;
      offset = spaceAt + 1;
    } else if (wrapLong) {
      out += str.slice(offset, width + offset) + nl;
      offset += width;
    } else {
      const end = width + offset;
      const idx = str.slice(end).indexOf(' ');
      if (idx === -1) {
        out += str.slice(offset);
        offset = str.length;
      } else {
        spaceAt = idx + end;
        out += str.slice(offset, spaceAt) + nl;
        offset = spaceAt + 1;
      }
    }
  }
  return out + str.slice(offset);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a instanceof GoFloat || b instanceof GoFloat)
    return goKind(a) === goKind(b) && toNumber(a as number) === toNumber(b as number);
  if (goKind(a) !== goKind(b)) return false;
  if (Array.isArray(a))
    return a.length === (b as unknown[]).length && a.every((e, i) => deepEqual(e, (b as unknown[])[i]));
  if (goKind(a) === 'map') {
    const ea = mapEntries(a as Dict);
    const eb = mapEntries(b as Dict);
    return ea.length === eb.length && ea.every(([k, v], i) => eb[i]?.[0] === k && deepEqual(v, eb[i]?.[1]));
  }
  return a === b;
}

function fromJsonValue(v: unknown): unknown {
  if (typeof v === 'number') return float(v);
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, fromJsonValue(e)]));
  return v;
}

const kindNames: Record<string, string> = {
  int: 'int64',
  float64: 'float64',
  slice: 'slice',
  map: 'map',
  bytes: 'slice',
  func: 'func',
  struct: 'struct',
  nil: 'invalid',
  invalid: 'invalid',
};

const sprigStrings: TemplateFuncMap = {
  upper: fixedArity(1, (s: string) => s.toUpperCase()),
  lower: fixedArity(1, (s: string) => s.toLowerCase()),
  title: fixedArity(1, title),
  untitle: fixedArity(1, (s: string) =>
    s.replace(/(^|\s)(\S)/gu, (_m, sp: string, c: string) => sp + c.toLowerCase()),
  ),
  trim: fixedArity(1, (s: string) => s.trim()),
  trimAll: fixedArity(2, (cut: string, s: string) => {
    const set = [...cut];
    let a = [...s];
    while (a.length && set.includes(a[0] ?? '')) a = a.slice(1);
    while (a.length && set.includes(a[a.length - 1] ?? '')) a = a.slice(0, -1);
    return a.join('');
  }),
  trimPrefix: fixedArity(2, (p: string, s: string) => (s.startsWith(p) ? s.slice(p.length) : s)),
  trimSuffix: fixedArity(2, (p: string, s: string) =>
    p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s,
  ),
  trunc: fixedArity(2, (c: number, s: string) => {
    const b = bytes(s);
    if (c < 0 && b.length + c > 0) return b.subarray(b.length + c).toString('utf8');
    if (c >= 0 && b.length > c) return b.subarray(0, c).toString('utf8');
    return s;
  }),
  abbrev: fixedArity(2, (width: number, s: string) => {
    const b = bytes(s);
    if (width < 4) return s;
    return b.length > width ? b.subarray(0, width - 3).toString('utf8') + '...' : s;
  }),
  replace: fixedArity(3, (o: string, n: string, s: string) => s.split(o).join(n)),
  repeat: fixedArity(2, (n: number, s: string) => s.repeat(Math.max(n, 0))),
  substr: fixedArity(3, (start: number, end: number, s: string) => {
    const b = bytes(s);
    if (start < 0) return b.subarray(0, end).toString('utf8');
    if (end < 0 || end > b.length) return b.subarray(start).toString('utf8');
    return b.subarray(start, end).toString('utf8');
  }),
  contains: fixedArity(2, (sub: string, s: string) => s.includes(sub)),
  hasPrefix: fixedArity(2, (p: string, s: string) => s.startsWith(p)),
  hasSuffix: fixedArity(2, (p: string, s: string) => s.endsWith(p)),
  quote: variadic(0, (...a: unknown[]) =>
    a
      .filter((e) => e !== null && e !== undefined)
      .map((e) => goQuote(strval(e)))
      .join(' '),
  ),
  squote: variadic(0, (...a: unknown[]) =>
    a
      .filter((e) => e !== null && e !== undefined)
      .map((e) => `'${strval(e)}'`)
      .join(' '),
  ),
  cat: variadic(0, (...a: unknown[]) =>
    a
      .filter((e) => e !== null && e !== undefined)
      .map((e) => formatValue(e))
      .join(' '),
  ),
  indent: fixedArity(2, (n: number, s: string) => ' '.repeat(n) + s.split('\n').join('\n' + ' '.repeat(n))),
  nindent: fixedArity(
    2,
    (n: number, s: string) => '\n' + ' '.repeat(n) + s.split('\n').join('\n' + ' '.repeat(n)),
  ),
  wrap: fixedArity(2, (n: number, s: string) => wrapCustom(s, n, '', false)),
  wrapWith: fixedArity(3, (n: number, sep: string, s: string) => wrapCustom(s, n, sep, true)),
  nospace: fixedArity(1, (s: string) => s.replace(/\s/gu, '')),
  initials: fixedArity(1, (s: string) =>
    s
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => [...w][0])
      .join(''),
  ),
  plural: fixedArity(3, (one: string, many: string, n: number) => (n === 1 ? one : many)),
  snakecase: fixedArity(1, (s: string) =>
    s
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[\s-]+/g, '_')
      .toLowerCase(),
  ),
  kebabcase: fixedArity(1, (s: string) =>
    s
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/[\s_]+/g, '-')
      .toLowerCase(),
  ),
  camelcase: fixedArity(1, (s: string) =>
    s
      .split(/[_\s-]+/)
      .map((w) => (w ? (w[0] ?? '').toUpperCase() + w.slice(1) : ''))
      .join(''),
  ),
  swapcase: fixedArity(1, (s: string) =>
    [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  ),
  split: fixedArity(2, (sep: string, s: string) =>
    Object.fromEntries(s.split(sep).map((p, i) => [`_${i}`, p])),
  ),
  splitList: fixedArity(2, (sep: string, s: string) => s.split(sep)),
  splitn: fixedArity(3, (sep: string, n: number, s: string) => {
    const parts = s.split(sep);
    const head = n > 0 && parts.length > n ? [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)] : parts;
    return Object.fromEntries(head.map((p, i) => [`_${i}`, p]));
  }),
  join: fixedArity(2, (sep: string, v: unknown) => strslice(v).join(sep)),
  sortAlpha: fixedArity(1, (v: unknown) => strslice(v).sort((a, b) => Buffer.compare(bytes(a), bytes(b)))),
  toString: fixedArity(1, strval),
  toStrings: fixedArity(1, (v: unknown) => (Array.isArray(v) ? v.map(strval) : [strval(v)])),
  regexMatch: fixedArity(2, (re: string, s: string) => goRegex(re).test(s)),
  regexFind: fixedArity(2, (re: string, s: string) => goRegex(re).exec(s)?.[0] ?? ''),
  regexFindAll: fixedArity(3, (re: string, s: string, n: number) => {
    const all = [...s.matchAll(goRegex(re, true))].map((m) => m[0]);
    return n < 0 ? all : all.slice(0, n);
  }),
  regexReplaceAll: fixedArity(3, (re: string, s: string, repl: string) =>
    s.replace(goRegex(re, true), (...m: unknown[]) => {
      const last = m[m.length - 1];
      const groups =
        typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
      return expand(repl, m.slice(0, groups ? -3 : -2) as string[], groups);
    }),
  ),
  regexReplaceAllLiteral: fixedArity(3, (re: string, s: string, repl: string) =>
    s.replace(goRegex(re, true), () => repl),
  ),
  regexSplit: fixedArity(3, (re: string, s: string, n: number) => {
    const parts = s.split(goRegex(re, true));
    return n < 0 ? parts : parts.slice(0, n);
  }),
};

const sprigDefaults: TemplateFuncMap = {
  default: variadic(1, (d: unknown, ...given: unknown[]) =>
    given.length === 0 || isEmpty(given[0]) ? d : given[0],
  ),
  empty: fixedArity(1, isEmpty),
  coalesce: variadic(0, (...a: unknown[]) => a.find((e) => !isEmpty(e)) ?? null),
  all: variadic(0, (...a: unknown[]) => a.every((e) => !isEmpty(e))),
  any: variadic(0, (...a: unknown[]) => a.some((e) => !isEmpty(e))),
  ternary: fixedArity(3, (t: unknown, f: unknown, c: boolean) => (c ? t : f)),
  fail: fixedArity(1, (msg: string) => {
    throw new Error(msg);
  }),
  toJson: fixedArity(1, (v: unknown) => toGoJson(v, { escapeHtml: true })),
  mustToJson: fixedArity(1, (v: unknown) => toGoJson(v, { escapeHtml: true })),
  toPrettyJson: fixedArity(1, (v: unknown) => toGoJson(v, { escapeHtml: true, indent: '  ' })),
  toRawJson: fixedArity(1, (v: unknown) => toGoJson(v, { escapeHtml: false })),
  fromJson: fixedArity(1, (s: string) => {
    try {
      return fromJsonValue(JSON.parse(s));
    } catch {
      return null;
    }
  }),
  mustFromJson: fixedArity(1, (s: string) => fromJsonValue(JSON.parse(s))),
  b64enc: fixedArity(1, (s: string) => bytes(s).toString('base64')),
  b64dec: fixedArity(1, (s: string) => {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return 'illegal base64 data at input byte 0';
    return Buffer.from(s, 'base64').toString('utf8');
  }),
  sha256sum: fixedArity(1, (s: string) => createHash('sha256').update(s).digest('hex')),
  sha1sum: fixedArity(1, (s: string) => createHash('sha1').update(s).digest('hex')),
  uuidv4: fixedArity(0, () => randomUUID()),
  kindOf: fixedArity(1, (v: unknown) =>
    typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : (kindNames[goKind(v)] ?? goKind(v)),
  ),
  typeOf: fixedArity(1, (v: unknown) => goTypeName(v)),
  kindIs: fixedArity(2, (k: string, v: unknown) => (kindNames[goKind(v)] ?? goKind(v)) === k),
  typeIs: fixedArity(2, (t: string, v: unknown) => goTypeName(v) === t),
  deepEqual: fixedArity(2, deepEqual),
};

const sprigCollections: TemplateFuncMap = {
  list: variadic(0, (...a: unknown[]) => a),
  tuple: variadic(0, (...a: unknown[]) => a),
  dict: variadic(0, (...a: unknown[]) => {
    const d: Dict = {};
    for (let i = 0; i < a.length; i += 2) d[strval(a[i])] = i + 1 < a.length ? a[i + 1] : '';
    return d;
  }),
  get: fixedArity(2, (d: unknown, k: string) => mapGet(asDict(d), k) ?? ''),
  set: fixedArity(3, (d: unknown, k: string, v: unknown) => {
    asDict(d)[k] = v;
    return d;
  }),
  unset: fixedArity(2, (d: unknown, k: string) => {
    delete asDict(d)[k];
    return d;
  }),
  hasKey: fixedArity(2, (d: unknown, k: string) => mapGet(asDict(d), k) !== undefined),
  keys: variadic(0, (...ds: unknown[]) => ds.flatMap((d) => Object.keys(asDict(d)))),
  values: fixedArity(1, (d: unknown) => Object.values(asDict(d))),
  pluck: variadic(1, (k: string, ...ds: unknown[]) =>
    ds.map((d) => mapGet(asDict(d), k)).filter((v) => v !== undefined),
  ),
  pick: variadic(1, (d: unknown, ...ks: string[]) =>
    Object.fromEntries(Object.entries(asDict(d)).filter(([k]) => ks.includes(k))),
  ),
  omit: variadic(1, (d: unknown, ...ks: string[]) =>
    Object.fromEntries(Object.entries(asDict(d)).filter(([k]) => !ks.includes(k))),
  ),
  dig: variadic(2, (...a: unknown[]) => {
    const d = a[a.length - 1];
    const def = a[a.length - 2];
    let cur: unknown = d;
    for (const k of a.slice(0, -2)) {
      if (goKind(cur) !== 'map') return def;
      cur = mapGet(cur as Dict, strval(k));
      if (cur === undefined) return def;
    }
    return cur;
  }),
  merge: variadic(1, (dst: unknown, ...srcs: unknown[]) => {
    const target = asDict(dst);
    for (const src of srcs)
      for (const [k, v] of Object.entries(asDict(src))) if (!(k in target)) target[k] = v;
    return target;
  }),
  mergeOverwrite: variadic(1, (dst: unknown, ...srcs: unknown[]) =>
    Object.assign(asDict(dst), ...srcs.map(asDict)),
  ),
  first: fixedArity(1, (l: unknown) => asList(l, 'first')[0] ?? null),
  last: fixedArity(1, (l: unknown) => asList(l, 'last').at(-1) ?? null),
  rest: fixedArity(1, (l: unknown) => asList(l, 'rest').slice(1)),
  initial: fixedArity(1, (l: unknown) => asList(l, 'initial').slice(0, -1)),
  append: fixedArity(2, (l: unknown, v: unknown) => [...asList(l, 'append'), v]),
  push: fixedArity(2, (l: unknown, v: unknown) => [...asList(l, 'push'), v]),
  prepend: fixedArity(2, (l: unknown, v: unknown) => [v, ...asList(l, 'prepend')]),
  concat: variadic(0, (...ls: unknown[]) => ls.flatMap((l) => asList(l, 'concat'))),
  reverse: fixedArity(1, (l: unknown) => [...asList(l, 'reverse')].reverse()),
  compact: fixedArity(1, (l: unknown) => asList(l, 'compact').filter((e) => !isEmpty(e))),
  uniq: fixedArity(1, (l: unknown) =>
    asList(l, 'uniq').filter((e, i, all) => all.findIndex((x) => deepEqual(x, e)) === i),
  ),
  has: fixedArity(2, (needle: unknown, l: unknown) => asList(l, 'has').some((e) => deepEqual(e, needle))),
  without: variadic(1, (l: unknown, ...omit: unknown[]) =>
    asList(l, 'without').filter((e) => !omit.some((o) => deepEqual(o, e))),
  ),
  until: fixedArity(1, (n: number) => Array.from({ length: Math.max(n, 0) }, (_v, i) => i)),
  untilStep: fixedArity(3, (start: number, stop: number, step: number) => {
    const out: number[] = [];
    if (step === 0) return out;
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  }),
  seq: variadic(0, (...a: number[]) => {
    const [s = 1, st = 1, e = 0] =
      a.length === 1 ? [1, 1, a[0]] : a.length === 2 ? [a[0], (a[1] ?? 0) >= (a[0] ?? 0) ? 1 : -1, a[1]] : a;
    const out: number[] = [];
    for (let i = s; st > 0 ? i <= e : i >= e; i += st) out.push(i);
    return out.join(' ');
  }),
};

const sprigMath: TemplateFuncMap = {
  add: variadic(0, (...a: unknown[]) => a.reduce<number>((s, v) => s + toInt64(v), 0)),
  add1: fixedArity(1, (v: unknown) => toInt64(v) + 1),
  sub: fixedArity(2, (a: unknown, b: unknown) => toInt64(a) - toInt64(b)),
  mul: variadic(1, (a: unknown, ...r: unknown[]) => r.reduce<number>((p, v) => p * toInt64(v), toInt64(a))),
  div: fixedArity(2, (a: unknown, b: unknown) => {
    if (toInt64(b) === 0) throw new Error('runtime error: integer divide by zero');
    return Math.trunc(toInt64(a) / toInt64(b));
  }),
  mod: fixedArity(2, (a: unknown, b: unknown) => {
    if (toInt64(b) === 0) throw new Error('runtime error: integer divide by zero');
    return toInt64(a) % toInt64(b);
  }),
  max: variadic(1, (a: unknown, ...r: unknown[]) => Math.max(toInt64(a), ...r.map(toInt64))),
  min: variadic(1, (a: unknown, ...r: unknown[]) => Math.min(toInt64(a), ...r.map(toInt64))),
  addf: variadic(0, (...a: unknown[]) => float(a.reduce<number>((s, v) => s + toFloat64(v).value, 0))),
  subf: variadic(1, (a: unknown, ...r: unknown[]) =>
    float(r.reduce<number>((s, v) => s - toFloat64(v).value, toFloat64(a).value)),
  ),
  mulf: variadic(1, (a: unknown, ...r: unknown[]) =>
    float(r.reduce<number>((s, v) => s * toFloat64(v).value, toFloat64(a).value)),
  ),
  divf: variadic(1, (a: unknown, ...r: unknown[]) =>
    float(r.reduce<number>((s, v) => s / toFloat64(v).value, toFloat64(a).value)),
  ),
  floor: fixedArity(1, (v: unknown) => float(Math.floor(toFloat64(v).value))),
  ceil: fixedArity(1, (v: unknown) => float(Math.ceil(toFloat64(v).value))),
  round: variadic(2, (v: unknown, p: unknown) => {
    const m = 10 ** toInt64(p);
    return float(Math.round(toFloat64(v).value * m) / m);
  }),
  int: fixedArity(1, toInt64),
  int64: fixedArity(1, toInt64),
  float64: fixedArity(1, (v: unknown) => toFloat64(v)),
  atoi: fixedArity(1, (s: string) => (/^[+-]?\d+$/.test(s) ? Number(s) : 0)),
};

const sprigDates: TemplateFuncMap = {
  now: fixedArity(0, () => GoTime.fromDate(new Date())),
  date: fixedArity(2, (layout: string, d: unknown) => formatGoTime(toTime(d).Local(), layout)),
  dateInZone: fixedArity(3, (layout: string, d: unknown, zone: string) => {
    let loc: GoLocation;
    try {
      loc = GoLocation.load(zone);
    } catch {
      loc = GoLocation.UTC;
    }
    return formatGoTime(toTime(d).In(loc), layout);
  }),
  htmlDate: fixedArity(1, (d: unknown) => formatGoTime(toTime(d).Local(), '2006-01-02')),
  toDate: fixedArity(2, (layout: string, s: string) => {
    try {
      return parseGoTime(layout, s, GoLocation.local());
    } catch {
      return GoTime.zero();
    }
  }),
  mustToDate: fixedArity(2, (layout: string, s: string) => parseGoTime(layout, s, GoLocation.local())),
  unixEpoch: fixedArity(1, (d: GoTime) => String(toTime(d).Unix())),
  dateModify: fixedArity(2, (fmt: string, d: GoTime) => {
    try {
      return toTime(d).Add(parseGoDuration(fmt));
    } catch {
      return d;
    }
  }),
  ago: fixedArity(1, (d: unknown) => {
    const since = new GoDuration((Date.now() - toTime(d).unixMs) * 1e6);
    return since.Round(new GoDuration(1e9)).String();
  }),
  duration: fixedArity(1, (s: unknown) => new GoDuration(toInt64(s) * 1e9).String()),
  durationRound: fixedArity(1, (v: unknown) => {
    const ns =
      v instanceof GoDuration
        ? v.nanoseconds
        : typeof v === 'string'
          ? parseGoDuration(v).nanoseconds
          : v instanceof GoTime
            ? (Date.now() - v.unixMs) * 1e6
            : toInt64(v);
    const u = Math.abs(ns);
    const units: [number, string][] = [
      [31536000e9, 'y'],
      [2592000e9, 'mo'],
      [86400e9, 'd'],
      [3600e9, 'h'],
      [60e9, 'm'],
      [1e9, 's'],
    ];
    for (const [size, name] of units) if (u >= size) return `${Math.floor(u / size)}${name}`;
    return '0s';
  }),
};

/** Masterminds/semver: *Version with Major/Minor/Patch/Prerelease/Metadata/Original, and constraint checks. */
class SemverVersion {
  readonly goTypeName = '*semver.Version';
  constructor(
    private readonly v: semver.SemVer,
    private readonly original: string,
  ) {}
  Major(): number {
    return this.v.major;
  }
  Minor(): number {
    return this.v.minor;
  }
  Patch(): number {
    return this.v.patch;
  }
  Prerelease(): string {
    return this.v.prerelease.join('.');
  }
  Metadata(): string {
    return this.v.build.join('.');
  }
  Original(): string {
    return this.original;
  }
  String(): string {
    return this.v.version;
  }
}

const sprigSemver: TemplateFuncMap = {
  semver: fixedArity(1, (s: string) => {
    const v =
      semver.coerce(s, { includePrerelease: true }) && semver.parse(s.replace(/^v/, ''), { loose: true });
    if (!v) throw new Error('Invalid Semantic Version');
    return new SemverVersion(v, s);
  }),
  semverCompare: fixedArity(2, (constraint: string, version: string) => {
    const v = semver.parse(version.replace(/^v/, ''), { loose: true });
    if (!v) throw new Error('Invalid Semantic Version');
    const range = constraint
      .split('||')
      .map((part) => part.replace(/,/g, ' '))
      .join('||');
    return semver.satisfies(v, range, { loose: true });
  }),
  urlParse: fixedArity(1, (s: string) => {
    const u = new URL(s);
    return {
      scheme: u.protocol.replace(/:$/, ''),
      host: u.host,
      hostname: u.hostname,
      path: decodeURIComponent(u.pathname),
      query: u.search.replace(/^\?/, ''),
      opaque: '',
      fragment: decodeURIComponent(u.hash.replace(/^#/, '')),
      userinfo: u.username ? u.username + (u.password ? ':' + u.password : '') : '',
    };
  }),
};

export const sprigFuncs: TemplateFuncMap = {
  ...sprigStrings,
  ...sprigDefaults,
  ...sprigCollections,
  ...sprigMath,
  ...sprigDates,
  ...sprigSemver,
};
