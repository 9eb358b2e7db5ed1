import type { ApplicationEvent, ApplicationManifest, CommitInfo, RecordedEvent } from '@berth/domain';

/**
 * An Application as Argo CD's notification controller sees it (the JSON map behind `.app` / `app`), folded
 * from Berth's event log so catalog triggers and templates work unchanged. Pure: time comes from the events.
 */
export interface ArgoApplication {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    creationTimestamp: string;
    deletionTimestamp?: string;
  };
  spec: Record<string, unknown>;
  /** A requested operation that has not started yet (Argo CD's top-level `.operation`). */
  operation?: ArgoOperation;
  status: {
    sync: { status: string; revision?: string; revisions?: string[] };
    /** lastTransitionTime: the catalog's on-deployed trigger compares it with the operation's times. */
    health: { status: string; message?: string; lastTransitionTime?: string };
    operationState?: ArgoOperationState;
    conditions?: Array<{ type: string; message: string; lastTransitionTime: string }>;
    summary: Record<string, unknown>;
    history?: Array<{ id: number; revision: string; deployedAt: string; deployStartedAt?: string }>;
    reconciledAt?: string;
  };
}

export interface ArgoOperation {
  sync: { revision?: string; prune: boolean; dryRun: boolean; syncOptions?: string[] };
  initiatedBy: { username?: string; automated: boolean };
}

export interface ArgoOperationState {
  operation: ArgoOperation;
  phase: string;
  message: string;
  startedAt: string;
  finishedAt?: string;
  retryCount?: number;
  syncResult?: { revision?: string; revisions?: string[] };
}

/** What the notifier keeps per application (table notifier_app_state, minus the trigger state). */
export interface NotifierAppView {
  app: ArgoApplication;
  /** Commit info by revision, from RevisionResolved: `.repo.GetCommitMetadata` answers from it. */
  commits: Record<string, CommitInfo>;
}

/** Argo CD keeps Applications in the control-plane namespace; Berth's manifests may omit it. */
export const DEFAULT_APP_NAMESPACE = 'argocd';

const SPEC_FIELDS = ['project', 'source', 'sources', 'destination', 'syncPolicy'] as const;

function specOf(manifest: ApplicationManifest): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const field of SPEC_FIELDS) {
    if (manifest.spec[field] !== undefined) spec[field] = manifest.spec[field];
  }
  return spec;
}

function metadataOf(manifest: ApplicationManifest, creationTimestamp: string): ArgoApplication['metadata'] {
  return {
    name: manifest.metadata.name,
    namespace: manifest.metadata.namespace ?? DEFAULT_APP_NAMESPACE,
    labels: { ...(manifest.metadata.labels ?? {}) },
    annotations: { ...(manifest.metadata.annotations ?? {}) },
    creationTimestamp,
  };
}

/** Multi-source apps report `revisions` (Argo CD leaves `revision` empty for them). */
function revisionFields(
  app: ArgoApplication,
  revision: string | null | undefined,
): {
  revision?: string;
  revisions?: string[];
} {
  if (revision === null || revision === undefined) return {};
  return Array.isArray(app.spec['sources']) ? { revisions: [revision] } : { revision };
}

/**
 * Applies one event to an app's view. Returns the same object when the event changes nothing a trigger can
 * see (RefreshRequested, ResourceSynced, events for an unknown app), so callers can skip evaluating triggers.
 */
