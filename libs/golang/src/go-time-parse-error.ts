/** time.ParseError: what time.Parse returns, with Go's exact message (Argo CD shows it when a trigger fails). */
export class GoTimeParseError extends Error {
  constructor(
    readonly layout: string,
    readonly value: string,
    readonly layoutElem: string,
    readonly valueElem: string,
    /** Go's Message: empty for "cannot parse X as Y", else e.g. ": month out of range". */
    readonly detail: string,
  ) {
    super(
      detail === ''
        ? `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`
        : `parsing time ${timeQuote(value)}${detail}`,
    );
    this.name = 'GoTimeParseError';
  }
}

/** The time package's quote: ASCII kept (with `"` and `\` escaped), other bytes as \xNN. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x80 || cp < 0x20) {
      for (const byte of Buffer.from(ch, 'utf8')) out += '\\x' + byte.toString(16).padStart(2, '0');
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}
