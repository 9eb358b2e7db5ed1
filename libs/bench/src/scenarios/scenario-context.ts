import type { RedisClient } from '@berth/infra';
import type { BenchOptions } from '../bench-options';
import type { BenchProgress } from '../bench-progress';
import type { BenchStack } from '../stack/bench-stack';

/** What every scenario gets from the runner. */
export interface ScenarioContext {
  options: BenchOptions;
  /** Checkout root (dist/, .tools/). */
  root: string;
  /** Unique id of this run: databases, queue prefixes and Redis keys carry it. */
  runId: string;
  workDir: string;
  redisUrl: string;
  redis: RedisClient;
  stack: BenchStack;
  progress: BenchProgress;
}

export class ScenarioSkipped extends Error {
  override readonly name = 'ScenarioSkipped';
  readonly code = 'ScenarioSkipped';
}

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  readonly code = 'WaitTimeout';
}

/** Polls `check` until it is true or `timeoutMs` passes: every wait in the bench is bounded. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new WaitTimeoutError(
        `${what}: not reached within ${Math.round(timeoutMs / 1000)} s (raise --timeout)`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
