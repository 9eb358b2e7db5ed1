/**
 * Argo CD's glob patterns (github.com/gobwas/glob, as util/glob uses it), pure and small:
 * `*` any run of characters except the separator, `**` any run including it, `?` one character
 * except the separator, `[abc]`, `[a-z]`, `[!abc]` character classes, `{a,b}` alternatives, `\` escapes.
 * Without a separator `*` and `**` are the same.
 */
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

function escapeRegExp(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}

/** The pattern as an anchored RegExp, or undefined when it does not compile (unclosed `[` or `{`). */
export function globToRegExp(pattern: string, separator?: string): RegExp | undefined {
  const notSeparator = separator === undefined ? '[\\s\\S]' : `[^${escapeRegExp(separator)}]`;
  let source = '';
  let openGroups = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      source += escapeRegExp(next);
      i++;
    } else if (char === '*') {
      if (pattern[i + 1] === '*') {
        source += '[\\s\\S]*';
        i++;
      } else source += `${notSeparator}*`;
    } else if (char === '?') {
      source += notSeparator;
    } else if (char === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) return undefined;
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      const escaped = body.replace(/[\\\]^[]/g, '\\$&');
      source += negated ? `[^${escaped}]` : `[${escaped}]`;
      i = close;
    } else if (char === '{') {
      source += '(?:';
      openGroups++;
    } else if (char === '}' && openGroups > 0) {
      source += ')';
      openGroups--;
    } else if (char === ',' && openGroups > 0) {
      source += '|';
    } else {
      source += escapeRegExp(char);
    }
  }
  if (openGroups > 0) return undefined;
  return new RegExp(`^${source}$`);
}

/** True when `text` matches `pattern`. A pattern that does not compile matches nothing, as in Argo CD. */
export function globMatch(pattern: string, text: string, separator?: string): boolean {
  if (pattern === '*' && separator === undefined) return true;
  return globToRegExp(pattern, separator)?.test(text) ?? false;
}

/** `!pattern` denies what it matches, in sourceRepos, destinations and sourceNamespaces. */
export function isDenyPattern(pattern: string): boolean {
  return pattern.startsWith('!');
}