export function applyArgoApplicationEvent(
  view: NotifierAppView | undefined,
  recorded: RecordedEvent,
): NotifierAppView | undefined {
  const event = { type: recorded.type, data: recorded.data } as ApplicationEvent;
  const at = recorded.recordedAt.toISOString();
  if (event.type === 'ApplicationCreated') {
    const manifest = event.data.manifest;
    return {
      app: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: metadataOf(manifest, at),
        spec: specOf(manifest),
        status: { sync: { status: 'Unknown' }, health: { status: 'Unknown' }, summary: {} },
      },
      commits: {},
    };
  }
  if (!view) return view;
  const app = view.app;
  const withApp = (next: ArgoApplication): NotifierAppView => ({ ...view, app: next });
  const withStatus = (status: Partial<ArgoApplication['status']>): NotifierAppView =>
    withApp({ ...app, status: { ...app.status, ...status } });

  switch (event.type) {
    case 'ApplicationSpecChanged':
      return withApp({
        ...app,
        metadata: { ...metadataOf(event.data.manifest, app.metadata.creationTimestamp) },
        spec: specOf(event.data.manifest),
      });
    case 'ApplicationDeleted':
      // Catalog `on-deleted` fires on `app.metadata.deletionTimestamp != nil`.
      return withApp({ ...app, metadata: { ...app.metadata, deletionTimestamp: at } });
    case 'SyncRequested':
      return withApp({
        ...app,
        operation: {
          sync: {
            ...(event.data.revision !== undefined ? { revision: event.data.revision } : {}),
            prune: event.data.prune,
            dryRun: event.data.dryRun,
            ...(event.data.syncOptions ? { syncOptions: event.data.syncOptions } : {}),
          },
          initiatedBy: {
            username: event.data.initiatedBy.username ?? recorded.metadata.actor,
            automated: event.data.initiatedBy.automated,
          },
        },
      });
    case 'SyncOperationStarted': {
      const previous = app.status.operationState;
      const operation = app.operation ??
        previous?.operation ?? {
          sync: { prune: false, dryRun: event.data.dryRun },
          initiatedBy: { automated: false },
        };
      // A retry attempt of the same operation keeps its original start time, as Argo CD does.
      const resumed = previous?.phase === 'Running' && app.operation === undefined;
      const { operation: _pending, ...rest } = app;
      return withApp({
        ...rest,
        status: {
          ...app.status,
          operationState: {
            operation: { ...operation, sync: { ...operation.sync, revision: event.data.revision } },
            phase: 'Running',
            message: '',
            startedAt: resumed && previous ? previous.startedAt : at,
          },
        },
      });
    }
    case 'SyncOperationSucceeded':
      return finishOperation(view, event.data.message, 'Succeeded', event.data.revision, {
        startedAt: event.data.startedAt,
        finishedAt: event.data.finishedAt,
      });
    case 'SyncOperationFailed': {
      if (event.data.retryInMs !== undefined) {
        const op = app.status.operationState;
        if (!op) return view;
        return withStatus({
          operationState: {
            ...op,
            phase: 'Running',
            message: event.data.message,
            retryCount: event.data.attempt,
          },
        });
      }
      return finishOperation(view, event.data.message, event.data.phase, event.data.revision, {
        startedAt: event.data.startedAt,
        finishedAt: event.data.finishedAt,
      });
    }
    case 'SyncOperationTerminated':
      return finishOperation(view, event.data.message, 'Failed', null, { finishedAt: event.data.finishedAt });
    case 'RevisionResolved':
      return {
        app: {
          ...app,
          status: {
            ...app.status,
            sync: { ...app.status.sync, ...revisionFields(app, event.data.revision) },
          },
        },
        commits: event.data.commit
          ? { ...view.commits, [event.data.revision]: event.data.commit }
          : view.commits,
      };
    case 'SyncStatusChanged':
      return withStatus({
        sync: { ...app.status.sync, status: event.data.to, ...revisionFields(app, event.data.revision) },
        reconciledAt: at,
      });
    case 'HealthStatusChanged':
      return withStatus({
        health: {
          status: event.data.to,
          ...(event.data.message ? { message: event.data.message } : {}),
          lastTransitionTime: at,
        },
        reconciledAt: at,
      });
    case 'ConditionRaised':
      return withStatus({
        conditions: [
          ...(app.status.conditions ?? []).filter((c) => c.type !== event.data.conditionType),
          { type: event.data.conditionType, message: event.data.message, lastTransitionTime: at },
        ],
      });
    case 'ConditionCleared': {
      const conditions = (app.status.conditions ?? []).filter((c) => c.type !== event.data.conditionType);
      return withStatus({ conditions });
    }
    default:
      return view;
  }
}

function finishOperation(
  view: NotifierAppView,
  message: string,
  phase: string,
  revision: string | null,
  times: { startedAt?: string; finishedAt: string },
): NotifierAppView {
  const app = view.app;
  const previous = app.status.operationState;
  const operation = previous?.operation ??
    app.operation ?? { sync: { prune: false, dryRun: false }, initiatedBy: { automated: false } };
  const resolved = revision ?? operation.sync.revision ?? null;
  const operationState: ArgoOperationState = {
    operation,
    phase,
    message,
    startedAt: times.startedAt ?? previous?.startedAt ?? times.finishedAt,
    finishedAt: times.finishedAt,
    syncResult: revisionFields(app, resolved),
    ...(previous?.retryCount !== undefined ? { retryCount: previous.retryCount } : {}),
  };
  let history = app.status.history;
  if (phase === 'Succeeded' && resolved && !operation.sync.dryRun) {
    const list = history ?? [];
    const id = list.length === 0 ? 0 : Math.max(...list.map((h) => h.id)) + 1;
    history = [
      ...list,
      { id, revision: resolved, deployedAt: times.finishedAt, deployStartedAt: operationState.startedAt },
    ].slice(-10);
  }
  const { operation: _pending, ...rest } = app;
  return {
    ...view,
    app: { ...rest, status: { ...app.status, operationState, ...(history ? { history } : {}) } },
  };
}

/** The `application` of any application event (every event in the catalog names it). */
export function applicationOf(recorded: RecordedEvent): string | undefined {
  const data = recorded.data as { application?: unknown } | null;
  return typeof data?.application === 'string' ? data.application : undefined;
}
