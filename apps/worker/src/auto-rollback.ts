import {
  type Application,
  type ApplicationEvent,
  applicationEvent,
  applicationStreamId,
  type AutoRollbackTriggered,
  autoRollbackPolicyOf,
  decideAutoRollback,
  deploymentsOf,
  type HealthStatus,
  historyOf,
  type SyncRequested,
} from '@berth/domain';
import { openOperation, syncOperationsOf } from '@berth/domain/reconcile';
import { randomUUID } from 'node:crypto';
import type { LoadedApplication } from './application-stream';
import type { WorkerDeps } from './worker-deps';

export const AUTO_ROLLBACK_ACTOR = 'system:auto-rollback';

/**
 * After a refresh: when the latest deployment missed its health deadline (or is Degraded),
 * append AutoRollbackTriggered + the rollback's SyncRequested and enqueue the sync; before the
 * deadline, schedule one refresh at the deadline so the rollback happens even if nothing else
 * refreshes the app. Returns the rollback's operation id.
 */
export async function autoRollbackIfUnhealthy(
  deps: WorkerDeps,
  loaded: LoadedApplication,
  app: Application,
  health: HealthStatus,
  version: number,
  appended: readonly ApplicationEvent[],
): Promise<string | undefined> {
  const policy = autoRollbackPolicyOf(app);
  if (!policy) return undefined;
  const now = deps.now();
  const entries = [...loaded.entries, ...appended.map((event) => ({ event, recordedAt: now }))];
  const deployments = deploymentsOf(entries);
  const decision = decideAutoRollback({
    policy,
    deployments,
    history: historyOf(loaded.view),
    health,
    operationInProgress: openOperation(syncOperationsOf(entries)) !== undefined,
    now,
  });
  const name = app.metadata.name;
  if (decision.kind === 'wait') {
    const latest = deployments[deployments.length - 1]!;
    // Its own job id (not the app's deduplicated refresh): one deadline per deployment, and it
    // never holds back the refreshes others ask for meanwhile.
    await deps.queues.refresh.add(
      'refresh',
      { application: name, hard: false, reason: 'auto-rollback-deadline' },
      {
        jobId: `auto-rollback__${name}__${latest.operationId}`,
        delay: decision.delayMs + 50,
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 24 * 3600, count: 5000 },
      },
    );
    return undefined;
  }
  if (decision.kind !== 'rollback') return undefined;
  const operationId = randomUUID();
  const events: ApplicationEvent[] = [
    applicationEvent<AutoRollbackTriggered>('AutoRollbackTriggered', {
      application: name,
      failedRevision: decision.failedRevision,
      rollbackTo: decision.rollbackTo,
      historyId: decision.historyId,
      operationId,
      reason: decision.reason,
    }),
    applicationEvent<SyncRequested>('SyncRequested', {
      application: name,
      operationId,
      revision: decision.rollbackTo,
      // A rollback re-deploys what the old revision had; what only the failed one added stays unless pruning is on.
      prune: app.spec.syncPolicy?.automated?.prune === true,
      dryRun: false,
      ...(app.spec.syncPolicy?.syncOptions ? { syncOptions: app.spec.syncPolicy.syncOptions } : {}),
      initiatedBy: { username: AUTO_ROLLBACK_ACTOR, automated: true },
      trigger: 'auto-rollback',
      rollbackOf: decision.historyId,
    }),
  ];
  await deps.store.append(applicationStreamId(name), version, events, {
    actor: AUTO_ROLLBACK_ACTOR,
    reason: decision.reason,
    correlationId: operationId,
    source: deps.source ?? 'worker',
  });
  await deps.queues.requestSync({ application: name, operationId });
  return operationId;
}
