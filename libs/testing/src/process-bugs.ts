/**
 * What a Berth process writes only when it has a bug: its own `BUG:` lines (an unhandled rejection or
 * uncaught exception, @berth/runtime's guardRunningProcess), and what the libraries print when an
 * error has nobody to handle it (ioredis without an 'error' listener, Node's crash report).
 */
const BUG_PATTERNS = [
  /^BUG: /,
  /\[ioredis\] Unhandled error event/,
  /Unhandled 'error' event/,
  /UnhandledPromiseRejection/,
  /^\s*at .*\(node:internal\/process\/promises/,
];

/** The lines of `output` that report a bug (see BUG_PATTERNS); a fault test expects none. */
export function bugLines(output: string): string[] {
  return output.split('\n').filter((line) => BUG_PATTERNS.some((pattern) => pattern.test(line)));
}
