/** Go text/template's lexer (text/template/parse/lex.go): text, actions with trim markers, comments. */

export type TokenType =
  | 'error'
  | 'eof'
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'comment'
  | 'space'
  | 'identifier'
  | 'field'
  | 'variable'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'assign'
  | 'declare'
  | 'comma'
  | 'punct'
  | 'keyword';

export interface Token {
  type: TokenType;
  value: string;
  /** byte offset (UTF-16 index) of the token in the source */
  pos: number;
  /** 1-based line */
  line: number;
}

const KEYWORDS = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'template',
  'with',
]);

const LEFT = '{{';
const RIGHT = '}}';
const TRIM_MARKER_LEN = 2; // "- " or " -"
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{Nd}_]/u.test(c);

function rightTrimLength(s: string): number {
  return s.length - s.replace(/[ \t\r\n]+$/, '').length;
}

function leftTrimLength(s: string): number {
  return s.length - s.replace(/^[ \t\r\n]+/, '').length;
}

/** Tokenizes the whole source eagerly; the parser walks the array. */
export function lexTemplate(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let insideAction = false;

  const emit = (type: TokenType, value = input.slice(start, pos)): void => {
    tokens.push({ type, value, pos: start, line: startLine });
    start = pos;
    startLine = line;
  };
  const advance = (n: number): void => {
    for (let i = 0; i < n; i++) if (input[pos + i] === '\n') line++;
    pos += n;
  };
  const ignore = (): void => {
    start = pos;
    startLine = line;
  };
  const fail = (message: string): void => {
    tokens.push({ type: 'error', value: message, pos: start, line: startLine });
  };

  // Returns false when an error token ended lexing.
  const lexText = (): boolean => {
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      advance(input.length - pos);
      if (pos > start) emit('text');
      emit('eof', '');
      return false;
    }
    let textEnd = x;
    const trimLeft = input[x + LEFT.length] === '-' && isSpace(input[x + LEFT.length + 1]);
    if (trimLeft) textEnd = x - rightTrimLength(input.slice(pos, x));
    advance(textEnd - pos);
    if (pos > start) emit('text');
    advance(x - pos);
    ignore();
    return true;
  };

  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith(RIGHT, pos + 2))
      return { delim: true, trim: true };
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };

  const lexLeftDelim = (): boolean => {
    advance(LEFT.length);
    const trimSpace = input[pos] === '-' && isSpace(input[pos + 1]);
    const afterMarker = trimSpace ? TRIM_MARKER_LEN : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      advance(afterMarker);
      ignore();
      return lexComment();
    }
    emit('leftDelim', LEFT);
    advance(afterMarker);
    ignore();
    parenDepth = 0;
    insideAction = true;
    return true;
  };

  const lexComment = (): boolean => {
    const end = input.indexOf('*/', pos + 2);
    if (end < 0) {
      fail('unclosed comment');
      return false;
    }
    advance(end + 2 - pos);
    const { delim, trim } = atRightDelim();
    if (!delim) {
      fail('comment ends before closing delimiter');
      return false;
    }
    emit('comment');
    if (trim) advance(TRIM_MARKER_LEN);
    advance(RIGHT.length);
    if (trim) advance(leftTrimLength(input.slice(pos)));
    ignore();
    return true;
  };

  const lexRightDelim = (trim: boolean): void => {
    if (trim) {
      advance(TRIM_MARKER_LEN);
      ignore();
    }
    advance(RIGHT.length);
    emit('rightDelim', RIGHT);
    if (trim) {
      advance(leftTrimLength(input.slice(pos)));
      ignore();
    }
    insideAction = false;
  };

  const scanNumber = (): boolean => {
    const rest = input.slice(pos);
    const m =
      /^[+-]?(0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]+)?|0[oO][0-7_]+|0[bB][01_]+|([0-9_]+(\.[0-9_]*)?|\.[0-9_]+)([eE][+-]?[0-9_]+)?)i?/.exec(
        rest,
      );
    if (!m || m[0] === '' || m[0] === '+' || m[0] === '-') return false;
    advance(m[0].length);
    return !isAlnum(input[pos]);
  };

  const lexQuote = (): boolean => {
    let i = pos + 1;
    for (;;) {
      const c = input[i];
      if (c === '\\') {
        if (input[i + 1] === undefined || input[i + 1] === '\n') {
          fail('unterminated quoted string');
          return false;
        }
        i += 2;
        continue;
      }
      if (c === undefined || c === '\n') {
        fail('unterminated quoted string');
        return false;
      }
      if (c === '"') break;
      i++;
    }
    advance(i + 1 - pos);
    emit('string');
    return true;
  };

  const lexRawQuote = (): boolean => {
    const end = input.indexOf('`', pos + 1);
    if (end < 0) {
      fail('unterminated raw quoted string');
      return false;
    }
    advance(end + 1 - pos);
    emit('rawString');
    return true;
  };

  const lexChar = (): boolean => {
    let i = pos + 1;
    for (;;) {
      const c = input[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === undefined || c === '\n') {
        fail('unterminated character constant');
        return false;
      }
      if (c === "'") break;
      i++;
    }
    advance(i + 1 - pos);
    emit('char');
    return true;
  };

  const lexIdentifierLike = (type: 'field' | 'variable' | 'identifier'): boolean => {
    let i = pos + (type === 'identifier' ? 0 : 1);
    while (isAlnum(input[i])) i++;
    advance(i - pos);
    const word = input.slice(start, pos);
    const next = input[pos];
    const { delim } = atRightDelim();
    if (!(delim || next === undefined || isSpace(next) || '.,|:=()'.includes(next))) {
      fail(`bad character ${goQuoteRune(next)}`);
      return false;
    }
    if (type !== 'identifier') {
      if (type === 'field' && word === '.') emit('dot');
      else emit(type);
      return true;
    }
    if (KEYWORDS.has(word)) emit('keyword');
    else if (word === 'true' || word === 'false') emit('bool');
    else if (word === 'nil') emit('nil');
    else emit('identifier');
    return true;
  };

  const lexInsideAction = (): boolean => {
    const { delim, trim } = atRightDelim();
    if (delim) {
      if (parenDepth > 0) {
        fail('unclosed left paren');
        return false;
      }
      lexRightDelim(trim);
      return true;
    }
    const c = input[pos];
    if (c === undefined) {
      fail('unclosed action');
      return false;
    }
    if (isSpace(c)) {
      let i = pos;
      while (isSpace(input[i])) {
        // stop before a " -}}" trim marker so the delimiter is recognised
        if (input[i + 1] === '-' && input.startsWith(RIGHT, i + 2)) break;
        i++;
      }
      if (i === pos) i++;
      advance(i - pos);
      emit('space');
      return true;
    }
    if (c === '=') {
      advance(1);
      emit('assign');
      return true;
    }
    if (c === ':') {
      if (input[pos + 1] !== '=') {
        fail('expected :=');
        return false;
      }
      advance(2);
      emit('declare');
      return true;
    }
    if (c === '|') {
      advance(1);
      emit('pipe');
      return true;
    }
    if (c === '"') return lexQuote();
    if (c === '`') return lexRawQuote();
    if (c === "'") return lexChar();
    if (c === '$') return lexIdentifierLike('variable');
    if (c === '.') {
      const n = input[pos + 1];
      if (n === undefined || !/[0-9]/.test(n)) return lexIdentifierLike('field');
    }
    if (c === '+' || c === '-' || c === '.' || /[0-9]/.test(c)) {
      if (!scanNumber()) {
        advance(1);
        while (isAlnum(input[pos])) advance(1);
        fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
        return false;
      }
      emit('number');
      return true;
    }
    if (isAlnum(c)) return lexIdentifierLike('identifier');
    if (c === '(') {
      advance(1);
      emit('leftParen');
      parenDepth++;
      return true;
    }
    if (c === ')') {
      advance(1);
      parenDepth--;
      if (parenDepth < 0) {
        fail('unexpected right paren');
        return false;
      }
      emit('rightParen');
      return true;
    }
    if (c === ',') {
      advance(1);
      emit('comma');
      return true;
    }
    if (c.charCodeAt(0) < 0x7f && c.charCodeAt(0) >= 0x20) {
      // Go emits printable ASCII as a char item; the parser then reports it as unexpected
      advance(1);
      emit('punct');
      return true;
    }
    fail(`unrecognized character in action: ${goQuoteRune(c)}`);
    return false;
  };

  for (;;) {
    if (!insideAction) {
      if (!lexText()) return tokens;
      if (!lexLeftDelim()) return tokens;
    } else if (!lexInsideAction()) {
      return tokens;
    }
  }
}

function goQuoteRune(c: string | undefined): string {
  if (c === undefined) return 'U+FFFD';
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}
