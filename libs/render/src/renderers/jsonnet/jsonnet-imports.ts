/**
 * The files a Jsonnet program reads: every `import`, `importstr` and `importbin` with its path, found
 * by Jsonnet's own lexical rules. Jsonnet only imports string literals (a computed import is a static
 * error), so the lexer sees every path the evaluator could open; that is what lets Berth confine a
 * render to its repository before `jsonnet` runs (the C++ binary opens any path it is given).
 *
 * The rules follow the C++ lexer of jsonnet 0.18: `//`, `#` and `/* *\/` comments; `"..."` and `'...'`
 * strings with backslash escapes (newlines allowed); `@"..."` / `@'...'` verbatim strings with doubled
 * quotes; `|||` text blocks ended by a line indented less than their first line. Whatever this lexer
 * cannot read is an error here too (`JsonnetSyntaxError`): jsonnet would refuse it before reading a file.
 */

export type JsonnetImportKind = 'import' | 'importstr' | 'importbin';

export interface JsonnetImport {
  kind: JsonnetImportKind;
  /** The path as the program wrote it, escapes decoded. */
  path: string;
  /** 1-based line of the keyword, for messages. */
  line: number;
}

export class JsonnetSyntaxError extends Error {
  override readonly name = 'JsonnetSyntaxError';

  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

type Token =
  | { type: 'string'; value: string; block: boolean; line: number }
  | { type: 'identifier'; value: string; line: number }
  | { type: 'other'; line: number };

const IMPORT_KEYWORDS: ReadonlySet<string> = new Set(['import', 'importstr', 'importbin']);

function isIdentifierStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentifierPart(c: string): boolean {
  return isIdentifierStart(c) || (c >= '0' && c <= '9');
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Lexer {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  private fail(message: string): never {
    throw new JsonnetSyntaxError(message, this.line);
  }

  private peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  private advance(): string {
    const c = this.text[this.pos++] ?? '';
    if (c === '\n') this.line++;
    return c;
  }

  next(): Token | undefined {
    this.skipBlank();
    if (this.pos >= this.text.length) return undefined;
    const line = this.line;
    const c = this.peek();
    if (c === '"' || c === "'") return { type: 'string', value: this.quoted(c), block: false, line };
    if (c === '@' && (this.peek(1) === '"' || this.peek(1) === "'")) {
      this.advance();
      return { type: 'string', value: this.verbatim(this.peek()), block: false, line };
    }
    if (c === '|' && this.peek(1) === '|' && this.peek(2) === '|') {
      return { type: 'string', value: this.textBlock(), block: true, line };
    }
    if (isIdentifierStart(c)) {
      const start = this.pos;
      while (isIdentifierPart(this.peek())) this.advance();
      return { type: 'identifier', value: this.text.slice(start, this.pos), line };
    }
    this.advance();
    return { type: 'other', line };
  }

  private skipBlank(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.advance();
      else if (c === '#' || (c === '/' && this.peek(1) === '/')) {
        while (this.pos < this.text.length && this.peek() !== '\n') this.advance();
      } else if (c === '/' && this.peek(1) === '*') {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('a /* comment is never closed');
        while (this.pos < end + 2) this.advance();
      } else return;
    }
  }

  private quoted(quote: string): string {
    this.advance();
    let value = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('a string is never closed');
      const c = this.advance();
      if (c === quote) return value;
      if (c !== '\\') {
        value += c;
        continue;
      }
      const e = this.advance();
      if (e === 'u') {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('a \\u escape needs four hex digits');
        for (let i = 0; i < 4; i++) this.advance();
        value += String.fromCharCode(Number.parseInt(hex, 16));
      } else if (e in ESCAPES) value += ESCAPES[e];
      else this.fail(`unknown escape \\${e} in a string`);
    }
  }

  private verbatim(quote: string): string {
    this.advance();
    let value = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('a verbatim string is never closed');
      const c = this.advance();
      if (c === quote) {
        if (this.peek() !== quote) return value;
        this.advance();
      }
      value += c;
    }
  }

  /** Leading spaces and tabs of `a` that `b` repeats exactly (0 when `b` does not). */
  private static indentMatch(text: string, a: number, b: number): number {
    let i = 0;
    while (text[a + i] === ' ' || text[a + i] === '\t') {
      if (text[b + i] !== text[a + i]) return 0;
      i++;
    }
    return i;
  }

  private textBlock(): string {
    for (let i = 0; i < 3; i++) this.advance();
    if (this.peek() === '-') this.advance(); // `|||-` (jsonnet 0.19+): same lexing
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === '\r') this.advance();
    if (this.peek() !== '\n') this.fail('a text block needs a new line after |||');
    this.advance();
    let value = '';
    while (this.peek() === '\n') value += this.advance();
    const first = this.pos;
    let indent = Lexer.indentMatch(this.text, first, first);
    if (indent === 0) this.fail("a text block's first line must start with whitespace");
    for (;;) {
      for (let i = 0; i < indent; i++) this.advance();
      while (this.peek() !== '\n') {
        if (this.pos >= this.text.length) this.fail('a text block is never closed');
        value += this.advance();
      }
      value += this.advance();
      while (this.peek() === '\n') value += this.advance();
      indent = Lexer.indentMatch(this.text, first, this.pos);
      if (indent === 0) {
        while (this.peek() === ' ' || this.peek() === '\t') this.advance();
        if (!(this.peek() === '|' && this.peek(1) === '|' && this.peek(2) === '|'))
          this.fail('a text block is not closed with |||');
        for (let i = 0; i < 3; i++) this.advance();
        return value;
      }
    }
  }
}

/**
 * Every import of a Jsonnet program's text, in order. An import not followed by a string literal, or
 * followed by a text block, is an error, as it is for jsonnet ("computed imports are not allowed").
 */
export function jsonnetImports(text: string): JsonnetImport[] {
  const lexer = new Lexer(text);
  const imports: JsonnetImport[] = [];
  let pending: { kind: JsonnetImportKind; line: number } | undefined;
  for (let token = lexer.next(); token; token = lexer.next()) {
    if (pending) {
      if (token.type !== 'string' || token.block)
        throw new JsonnetSyntaxError(
          `${pending.kind} must be followed by a string literal path`,
          pending.line,
        );
      imports.push({ kind: pending.kind, path: token.value, line: pending.line });
      pending = undefined;
      continue;
    }
    if (token.type === 'identifier' && IMPORT_KEYWORDS.has(token.value))
      pending = { kind: token.value as JsonnetImportKind, line: token.line };
  }
  if (pending)
    throw new JsonnetSyntaxError(`${pending.kind} must be followed by a string literal path`, pending.line);
  return imports;
}
