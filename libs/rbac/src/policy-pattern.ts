import { globToRegExp } from '@berth/domain';

/**
 * `policy.matchMode`: how the resource, action and object of a policy line match a request (Argo CD's
 * `globOrRegexMatch`).
 * - `glob` (default): gobwas/glob without separators, so `*` also matches `/` (`default/*` matches
 *   `default/ns/app`; `action/*` matches `action/apps/Deployment/restart`).
 * - `regex`: Go's regexp.MatchString, which is unanchored: `dev/.*` also matches `not-dev/app`. Berth reads
 *   the pattern with JavaScript's RegExp syntax, which accepts Go's except for inline flags like `(?i)`.
 */
export type MatchMode = 'glob' | 'regex';

export const MATCH_MODES: readonly MatchMode[] = ['glob', 'regex'];

const GLOB_SPECIAL = /[*?[{\\]/;

/** The pattern compiled for a mode, or why it does not compile. */
export function compilePattern(pattern: string, mode: MatchMode): RegExp | { error: string } {
  if (mode === 'glob') {
    const compiled = globToRegExp(pattern);
    return compiled ?? { error: 'is not a glob: an unclosed "[" or "{", or a trailing "\\"' };
  }
  try {
    return new RegExp(pattern);
  } catch (err) {
    const hint = pattern.startsWith('*')
      ? '; in regex mode "*" repeats what comes before it: write ".*" for anything'
      : pattern.includes('(?')
        ? '; inline flags like "(?i)" are not supported'
        : '';
    return { error: `is not a regular expression (${(err as Error).message})${hint}` };
  }
}

/** Thrown while matching a request against a pattern that does not compile; the check then fails. */
export class PolicyPatternError extends Error {
  override readonly name = 'PolicyPatternError';
}

/**
 * Matches request values against policy patterns, compiling each pattern once. One matcher serves one
 * compiled policy, so its cache holds that policy's patterns only.
 */
export class PatternMatcher {
  private readonly compiled = new Map<string, RegExp>();

  constructor(readonly mode: MatchMode) {}

  matches(value: string, pattern: string): boolean {
    if (this.mode === 'glob') {
      if (pattern === '*') return true;
      if (!GLOB_SPECIAL.test(pattern)) return value === pattern;
    }
    let regexp = this.compiled.get(pattern);
    if (regexp === undefined) {
      const result = compilePattern(pattern, this.mode);
      if (!(result instanceof RegExp))
        throw new PolicyPatternError(`${JSON.stringify(pattern)} ${result.error}`);
      regexp = result;
      this.compiled.set(pattern, regexp);
    }
    return regexp.test(value);
  }
}

/**
 * A glob of the built-in policy as an anchored regular expression, so the built-in roles mean the same in
 * regex mode (a pattern starting with `*` is not a regular expression).
 */
export function globAsRegex(pattern: string): string {
  return globToRegExp(pattern)?.source ?? pattern;
}
