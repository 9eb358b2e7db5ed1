import { ExprSyntaxError } from './expr.errors';

export type TokenKind = 'number' | 'string' | 'identifier' | 'operator' | 'bracket' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text for operators/brackets/identifiers; decoded value for strings. */
  value: string;
  /** Parsed value of a number token. */
  number?: number;
  /** 0-based offset of the first character. */
  pos: number;
}

// Longest first, so `?.` wins over `?` and `**` over `*`.
const OPERATORS = [
  '?.',
  '??',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '**',
  '..',
  '<',
  '>',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '?',
  ':',
  ',',
  '.',
];
const BRACKETS = '()[]{}';

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
};

/** Splits an expr-lang source into tokens; throws ExprSyntaxError with the offending offset. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F_]+|(?:[0-9][0-9_]*)?(?:\.[0-9_]+)?(?:[eE][+-]?[0-9]+)?)/.exec(
        source.slice(i),
      );
      let text = m?.[0] ?? '';
      // `1..5` is a range, not the float `1.` followed by `.5`.
      if (text.endsWith('.') || /^\d+\.\./.test(source.slice(i))) text = /^\d+/.exec(text)?.[0] ?? text;
      const value = Number(text.replace(/_/g, ''));
      if (text === '' || Number.isNaN(value))
        throw new ExprSyntaxError(`invalid number "${text}"`, source, start);
      tokens.push({ kind: 'number', value: text, number: value, pos: start });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'identifier', value: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      const { value, end } = readString(source, i);
      tokens.push({ kind: 'string', value, pos: start });
      i = end;
      continue;
    }
    if (BRACKETS.includes(ch)) {
      tokens.push({ kind: 'bracket', value: ch, pos: start });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op !== undefined) {
      // `a ? .5 : 1` is a ternary with a float, not optional chaining.
      if (op === '?.' && /[0-9]/.test(source[i + 2] ?? '')) {
        tokens.push({ kind: 'operator', value: '?', pos: start });
        i++;
        continue;
      }
      tokens.push({ kind: 'operator', value: op, pos: start });
      i += op.length;
      continue;
    }
    throw new ExprSyntaxError(`unexpected character "${ch}"`, source, start);
  }
  tokens.push({ kind: 'eof', value: '', pos: source.length });
  return tokens;
}

function readString(source: string, start: number): { value: string; end: number } {
  const quote = source[start]!;
  let out = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === quote) return { value: out, end: i + 1 };
    if (ch === '\\' && quote !== '`') {
      const next = source[i + 1];
      if (next === undefined) break;
      if (next === 'u' || next === 'x') {
        const len = next === 'u' ? 4 : 2;
        const hex = source.slice(i + 2, i + 2 + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) {
          throw new ExprSyntaxError(`invalid escape "\\${next}${hex}"`, source, i);
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2 + len;
        continue;
      }
      const decoded = ESCAPES[next];
      if (decoded === undefined) throw new ExprSyntaxError(`invalid escape "\\${next}"`, source, i);
      out += decoded;
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
  throw new ExprSyntaxError('literal not terminated', source, start);
}
