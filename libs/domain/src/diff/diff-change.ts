/** One field that differs between desired and live. Its own file: diff-resource and removed-from-git both produce it. */
export interface DiffChange {
  /** JSON pointer; add/replace point into normalizedDesired, remove points into normalizedLive. */
  path: string;
  op: 'add' | 'remove' | 'replace';
  desired?: unknown;
  live?: unknown;
}
