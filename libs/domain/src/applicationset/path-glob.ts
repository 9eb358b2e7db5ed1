/**
 * The globs Argo CD's git generator uses. Directories: Go's `path.Match` (`*` and `?` never match "/",
 * `[a-z]`/`[^a-z]` classes, `\` escapes). Files: what `git ls-files -- <pattern>` matches (the repo
 * server's default; `gitPathspecMatch`), where `*` also matches "/" and a pattern without wildcards
 * names a file or everything under a directory. `doublestarMatch` is its opt-in "new globbing"
 * (`**` for any number of directories), kept for reference.
 */

export class GlobPatternError extends Error {
  override readonly name = 'GlobPatternError';
}

/** Go's `path.Match(pattern, name)`; throws GlobPatternError where Go returns ErrBadPattern. */
export function goPathMatch(pattern: string, name: string): boolean {
  return globRegExp(pattern, 'path').test(name);
}

/** Doublestar's Match: as goPathMatch, and a `**` path segment matches zero or more directories. */
export function doublestarMatch(pattern: string, name: string): boolean {
  return globRegExp(pattern, 'doublestar').test(name);
}

/**
 * Git's pathspec match as `git ls-files -- <pattern>` applies it: without a wildcard, the path itself
 * or anything under it as a directory; with one, the whole path against the pattern where `*` (and
 * `**`) match any characters, "/" included, and `?` any one.
 */
export function gitPathspecMatch(pattern: string, name: string): boolean {
  const literal = !/[*?[\\]/.test(pattern);
  if (literal) {
    const dir = pattern.replace(/\/+$/, '');
    return name === dir || name.startsWith(`${dir}/`);
  }
  return globRegExp(pattern, 'pathspec').test(name);
}

/** Throws GlobPatternError when the pattern is malformed (an unclosed `[`, a trailing `\`). */
export function checkGlob(pattern: string): void {
  globRegExp(pattern, 'doublestar');
}

const cache = new Map<string, RegExp>();

type GlobKind = 'path' | 'doublestar' | 'pathspec';

function globRegExp(pattern: string, kind: GlobKind): RegExp {
  const doublestar = kind === 'doublestar';
  const key = `${kind}:${pattern}`;
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
      out += kind === 'pathspec' ? '.*' : '[^/]*';
      i++;
    } else if (ch === '?') {
      out += kind === 'pathspec' ? '.' : '[^/]';
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
      out += negate ? (kind === 'pathspec' ? `[^${parts}]` : `(?!/)[^${parts}]`) : `[${parts}]`;
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
