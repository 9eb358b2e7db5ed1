import type { HealthStatusCode } from '../health/health-status';
import type { DomainEvent } from './event-envelope';

/**
 * Facts the reconcile loop records (issue: reconcile and sync). A refresh that finds nothing new
 * appends none of these; each is a transition. Statuses use Argo CD's words.
 */

/** An application's sync status: a resource is Synced or OutOfSync; the app is Unknown when it cannot compare. */
export type AppSyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';
export type OperationPhase = 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';

export interface ResourceIdentity {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface CommitInfo {
  author?: string;
  date?: string;
  message?: string;
}

/**
 * One resource an app manages as Argo CD's `status.resources` lists it (`ResourceStatus`): every resource
 * of the comparison, Synced or not, with its health, whether it is a hook or waits to be pruned, and its
 * sync wave.
 */
export interface ManagedResourceStatus extends ResourceIdentity {
  version: string;
  status: AppSyncStatusCode;
  health?: { status: HealthStatusCode; message?: string };
  hook?: boolean;
  requiresPruning?: boolean;
  syncWave?: number;
}

/** The target revision now resolves to another commit (a push, a moved tag, a spec change). */
export type RevisionResolved = DomainEvent<
  'RevisionResolved',
  {
    application: string;
    revision: string;
    previousRevision: string | null;
    targetRevision: string;
    commit?: CommitInfo;
  }
>;

export type SyncStatusChanged = DomainEvent<
  'SyncStatusChanged',
  {
    application: string;
    from: AppSyncStatusCode;
    to: AppSyncStatusCode;
    revision: string | null;
    /** Resources that are not Synced, so the audit log says what drifted. */
    outOfSync: Array<ResourceIdentity & { status: AppSyncStatusCode; requiresPruning?: boolean }>;
    /**
     * Every managed resource at this comparison (`status.resources` becomes this list). Absent in events
     * recorded before it was added, and when the comparison failed.
     */
    resources?: ManagedResourceStatus[];
    reason?: string;
  }
>;

export type HealthStatusChanged = DomainEvent<
  'HealthStatusChanged',
  {
    application: string;
    from: HealthStatusCode;
    to: HealthStatusCode;
    message?: string;
    /** Resources that are not Healthy, with their messages. */
    unhealthy: Array<ResourceIdentity & { status: HealthStatusCode; message?: string }>;
    /** Every managed resource at this comparison, as on SyncStatusChanged. Absent in older events. */
    resources?: ManagedResourceStatus[];
  }
>;

/**
 * The app's health status stayed, but what it says changed: the app's health message, or the health
 * (status or message) of one of its resources (a rollout's "2 of 3 updated replicas", a child app of an
 * App of Apps whose own message moved). Argo CD rewrites `status.health` and `status.resources` on every
 * compare; Berth's read model is a fold of the log, so the change is an event, appended only when a
 * refresh sees different details than the log holds (refreshes are themselves debounced).
 */
export type HealthDetailsChanged = DomainEvent<
  'HealthDetailsChanged',
  {
    application: string;
    /** The app's health status, unchanged by this event. */
    status: HealthStatusCode;
    message?: string;
    /** Resources that are not Healthy, with their messages (as on HealthStatusChanged). */
    unhealthy: Array<ResourceIdentity & { status: HealthStatusCode; message?: string }>;
    /** Every managed resource at this comparison (`status.resources` becomes this list). */
    resources: ManagedResourceStatus[];
  }
>;

/** An app condition appeared (Argo CD's ComparisonError, SyncError, InvalidSpecError ...). */
export type ConditionRaised = DomainEvent<
  'ConditionRaised',
  { application: string; conditionType: string; message: string }
>;

export type ConditionCleared = DomainEvent<
  'ConditionCleared',
  { application: string; conditionType: string }
>;

export type SyncOperationStarted = DomainEvent<
  'SyncOperationStarted',
  {
    application: string;
    operationId: string;
    revision: string;
    /** Stable hash of the plan: a resumed operation checks it runs the same plan. */
    planId: string;
    attempt: number;
    dryRun: boolean;
    taskCount: number;
  }
>;

export type ResourceSynced = DomainEvent<
  'ResourceSynced',
  {
    application: string;
    operationId: string;
    /** Task id within the plan: with operationId, the idempotency key of this step. */
    taskId: string;
    resource: ResourceIdentity;
    phase: 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
    wave: number;
    /**
     * created | configured | unchanged | pruned | replaced | skipped; `deleted` for a hook removed by its
     * delete policy when the operation finished.
     */
    result: string;
    message?: string;
    /** The task was a hook: never part of the app's inventory. Absent on events written before it was recorded. */
    hook?: boolean;
  }
>;

/**
 * The running operation waits: for resources to become healthy, for hooks to finish, for a deletion, for
 * a person to confirm pruning, or for the destination cluster's API server to answer again (`cluster`:
 * Berth's, gitops-engine fails the operation there). `message` is gitops-engine's wording where it has
 * one; it becomes `status.operationState.message`. Recorded when what it waits for changes, not on every
 * poll.
 */
export type SyncOperationWaiting = DomainEvent<
  'SyncOperationWaiting',
  {
    application: string;
    operationId: string;
    /** `sync-window`: a sync window of the project forbids the operation now ("Sync operation blocked by sync window"). */
    waitingFor: 'health' | 'hook' | 'deletion' | 'prune-confirmation' | 'sync-window' | 'cluster';
    message: string;
    /** What it waits for (at most 20; the message counts the rest). */
    resources: ResourceIdentity[];
  }
>;

/**
 * A person confirmed the prunes marked Prune=confirm of the open operation (Argo CD's "Confirm Pruning",
 * `argocd app confirm-deletion`, or the `argocd.argoproj.io/deletion-approved` annotation). The actor is in
 * the event's metadata.
 */
export type PruneConfirmed = DomainEvent<
  'PruneConfirmed',
  {
    application: string;
    operationId: string;
    /** How it was confirmed: the confirm-prune endpoint, or the deletion-approved annotation (its value). */
    via: 'api' | 'deletion-approved-annotation';
  }
>;

export type SyncOperationSucceeded = DomainEvent<
  'SyncOperationSucceeded',
  {
    application: string;
    operationId: string;
    revision: string;
    message: string;
    startedAt: string;
    finishedAt: string;
  }
>;

export type SyncOperationFailed = DomainEvent<
  'SyncOperationFailed',
  {
    application: string;
    operationId: string;
    revision: string | null;
    message: string;
    /** Error = the operation could not run; Failed = it ran and something failed. */
    phase: 'Failed' | 'Error';
    startedAt: string;
    finishedAt: string;
    /** When set, a retry is scheduled (syncPolicy.retry). */
    retryInMs?: number;
    attempt: number;
  }
>;

export type SyncOperationTerminated = DomainEvent<
  'SyncOperationTerminated',
  { application: string; operationId: string; message: string; finishedAt: string }
>;

/**
 * The resources of an application deleted with `cascade: true` were deleted from the cluster
 * (Foreground propagation), after its ApplicationDeleted. Child applications (App of Apps) are
 * deleted with it.
 */
export type ApplicationResourcesDeleted = DomainEvent<
  'ApplicationResourcesDeleted',
  {
    application: string;
    /**
     * `deleted`; `gone` (already absent); `kept` (the live object no longer carries this app's
     * tracking id: someone else owns it now); `failed` (with the message, left in the cluster).
     */
    resources: Array<ResourceIdentity & { result: 'deleted' | 'gone' | 'kept' | 'failed'; message?: string }>;
  }
>;

/**
 * A sync to `failedRevision` succeeded but the app did not become Healthy in time (or became
 * Degraded): Berth re-deploys `rollbackTo`, the last revision that was Healthy
 * (`spec.syncPolicy.autoRollback`, docs/rollback.md). Followed by the SyncRequested of the rollback.
 */
export type AutoRollbackTriggered = DomainEvent<
  'AutoRollbackTriggered',
  {
    application: string;
    failedRevision: string;
    rollbackTo: string;
    /** The history entry re-deployed. */
    historyId: number;
    /** The rollback's operation id. */
    operationId: string;
    reason: string;
  }
>;

export type ReconcileEvent =
  | RevisionResolved
  | SyncStatusChanged
  | HealthStatusChanged
  | HealthDetailsChanged
  | ConditionRaised
  | ConditionCleared
  | SyncOperationStarted
  | ResourceSynced
  | SyncOperationSucceeded
  | SyncOperationFailed
  | SyncOperationTerminated
  | ApplicationResourcesDeleted
  | AutoRollbackTriggered
  | SyncOperationWaiting
  | PruneConfirmed;
