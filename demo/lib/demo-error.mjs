/**
 * A demo step that cannot go on. `code` names the kind of problem; the message says what was
 * expected and how to fix it (no secrets: the demo has none).
 */
export class DemoError extends Error {
  /** @param {'Prerequisite' | 'Timeout' | 'ProcessExited' | 'ApiError'} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'DemoError';
    this.code = code;
  }
}

/**
 * Polls `check` until it returns a truthy value or `timeoutMs` passes. Every wait in the demo is
 * bounded: on timeout it throws a DemoError naming what did not converge and the last state seen.
 * @template T
 * @param {string} what
 * @param {() => Promise<T | undefined | null | false>} check
 * @param {{ timeoutMs?: number, intervalMs?: number, lastState?: () => Promise<string> | string }} [options]
 * @returns {Promise<T>}
 */
export async function waitFor(what, check, options = {}) {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const state = options.lastState ? await Promise.resolve(options.lastState()).catch(() => '') : '';
  throw new DemoError(
    'Timeout',
    `${what}: did not happen within ${timeoutMs / 1000} s` +
      (state ? `; last state: ${state}` : '') +
      (lastError ? `; last error: ${lastError.message}` : ''),
  );
}
