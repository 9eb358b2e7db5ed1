/**
 * A process cannot start, for a reason a person can fix. The message is the whole line: what
 * failed, where, and how to fix it, with no password in it.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  readonly code = 'StartupFailed';
}
