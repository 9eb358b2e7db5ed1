import type { HealthStatus } from '../health/health-status';
import type { AutoRollbackPolicy } from './auto-rollback.policy';
import type { Deployment } from '../application/application.state';

export interface AutoRollbackInput {
  /** autoRollbackPolicyOf(app); undefined = off. */
  policy: AutoRollbackPolicy | undefined;
  /** The app's deployments (`ApplicationState.deployments`), oldest first. */
  deployments: readonly Deployment[];
  /** The app's history entries (id + when deployed), to name the entry rolled back to. */
  history: ReadonlyArray<{ id: number; revision: string; deployedAt: string }>;
  /** Health this refresh computed. */
  health: HealthStatus;
  /** A sync is requested or running. */
  operationInProgress: boolean;
  now: Date;
}

export type AutoRollbackDecision =
  | { kind: 'none'; reason: string }
  /** Not Healthy yet, deadline not reached: compare again after `delayMs`. */
  | { kind: 'wait'; delayMs: number; reason: string }
  | {
      kind: 'rollback';
      failedRevision: string;
      rollbackTo: string;
      historyId: number;
      reason: string;
    };

const short = (sha: string): string => sha.slice(0, 7);

/**
 * Berth's automatic rollback (docs/rollback.md). The latest deployment is judged once: Healthy
 * (or Suspended) = kept; Degraded = rolled back now; anything else when `healthTimeoutMs` has
 * passed since its sync succeeded = rolled back. The target is the newest earlier deployment of
 * another revision that was seen Healthy and is still in the history. A rollback is never itself
 * rolled back (no ping-pong), and nothing happens while an operation runs.
 */
export function decideAutoRollback(input: AutoRollbackInput): AutoRollbackDecision {
  if (!input.policy) return { kind: 'none', reason: 'auto-rollback is off' };
  const latest = input.deployments[input.deployments.length - 1];
  if (!latest) return { kind: 'none', reason: 'nothing deployed yet' };
  if (input.operationInProgress) return { kind: 'none', reason: 'an operation is in progress' };
  if (latest.rolledBack) return { kind: 'none', reason: `${short(latest.revision)} was already rolled back` };
  if (latest.trigger === 'auto-rollback' || latest.trigger === 'rollback')
    return { kind: 'none', reason: 'the latest deployment is a rollback; it is not rolled back again' };
  const status = input.health.status;
  if (latest.wasHealthy || status === 'Healthy' || status === 'Suspended')
    return {
      kind: 'none',
      reason: `${short(latest.revision)} is (or was) ${status === 'Suspended' ? 'Suspended' : 'Healthy'}`,
    };

  const elapsed = input.now.getTime() - Date.parse(latest.deployedAt);
  let reason: string;
  if (status === 'Degraded') {
    reason = `${short(latest.revision)} is Degraded${input.health.message ? `: ${input.health.message}` : ''}`;
  } else if (elapsed >= input.policy.healthTimeoutMs) {
    reason = `${short(latest.revision)} is still ${status} ${Math.round(elapsed / 1000)} s after its sync (healthTimeout ${Math.round(input.policy.healthTimeoutMs / 1000)} s)`;
  } else {
    return {
      kind: 'wait',
      delayMs: input.policy.healthTimeoutMs - elapsed,
      reason: `${short(latest.revision)} is ${status}; deadline in ${input.policy.healthTimeoutMs - elapsed} ms`,
    };
  }

  const byDeployedAt = new Map(input.history.map((h) => [h.deployedAt, h] as const));
  for (const candidate of [...input.deployments.slice(0, -1)].reverse()) {
    if (candidate.revision === latest.revision || !candidate.wasHealthy) continue;
    const entry = byDeployedAt.get(candidate.deployedAt);
    if (!entry) break; // trimmed out of the history (revisionHistoryLimit): nothing older is kept either
    return {
      kind: 'rollback',
      failedRevision: latest.revision,
      rollbackTo: candidate.revision,
      historyId: entry.id,
      reason: `${reason}; rolling back to ${short(candidate.revision)} (history ${entry.id})`,
    };
  }
  return {
    kind: 'none',
    reason: `${reason}, but no earlier Healthy revision is in the history to roll back to`,
  };
}
