import type { SyncRequested } from '../events/application.events';
import type { ResourceSynced, SyncOperationStarted } from '../events/reconcile.events';
import type { StreamEntry } from './stream-entry';

export type OperationOutcome = 'Succeeded' | 'Failed' | 'Terminated';

/** What the log says about one sync operation. */
export interface SyncOperationRecord {
  operationId: string;
  request: SyncRequested['data'];
  requestedAt: Date;
  /** The latest attempt's start, if it started. */
  started?: SyncOperationStarted['data'];
  startedAt?: Date;
  /** ResourceSynced of the latest attempt, in order: a resumed attempt skips these tasks. */
  synced: Array<ResourceSynced['data']>;
  /** Failures that scheduled a retry (the next attempt is `retries + 1`). */
  retries: number;
  /** Set when the latest failure scheduled a retry and no attempt started since. */
  retryPending?: { retryInMs: number; failedAt: Date };
  outcome?: OperationOutcome;
  finishedAt?: Date;
  /** Revision the operation ran (or tried to run) against. */
  revision?: string;
  message?: string;
  terminateRequested: boolean;
}

/** Sync operations in the order they were requested. */
export function syncOperationsOf(entries: readonly StreamEntry[]): SyncOperationRecord[] {
  const byId = new Map<string, SyncOperationRecord>();
  for (const { event, recordedAt } of entries) {
    if (event.type === 'SyncRequested') {
      byId.set(event.data.operationId, {
        operationId: event.data.operationId,
        request: event.data,
        requestedAt: recordedAt,
        synced: [],
        retries: 0,
        terminateRequested: false,
        ...(event.data.revision ? { revision: event.data.revision } : {}),
      });
      continue;
    }
    if (!('operationId' in event.data)) continue;
    const op = byId.get(event.data.operationId);
    if (!op) continue;
    switch (event.type) {
      case 'SyncOperationStarted':
        op.started = event.data;
        op.startedAt = recordedAt;
        op.synced = [];
        op.revision = event.data.revision;
        delete op.retryPending;
        break;
      case 'ResourceSynced':
        op.synced.push(event.data);
        break;
      case 'TerminateRequested':
        op.terminateRequested = true;
        break;
      case 'SyncOperationSucceeded':
        op.outcome = 'Succeeded';
        op.finishedAt = recordedAt;
        op.revision = event.data.revision;
        op.message = event.data.message;
        break;
      case 'SyncOperationFailed':
        op.message = event.data.message;
        if (event.data.revision) op.revision = event.data.revision;
        if (event.data.retryInMs !== undefined) {
          op.retries++;
          op.retryPending = { retryInMs: event.data.retryInMs, failedAt: recordedAt };
        } else {
          op.outcome = 'Failed';
          op.finishedAt = recordedAt;
        }
        break;
      case 'SyncOperationTerminated':
        op.outcome = 'Terminated';
        op.finishedAt = recordedAt;
        op.message = event.data.message;
        break;
      default:
        break;
    }
  }
  return [...byId.values()];
}

const APPLIED_RESULTS = new Set(['created', 'configured', 'unchanged', 'replaced']);

/** planSync's reason on the task CreateNamespace=true adds; the worker records it as the ResourceSynced message. */
export const CREATE_NAMESPACE_REASON = 'CreateNamespace=true';

/**
 * Keys (`group/kind/namespace/name`) this app put in the cluster and has not pruned since: the
 * prune inventory. Dry runs and hooks do not count.
 */
export function inventoryOf(operations: readonly SyncOperationRecord[]): string[] {
  const keys = new Set<string>();
  for (const op of operations) {
    if (op.request.dryRun) continue;
    for (const s of op.synced) {
      const r = s.resource;
      const key = `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
      // A namespace made for CreateNamespace=true was never declared in Git: it is never pruned.
      if (s.phase !== 'Sync' || s.message === CREATE_NAMESPACE_REASON) continue;
      if (s.result === 'pruned') keys.delete(key);
      else if (APPLIED_RESULTS.has(s.result)) keys.add(key);
    }
  }
  return [...keys].sort();
}

/** The most recent operation that finished (not a dry run), as Argo CD's status.operationState. */
export function lastFinishedSync(
  operations: readonly SyncOperationRecord[],
): SyncOperationRecord | undefined {
  return [...operations].reverse().find((op) => op.outcome !== undefined && !op.request.dryRun);
}

/** The operation requested and not finished, if any. */
export function openOperation(operations: readonly SyncOperationRecord[]): SyncOperationRecord | undefined {
  return operations.find((op) => op.outcome === undefined);
}

/**
 * Self-heal syncs in a row since the app was last seen Synced: Argo CD resets its counter when
 * the app is Synced, and waits longer after each attempt that did not stick.
 */
export function selfHealAttemptsOf(entries: readonly StreamEntry[]): number {
  let attempts = 0;
  for (const { event } of entries) {
    if (event.type === 'SyncStatusChanged' && event.data.to === 'Synced') attempts = 0;
    if (event.type === 'SyncRequested' && event.data.trigger === 'self-heal') attempts++;
  }
  return attempts;
}
