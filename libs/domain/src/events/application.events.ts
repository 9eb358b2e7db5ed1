import type { ApprovalEvent } from './approval.events';
import type { DomainEvent } from './event-envelope';
import type { RetryStrategy } from '../application/application.types';
import type { ReconcileEvent } from './reconcile.events';

/**
 * The Application event catalog. Every state change of an application is one of these facts,
 * in the past tense, never edited. Later capabilities extend the union; a new field in `data`
 * that older readers can ignore keeps the schema version; a change of meaning bumps it.
 */

/** The document as the user gave it (after validation), kept whole so nothing they wrote is lost. */
export type ApplicationManifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    [key: string]: unknown;
  };
  spec: Record<string, unknown>;
  [key: string]: unknown;
};

export type ApplicationCreated = DomainEvent<
  'ApplicationCreated',
  { application: string; project: string; manifest: ApplicationManifest }
>;

export type ApplicationSpecChanged = DomainEvent<
  'ApplicationSpecChanged',
  {
    application: string;
    project: string;
    manifest: ApplicationManifest;
    /** Top-level paths whose value changed, e.g. `spec.source.targetRevision`, for the audit log. */
    changedPaths: string[];
  }
>;

export type ApplicationDeleted = DomainEvent<
  'ApplicationDeleted',
  {
    application: string;
    /** Argo CD's cascade: delete the app's resources from the cluster too. */ cascade: boolean;
  }
>;

export type RefreshRequested = DomainEvent<
  'RefreshRequested',
  { application: string; /** Hard refresh bypasses the manifest cache. */ hard: boolean }
>;

export type SyncRequested = DomainEvent<
  'SyncRequested',
  {
    application: string;
    operationId: string;
    /** Revision to sync to; absent = the app's targetRevision. */
    revision?: string;
    prune: boolean;
    dryRun: boolean;
    /** Selective sync: only these resources. Absent = all. */
    resources?: Array<{ group?: string; kind: string; name: string; namespace?: string }>;
    syncOptions?: string[];
    /**
     * Argo CD's `syncStrategy`: `hook` (the default) runs hooks; `apply` only applies the resources. `force`
     * is recorded as asked; the scheduler adds `Force=true` to `syncOptions` for it, which is what the sync reads.
     */
    syncStrategy?: { hook?: { force?: boolean }; apply?: { force?: boolean } };
    initiatedBy: { username?: string; automated: boolean };
    /** Argo CD's `Operation.info`: name/value notes the requester attached (`argocd app sync --info`). */
    info?: Array<{ name: string; value: string }>;
    /** Argo CD's `Operation.retry`: this operation's retries; absent: the app's `spec.syncPolicy.retry`. */
    retry?: RetryStrategy;
    /** Why Berth started it: `manual`, `auto-sync`, `self-heal`, `rollback`, `auto-rollback`, `retry`. */
    trigger?: string;
    /** For rollbacks: the history entry being re-deployed. */
    rollbackOf?: number;
  }
>;

export type TerminateRequested = DomainEvent<
  'TerminateRequested',
  { application: string; operationId: string }
>;

/**
 * A person asked for a sync (or rollback) and Berth refused it: a sync window of the app's project forbids
 * it now (Argo CD answers PermissionDenied "cannot sync: blocked by sync window"). Nothing changes; the
 * refusal is kept so the audit log shows who tried, what, and why not. The actor is in the metadata.
 */
export type SyncRefused = DomainEvent<
  'SyncRefused',
  {
    application: string;
    /** What was asked: `manual` (a sync) or `rollback`. */
    trigger: 'manual' | 'rollback';
    /** The revision asked for, if any (a rollback's history entry revision). */
    revision?: string;
    dryRun: boolean;
    /** Why: the only reason so far is a sync window. */
    refusedBy: 'sync-window';
    /** The answer's text: which windows, until when, and what would allow it. */
    message: string;
    /** The windows that forbid it (their `spec.syncWindows` ids). */
    windows: number[];
  }
