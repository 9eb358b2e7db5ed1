import { GoFloat, goKind, goTypeName, mapEntries, toNumber } from './go-value';

/** Go's `fmt` printing of template values: `%v`, `Sprint`, `Sprintf`, `strconv.Quote`, float formatting. */

interface Decimal {
  /** significant digits, no trailing zeros ('' for zero) */
  digits: string;
  /** position of the decimal point relative to the digits */
  dp: number;
}

function toDecimal(x: number, significant?: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const s = significant === undefined ? x.toExponential() : x.toExponential(Math.max(significant - 1, 0));
  const [mantissa = '', exponent = '0'] = s.split('e');
  return { digits: mantissa.replace('.', '').replace(/0+$/, ''), dp: Number(exponent) + 1 };
}

function formatE(d: Decimal, prec: number, e: 'e' | 'E'): string {
  let out = d.digits[0] ?? '0';
  if (prec > 0) out += '.' + d.digits.slice(1, prec + 1).padEnd(prec, '0');
  const exp = d.digits.length === 0 ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return `${out}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function formatF(d: Decimal, prec: number): string {
  let out = d.dp > 0 ? d.digits.slice(0, d.dp).padEnd(d.dp, '0') : '0';
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      out += j >= 0 && j < d.digits.length ? d.digits[j] : '0';
    }
  }
  return out;
}

/** strconv.FormatFloat(x, verb, prec, 64) for finite and special values. */
export function formatFloat(x: number, verb: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  let body: string;
  switch (verb) {
    case 'e':
    case 'E': {
      const p = prec < 0 ? toDecimal(abs).digits.length - 1 : prec;
      body = formatE(toDecimal(abs, prec < 0 ? undefined : p + 1), Math.max(p, 0), verb);
      break;
    }
    case 'f':
    case 'F': {
      if (prec < 0) {
        const d = toDecimal(abs);
        body = formatF(d, Math.max(d.digits.length - d.dp, 0));
      } else {
        body = abs < 1e21 ? abs.toFixed(prec) : formatF(toDecimal(abs), prec);
      }
      break;
    }
    default: {
      // 'g' / 'G'
      const shortest = prec < 0;
      const d = shortest ? toDecimal(abs) : toDecimal(abs, prec === 0 ? 1 : prec);
      let p = shortest ? d.digits.length : prec === 0 ? 1 : prec;
      let eprec = p;
      if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (p > d.digits.length) p = d.digits.length;
        body = formatE(d, Math.max(p - 1, 0), verb === 'G' ? 'E' : 'e');
      } else {
        if (p > d.dp) p = d.digits.length;
        body = formatF(d, Math.max(p - d.dp, 0));
      }
    }
  }
  return (neg ? '-' : '') + body;
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote: Go string literal with Go escapes; printable Unicode is kept as is. */
export function goQuote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp < 0x80 ? cp >= 0x20 && cp < 0x7f : !asciiOnly && printable.test(ch)) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

function hasStringMethod(v: unknown): v is { String(): string } {
  return goKind(v) === 'struct' && typeof (v as { String?: unknown }).String === 'function';
}

function hasErrorMethod(v: unknown): v is { Error(): string } {
  return goKind(v) === 'struct' && typeof (v as { Error?: unknown }).Error === 'function';
}

/** fmt's `%v` (and `%+v` with `plus`) of one value. `undefined` prints `<nil>` as an interface{} argument does. */
export function formatValue(v: unknown, plus = false): string {
  switch (goKind(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return String(v);
    case 'float64':
      return formatFloat(toNumber(v as number | GoFloat), 'g', -1);
    case 'string':
      return v as string;
    case 'slice':
      return '[' + (v as unknown[]).map((e) => formatValue(e, plus)).join(' ') + ']';
    case 'bytes':
      return '[' + [...(v as Uint8Array)].join(' ') + ']';
    case 'map':
      return (
        'map[' +
        mapEntries(v as Record<string, unknown>)
          .map(([k, e]) => `${k}:${formatValue(e, plus)}`)
          .join(' ') +
        ']'
      );
    case 'func':
      return '0xc000010000';
    default:
      if (hasErrorMethod(v)) return v.Error();
      if (hasStringMethod(v)) return v.String();
      return (
        '{' +
        Object.entries(v as object)
          .map(([k, e]) => (plus ? `${k}:${formatValue(e, plus)}` : formatValue(e, plus)))
          .join(' ') +
        '}'
      );
  }
}

/** fmt.Sprint: spaces are added between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintln: spaces always, newline at the end. */
export function sprintln(args: unknown[]): string {
  return args.map((a) => formatValue(a)).join(' ') + '\n';
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  const fill = width - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s.slice(0, 1) : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  if (spec.zero && !numeric) return '0'.repeat(fill) + s;
  return ' '.repeat(fill) + s;
}

function signed(s: string, negative: boolean, spec: Spec): string {
  if (negative) return s;
  if (spec.plus) return '+' + s;
  if (spec.space) return ' ' + s;
  return s;
}

function badVerb(verb: string, v: unknown): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function hexOfString(s: string, upper: boolean, spec: Spec): string {
  const bytes = [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
  const joined = bytes.join(spec.space ? ' ' : '');
  return upper ? joined.toUpperCase() : joined;
}

function formatInteger(n: number, verb: string, spec: Spec): string | undefined {
  const neg = n < 0;
  const abs = Math.abs(n);
  let body: string;
  switch (verb) {
    case 'd':
    case 'v':
      body = String(abs);
      break;
    case 'x':
      body = (spec.sharp ? '0x' : '') + abs.toString(16);
      break;
    case 'X':
      body = (spec.sharp ? '0X' : '') + abs.toString(16).toUpperCase();
      break;
    case 'o':
      body = (spec.sharp ? '0' : '') + abs.toString(8);
      break;
    case 'O':
      body = '0o' + abs.toString(8);
      break;
    case 'b':
      body = abs.toString(2);
      break;
    case 'c':
      return String.fromCodePoint(n);
    case 'q':
      return (
        "'" + goQuote(String.fromCodePoint(n)).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'") + "'"
      );
    case 'U':
      return 'U+' + abs.toString(16).toUpperCase().padStart(4, '0');
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return undefined;
    default:
      return undefined;
  }
  if (spec.prec !== undefined) body = body.padStart(spec.prec, '0');
  return signed((neg ? '-' : '') + body, neg, spec);
}

function formatOne(verb: string, v: unknown, spec: Spec): string {
  const kind = goKind(v);
  if (verb === 'T') return pad(goTypeName(v), spec, false);
  if (verb === 'v' && spec.sharp) return pad(goSyntax(v), spec, false);
  if (kind === 'invalid' || kind === 'nil')
    return pad(verb === 'v' ? '<nil>' : badVerb(verb, v), spec, false);
  if (kind === 'slice' && verb !== 's' && verb !== 'q' && verb !== 'x' && verb !== 'X') {
    return pad(
      '[' + (v as unknown[]).map((e) => formatOne(verb, e, { ...spec, width: undefined })).join(' ') + ']',
      spec,
      false,
    );
  }
  if (kind === 'slice') {
    return '[' + (v as unknown[]).map((e) => formatOne(verb, e, spec)).join(' ') + ']';
  }
  if (kind === 'map') {
    const inner = { ...spec, width: undefined };
    return pad(
      'map[' +
        mapEntries(v as Record<string, unknown>)
          .map(([k, e]) => `${formatOne(verb, k, inner)}:${formatOne(verb, e, inner)}`)
          .join(' ') +
        ']',
      spec,
      false,
    );
  }
  if ((verb === 'v' || verb === 's' || verb === 'q') && (hasErrorMethod(v) || hasStringMethod(v))) {
    return formatOne(verb, formatValue(v), spec);
  }
  if (kind === 'bytes') {
    if (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') {
      return formatOne(verb, Buffer.from(v as Uint8Array).toString('utf8'), spec);
    }
    return formatOne(verb, [...(v as Uint8Array)], spec);
  }
  switch (kind) {
    case 'bool':
      return verb === 'v' || verb === 't' ? pad(v ? 'true' : 'false', spec, false) : badVerb(verb, v);
    case 'string': {
      let s = v as string;
      if (spec.prec !== undefined && verb !== 'x' && verb !== 'X') s = [...s].slice(0, spec.prec).join('');
      switch (verb) {
        case 'v':
        case 's':
          return pad(s, spec, false);
        case 'q':
          return pad(
            spec.sharp && !s.includes('`') && !/[\n\r]/.test(s) ? '`' + s + '`' : goQuote(s, spec.plus),
            spec,
            false,
          );
        case 'x':
        case 'X':
          return pad(hexOfString(s, verb === 'X', spec), spec, false);
        default:
          return badVerb(verb, v);
      }
    }
    case 'int': {
      const n = Number(v);
      if ('eEfFgG'.includes(verb)) return badVerb(verb, v);
      const s = formatInteger(n, verb, spec);
      return s === undefined ? badVerb(verb, v) : pad(s, spec, verb !== 'c' && verb !== 'q');
    }
    case 'float64': {
      const x = toNumber(v as number | GoFloat);
      const defaultPrec = 'eEfF'.includes(verb) ? 6 : -1;
      if (!'veEfFgGxX'.includes(verb) || verb === 'x' || verb === 'X') return badVerb(verb, v);
      const s = formatFloat(x, verb === 'v' ? 'g' : verb, spec.prec ?? defaultPrec);
      return pad(signed(s, s.startsWith('-'), spec), spec, true);
    }
    default:
      return verb === 'v' || verb === 's' ? pad(formatValue(v, spec.plus), spec, false) : badVerb(verb, v);
  }
}

/** A rough `%#v`: Go syntax for the common cases. */
function goSyntax(v: unknown): string {
  switch (goKind(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'string':
      return goQuote(v as string);
    case 'slice':
      return '[]interface {}{' + (v as unknown[]).map(goSyntax).join(', ') + '}';
    case 'map':
      return (
        'map[string]interface {}{' +
        mapEntries(v as Record<string, unknown>)
          .map(([k, e]) => `${goQuote(k)}:${goSyntax(e)}`)
          .join(', ') +
        '}'
      );
    default:
      return formatValue(v);
  }
}

/** fmt.Sprintf with Go verbs, flags, width, precision, `*`, and Go's `%!verb(...)` error notation. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const readNumber = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argIndex++];
        return typeof a === 'number' ? a : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = readNumber();
    if (spec.width !== undefined && spec.width < 0) {
      spec.minus = true;
      spec.width = -spec.width;
    }
    if (format[i] === '.') {
      i++;
      spec.prec = readNumber() ?? 0;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argIndex++], spec);
  }
  if (argIndex < args.length) {
    out +=
      '%!(EXTRA ' +
      args
        .slice(argIndex)
        .map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`))
        .join(', ') +
      ')';
  }
  return out;
}
