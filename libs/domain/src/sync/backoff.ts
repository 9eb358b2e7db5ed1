import { parseDuration } from '../shared/duration';
import { SyncPlanError } from './sync-plan.error';

/** `syncPolicy.retry.backoff`; Argo CD defaults: 5s, factor 2, at most 3m. */
export interface RetryBackoff {
  duration?: string;
  factor?: number;
  maxDuration?: string;
}

function durationMs(field: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new SyncPlanError(
      'InvalidBackoff',
      `syncPolicy.retry.backoff.${field} "${text}" is not a duration: write it like "5s", "2m" or "1h30m"`,
    );
  }
  return ms;
}

/** Delay in ms before retry number `attempt` (0 for the first retry): 5s, 10s, 20s, 40s, 80s, 160s, 180s... */
export function retryDelay(attempt: number, backoff: RetryBackoff = {}): number {
  const base = durationMs('duration', backoff.duration ?? '5s');
  const max = durationMs('maxDuration', backoff.maxDuration ?? '3m');
  const factor = backoff.factor ?? 2;
  if (!(factor >= 1)) {
    throw new SyncPlanError(
      'InvalidBackoff',
      `syncPolicy.retry.backoff.factor ${factor} must be a number of at least 1`,
    );
  }
  return Math.min(base * factor ** Math.max(0, attempt), max);
}

/** Argo CD's self-heal backoff: 2 s × 3^attempt, capped at 300 s (controller/appcontroller.go). */
export function selfHealDelay(attempt: number): number {
  return Math.min(2000 * 3 ** Math.max(0, attempt), 300_000);
}
