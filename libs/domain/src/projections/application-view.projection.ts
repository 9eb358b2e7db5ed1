import type { ApplicationEvent, ApplicationManifest } from '../events/application.events';

/**
 * The application read model (`applications` table) as a pure function of the events.
 * Shaped like the parts of an Argo CD Application's status that the API returns.
 */
export interface ApplicationView {
  name: string;
  project: string;
  manifest: ApplicationManifest;
  syncStatus: string;
  healthStatus: string;
  revision: string | null;
  status: Record<string, unknown>;
  operation: Record<string, unknown> | null;
  streamVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Returns the next view, or null when the application no longer exists. */
export function projectApplicationView(
  view: ApplicationView | null,
  event: ApplicationEvent,
  meta: { streamVersion: number; recordedAt: Date; actor: string },
): ApplicationView | null {
  switch (event.type) {
    case 'ApplicationCreated':
      return {
        name: event.data.application,
        project: event.data.project,
        manifest: event.data.manifest,
        syncStatus: 'Unknown',
        healthStatus: 'Unknown',
        revision: null,
        status: {},
        operation: null,
        streamVersion: meta.streamVersion,
        createdAt: meta.recordedAt,
        updatedAt: meta.recordedAt,
      };
    case 'ApplicationDeleted':
      return null;
    default:
      if (!view) return null;
  }
  const next: ApplicationView = { ...view, streamVersion: meta.streamVersion, updatedAt: meta.recordedAt };
  switch (event.type) {
    case 'ApplicationSpecChanged':
      return { ...next, project: event.data.project, manifest: event.data.manifest };
    case 'RefreshRequested':
      return next;
    case 'SyncRequested':
      return {
        ...next,
        operation: {
          id: event.data.operationId,
          phase: 'Pending',
          requestedAt: meta.recordedAt.toISOString(),
          initiatedBy: { ...event.data.initiatedBy, username: event.data.initiatedBy.username ?? meta.actor },
          trigger: event.data.trigger ?? (event.data.initiatedBy.automated ? 'auto-sync' : 'manual'),
          rollbackOf: event.data.rollbackOf,
          sync: {
            revision: event.data.revision,
            prune: event.data.prune,
            dryRun: event.data.dryRun,
            resources: event.data.resources,
            syncOptions: event.data.syncOptions,
          },
        },
      };
    case 'TerminateRequested':
      return next.operation ? { ...next, operation: { ...next.operation, phase: 'Terminating' } } : next;
    case 'RevisionResolved':
      return {
        ...next,
        revision: event.data.revision,
        status: { ...next.status, commit: event.data.commit ?? null },
      };
    case 'SyncStatusChanged':
      return {
        ...next,
        syncStatus: event.data.to,
        revision: event.data.revision ?? next.revision,
        status: { ...next.status, outOfSync: event.data.outOfSync },
      };
    case 'HealthStatusChanged':
      return {
        ...next,
        healthStatus: event.data.to,
        status: {
          ...next.status,
          healthMessage: event.data.message ?? null,
          unhealthy: event.data.unhealthy,
        },
      };
    case 'ConditionRaised':
      return {
        ...next,
        status: {
          ...next.status,
          conditions: [
            ...conditionsOf(next).filter((c) => c.type !== event.data.conditionType),
            {
              type: event.data.conditionType,
              message: event.data.message,
              lastTransitionTime: meta.recordedAt.toISOString(),
            },
          ],
        },
      };
    case 'ConditionCleared':
      return {
        ...next,
        status: {
          ...next.status,
          conditions: conditionsOf(next).filter((c) => c.type !== event.data.conditionType),
        },
      };
    case 'SyncOperationStarted':
      return {
        ...next,
        operation: {
          ...(next.operation ?? { id: event.data.operationId }),
          phase: 'Running',
          startedAt: next.operation?.['startedAt'] ?? meta.recordedAt.toISOString(),
          revision: event.data.revision,
          attempt: event.data.attempt,
          planId: event.data.planId,
        },
      };
    case 'ResourceSynced':
      return next;
    case 'ApplicationResourcesDeleted':
      return next;
    case 'AutoRollbackTriggered':
      return {
        ...next,
        status: {
          ...next.status,
          autoRollback: {
            failedRevision: event.data.failedRevision,
            rollbackTo: event.data.rollbackTo,
            reason: event.data.reason,
            at: meta.recordedAt.toISOString(),
          },
        },
      };
    case 'SyncOperationSucceeded':
      return finishOperation(next, meta, 'Succeeded', event.data.message, event.data.revision, true);
    case 'SyncOperationFailed':
      if (event.data.retryInMs !== undefined) {
        return {
          ...next,
          operation: {
            ...(next.operation ?? {}),
            phase: 'Running',
            message: event.data.message,
            retryCount: event.data.attempt,
          },
        };
      }
      return finishOperation(next, meta, event.data.phase, event.data.message, event.data.revision, false);
    case 'SyncOperationTerminated':
      return finishOperation(next, meta, 'Failed', event.data.message, null, false);
  }
}

export interface HistoryEntry {
  id: number;
  revision: string;
  deployedAt: string;
  deployStartedAt?: string;
  initiatedBy: unknown;
  trigger?: string;
  source?: unknown;
}

function conditionsOf(
  view: ApplicationView,
): Array<{ type: string; message: string; lastTransitionTime: string }> {
  return (
    (view.status['conditions'] as Array<{ type: string; message: string; lastTransitionTime: string }>) ?? []
  );
}

export function historyOf(view: ApplicationView): HistoryEntry[] {
  return (view.status['history'] as HistoryEntry[] | undefined) ?? [];
}

/**
 * The operation is over: keep it as Argo CD's `status.operationState`, and on a real (not dry-run)
 * success add a history entry, trimmed to revisionHistoryLimit (default 10).
 */
function finishOperation(
  view: ApplicationView,
  meta: { recordedAt: Date },
  phase: string,
  message: string,
  revision: string | null,
  succeeded: boolean,
): ApplicationView {
  const op = view.operation ?? {};
  const finishedAt = meta.recordedAt.toISOString();
  const operationState = {
    ...op,
    phase,
    message,
    finishedAt,
    syncResult: { revision: revision ?? op['revision'] ?? null },
  };
  let history = historyOf(view);
  const dryRun = (op['sync'] as { dryRun?: boolean } | undefined)?.dryRun === true;
  if (succeeded && !dryRun && revision) {
    const limitRaw = view.manifest.spec['revisionHistoryLimit'];
    const limit = typeof limitRaw === 'number' && limitRaw >= 0 ? limitRaw : 10;
    const nextId = history.length === 0 ? 0 : Math.max(...history.map((h) => h.id)) + 1;
    history = [
      ...history,
      {
        id: nextId,
        revision,
        deployedAt: finishedAt,
        deployStartedAt: op['startedAt'] as string | undefined,
        initiatedBy: op['initiatedBy'],
        trigger: op['trigger'] as string | undefined,
        source: view.manifest.spec['source'] ?? view.manifest.spec['sources'],
      },
    ].slice(-Math.max(limit, 1));
  }
  return { ...view, operation: null, status: { ...view.status, operationState, history } };
}
