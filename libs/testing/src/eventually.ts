/** How long `eventually` retries, how often, and what it waits for (named in the timeout error). */
export interface EventuallyOptions {
  /** Give up after this long, in ms. Default 5000. */
  timeout?: number;
  /** Pause between attempts, in ms. Default 20. */
  interval?: number;
  /** What is being waited for, e.g. "the refresh of guestbook to record Synced". Default "a condition". */
  what?: string;
}

/**
 * Thrown by an `eventually` assertion to stop waiting at once: the condition can no longer become
 * true (the child process it waits for exited, say). `eventually` rethrows it unchanged.
 */
export class StopWaiting extends Error {
  override readonly name = 'StopWaiting';
}

const DEFAULTS = { timeout: 5000, interval: 20, what: 'a condition' };

/**
 * Runs `assertion` until it returns without throwing, and resolves with what it returned. After
 * `timeout` ms it throws the assertion's LAST error (a Jest `expect` failure keeps its diff and
 * stack), its message prefixed with what was awaited and for how long.
 *
 * For waits on real time only: a real process, a real Redis delay, the sandbox's controllers. A
 * test whose subject is time itself uses Jest's fake timers or the code's injected clock instead;
 * a test that waits for a queued job uses `JobWatcher.awaitJob`, which listens instead of polling.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<T> {
  const { timeout, interval, what } = { ...DEFAULTS, ...options };
  const started = performance.now();
  let attempts = 0;
  for (;;) {
    attempts++;
    const left = timeout - (performance.now() - started);
    let last: unknown;
    try {
      return await withinMs(Promise.resolve().then(assertion), left, what);
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      last = error;
    }
    if (performance.now() - started + interval > timeout) throw explained(last, what, timeout, attempts);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** An attempt that has not settled by the deadline fails the wait (a probe may hang: a request with no answer). */
async function withinMs<T>(attempt: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the last attempt at ${what} had not returned when the time was up`)),
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([attempt, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last failure, with what was awaited in front of its message (and of its stack, which Jest prints). */
function explained(last: unknown, what: string, timeout: number, attempts: number): Error {
  const prefix = `waited ${timeout} ms (${attempts} attempt${attempts === 1 ? '' : 's'}) for ${what}; last failure:\n`;
  if (!(last instanceof Error)) return new Error(`${prefix}${String(last)}`);
  const original = last.message;
  last.message = `${prefix}${original}`;
  if (last.stack?.includes(original)) last.stack = last.stack.replace(original, last.message);
  return last;
}
