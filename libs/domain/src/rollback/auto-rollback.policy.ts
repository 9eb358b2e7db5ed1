import type { Application } from '../application/application.types';
import { parseDuration } from '../shared/duration';

/** Health deadline when `autoRollback` sets none and no `healthChecks[].timeout` is given. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 3 * 60_000;

export interface AutoRollbackPolicy {
  /** A new deployment that is not Healthy this long after its sync succeeded is rolled back. */
  healthTimeoutMs: number;
}

/**
 * Whether an app rolls back automatically, and its deadline. On with
 * `spec.syncPolicy.autoRollback` (deadline `healthTimeout`), or with the seed article's
 * `spec.healthChecks` when one has a `timeout` (deadline: the longest such timeout). Off otherwise.
 */
export function autoRollbackPolicyOf(app: Pick<Application, 'spec'>): AutoRollbackPolicy | undefined {
  const configured = app.spec.syncPolicy?.autoRollback;
  const timeouts = (app.spec.healthChecks ?? [])
    .map((c) => (typeof c['timeout'] === 'string' ? parseDuration(c['timeout']) : undefined))
    .filter((ms): ms is number => ms !== undefined && ms > 0);
  const fromHealthChecks = timeouts.length > 0 ? Math.max(...timeouts) : undefined;
  if (!configured && fromHealthChecks === undefined) return undefined;
  const fromPolicy = configured?.healthTimeout ? parseDuration(configured.healthTimeout) : undefined;
  return { healthTimeoutMs: fromPolicy ?? fromHealthChecks ?? DEFAULT_HEALTH_TIMEOUT_MS };
}