>;

/**
 * One live object of an application, as Argo CD's resource requests name it (`ApplicationResourceRequest`:
 * group, version, kind, namespace, resourceName). `group` is '' for the core group, `namespace` '' for a
 * cluster-scoped object.
 */
export interface LiveResourceRef {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * A person ran a resource action (Argo CD's RunResourceAction: `restart`, `pause`, a Lua customization's
 * action) on a live object of the app, and the destination cluster took the change. The actor and their
 * reason are in the metadata. The app's own state does not change: the cluster's does.
 */
export type ResourceActionRun = DomainEvent<
  'ResourceActionRun',
  {
    application: string;
    resource: LiveResourceRef;
    action: string;
    /** False when the action's result equalled the live object (nothing was sent to the cluster). */
    changed: boolean;
  }
>;

/**
 * A person patched a live object of the app through Berth (Argo CD's PatchResource). The patch itself is
 * not kept: it may hold a Secret's values.
 */
export type LiveResourcePatched = DomainEvent<
  'LiveResourcePatched',
  {
    application: string;
    resource: LiveResourceRef;
    /** `merge`, `json` or `strategic` (Argo CD's patchType, the Content-Type of the Kubernetes PATCH). */
    patchType: 'merge' | 'json' | 'strategic';
  }
>;

/** A person deleted a live object of the app through Berth (Argo CD's DeleteResource). */
export type LiveResourceDeleted = DomainEvent<
  'LiveResourceDeleted',
  {
    application: string;
    resource: LiveResourceRef;
    /** How its dependents went: Foreground (default), Background (`force`), Orphan (`orphan`). */
    propagationPolicy: 'Foreground' | 'Background' | 'Orphan';
    /** Argo CD's `force`: no grace period. */
    force: boolean;
  }
>;

export type ApplicationEvent =
  | ApplicationCreated
  | ApplicationSpecChanged
  | ApplicationDeleted
  | RefreshRequested
  | SyncRequested
  | TerminateRequested
  | SyncRefused
  | ResourceActionRun
  | LiveResourcePatched
  | LiveResourceDeleted
  | ApprovalEvent
  | ReconcileEvent;

export type ApplicationEventType = ApplicationEvent['type'];

/** Schema versions of the events this code writes. */
export const APPLICATION_EVENT_SCHEMA_VERSION: Record<ApplicationEventType, number> = {
  ApplicationCreated: 1,
  ApplicationSpecChanged: 1,
  ApplicationDeleted: 1,
  RefreshRequested: 1,
  SyncRequested: 1,
  TerminateRequested: 1,
  SyncRefused: 1,
  ResourceActionRun: 1,
  LiveResourcePatched: 1,
  LiveResourceDeleted: 1,
  RevisionResolved: 1,
  SyncStatusChanged: 1,
  HealthStatusChanged: 1,
  HealthDetailsChanged: 1,
  ConditionRaised: 1,
  ConditionCleared: 1,
  SyncOperationStarted: 1,
  ResourceSynced: 1,
  SyncOperationSucceeded: 1,
  SyncOperationFailed: 1,
  SyncOperationTerminated: 1,
  ApplicationResourcesDeleted: 1,
  AutoRollbackTriggered: 1,
  SyncOperationWaiting: 1,
  PruneConfirmed: 1,
  SyncApprovalRequested: 1,
  SyncApproved: 1,
  SyncRejected: 1,
  SyncApprovalExpired: 1,
};

export function applicationEvent<E extends ApplicationEvent>(type: E['type'], data: E['data']): E {
  return { type, schemaVersion: APPLICATION_EVENT_SCHEMA_VERSION[type], data } as E;
}

/** Stream id of one application: one stream per app, named so `psql` users can read it. */
export function applicationStreamId(name: string): string {
  return `application-${name}`;
}
