import type { HealthStatusCode } from '../health/health-status';
import type { StreamEntry } from '../reconcile/stream-entry';

/** One successful (not dry-run) sync of an app: a deployment, as Argo CD's history records it. */
export interface Deployment {
  operationId: string;
  revision: string;
  /** `manual`, `auto-sync`, `self-heal`, `rollback`, `auto-rollback` ... */
  trigger: string;
  /** When its SyncOperationSucceeded was recorded (= the history entry's `deployedAt`). */
  deployedAt: Date;
  /** The app was seen Healthy while this deployment was the latest one. */
  wasHealthy: boolean;
  /** An AutoRollbackTriggered already answered this deployment. */
  rolledBack: boolean;
}

/**
 * The app's deployments in order, each with whether it was ever seen Healthy while it was the
 * latest one: a HealthStatusChanged to Healthy after it, or Healthy as the last recorded health
 * before the next sync started (a refresh appends nothing while health stays the same).
 */
export function deploymentsOf(entries: readonly StreamEntry[]): Deployment[] {
  const requests = new Map<string, { trigger: string; dryRun: boolean }>();
  const deployments: Deployment[] = [];
  let health: HealthStatusCode | undefined;
  let current: Deployment | undefined;
  for (const { event, recordedAt } of entries) {
    switch (event.type) {
      case 'ApplicationCreated':
        requests.clear();
        deployments.length = 0;
        current = undefined;
        health = undefined;
        break;
      case 'SyncRequested':
        requests.set(event.data.operationId, {
          trigger: event.data.trigger ?? (event.data.initiatedBy.automated ? 'auto-sync' : 'manual'),
          dryRun: event.data.dryRun,
        });
        break;
      case 'SyncOperationStarted':
        // The deployment before it ends here: its last seen health counts.
        if (current && health === 'Healthy' && !requests.get(event.data.operationId)?.dryRun)
          current.wasHealthy = true;
        break;
      case 'SyncOperationSucceeded': {
        const request = requests.get(event.data.operationId);
        if (!request || request.dryRun || !event.data.revision) break;
        current = {
          operationId: event.data.operationId,
          revision: event.data.revision,
          trigger: request.trigger,
          deployedAt: recordedAt,
          wasHealthy: false,
          rolledBack: false,
        };
        deployments.push(current);
        break;
      }
      case 'HealthStatusChanged':
        health = event.data.to;
        if (current && health === 'Healthy') current.wasHealthy = true;
        break;
      case 'AutoRollbackTriggered':
        if (current) current.rolledBack = true;
        break;
      default:
        break;
    }
  }
  return deployments;
}

/** Revisions auto-rollback moved away from: auto-sync does not sync them again (Argo CD's "already attempted"). */
export function rolledBackRevisionsOf(entries: readonly StreamEntry[]): string[] {
  const revisions = new Set<string>();
  for (const { event } of entries) {
    if (event.type === 'ApplicationCreated') revisions.clear();
    if (event.type === 'AutoRollbackTriggered') revisions.add(event.data.failedRevision);
  }
  return [...revisions];
}
