/**
 * The two globs Argo CD's git generator uses. Directories: Go's `path.Match` (`*` and `?` never match
 * "/", `[a-z]`/`[^a-z]` classes, `\` escapes). Files: doublestar (the repo server's file globbing),
 * which adds `**` for any number of directories. Both match the whole path.
 */

export class GlobPatternError extends Error {
  override readonly name = 'GlobPatternError';
}

/** Go's `path.Match(pattern, name)`; throws GlobPatternError where Go returns ErrBadPattern. */
export function goPathMatch(pattern: string, name: string): boolean {
  return globRegExp(pattern, false).test(name);
}

/** Doublestar's Match: as goPathMatch, and a `**` path segment matches zero or more directories. */
export function doublestarMatch(pattern: string, name: string): boolean {
  return globRegExp(pattern, true).test(name);
}

/** Throws GlobPatternError when the pattern is malformed (an unclosed `[`, a trailing `\`). */
export function checkGlob(pattern: string): void {
  globRegExp(pattern, true);
}

const cache = new Map<string, RegExp>();

function globRegExp(pattern: string, doublestar: boolean): RegExp {
  const key = `${doublestar ? 'd' : 'g'}:${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '*') {
      const atSegmentStart = i === 0 || pattern[i - 1] === '/';
      if (doublestar && pattern[i + 1] === '*' && atSegmentStart) {
        const end = i + 2;
        if (end === pattern.length) {
          out += '.*';
          i = end;
          continue;
        }
        if (pattern[end] === '/') {
          out += '(?:[^/]*/)*';
          i = end + 1;
          continue;
        }
      }
      out += '[^/]*';
      i++;
    } else if (ch === '?') {
      out += '[^/]';
      i++;
    } else if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new GlobPatternError(`"${pattern}" ends with an escape "\\"`);
      out += escapeRegExp(next);
      i += 2;
    } else if (ch === '[') {
      const close = findClassEnd(pattern, i + 1);
      if (close < 0) throw new GlobPatternError(`"${pattern}" has an unclosed "["`);
      let body = pattern.slice(i + 1, close);
      let negate = false;
      if (body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      if (body === '') throw new GlobPatternError(`"${pattern}" has an empty character class "[]"`);
      const parts = body.replace(/\\(.)/g, '$1').replace(/[\]\\^]/g, '\\$&');
      out += negate ? `(?!/)[^${parts}]` : `[${parts}]`;
      i = close + 1;
    } else {
      out += escapeRegExp(ch);
      i++;
    }
  }
  const regExp = new RegExp(`^${out}$`, 's');
  if (cache.size > 1000) cache.clear();
  cache.set(key, regExp);
  return regExp;
}

function findClassEnd(pattern: string, from: number): number {
  let j = from;
  if (pattern[j] === '^') j++;
  for (; j < pattern.length; j++) {
    if (pattern[j] === '\\') j++;
    else if (pattern[j] === ']' && j > from + (pattern[from] === '^' ? 1 : 0)) return j;
    else if (pattern[j] === ']') return j;
  }
  return -1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
