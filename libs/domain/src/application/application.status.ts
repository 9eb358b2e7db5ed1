import type { AppSyncStatusCode, OperationPhase } from '../events/reconcile.events';
import type { HealthStatusCode } from '../health/health-status';
import type { RetryStrategy } from './application.types';

/**
 * An Application's status in Argo CD's shape (`pkg/apis/application/v1alpha1/types.go`): what the API
 * returns, what notification triggers and templates read (`app.status.*`), what the CLI and UI show.
 * Folded from the event log by `evolveApplication`; nothing else builds it.
 *
 * Berth additions are marked as such; JSON readers written for Argo CD ignore them.
 */
export interface ApplicationStatus {
  sync: SyncStatus;
  health: AppHealth;
  /** The operation running now, or the last one that finished. */
  operationState?: OperationState;
  conditions: ApplicationCondition[];
  /** Successful (not dry-run) syncs, oldest first, at most `spec.revisionHistoryLimit` (10). */
  history: RevisionHistory[];
  /**
   * Every resource the app manages, as Argo CD lists it (Synced or not, with health, hook, requiresPruning
   * and syncWave), as of the last sync or health transition. An app last compared before this list was
   * recorded shows only its out-of-sync and unhealthy resources, until its next transition.
   */
  resources: ResourceStatus[];
  summary: ApplicationSummary;
  /** When the app was last compared with the cluster. */
  reconciledAt?: string;
  sourceType?: string;
}

export interface SyncStatus {
  status: AppSyncStatusCode;
  /** Single-source apps; a multi-source app reports `revisions` instead, as Argo CD does. */
  revision?: string;
  revisions?: string[];
}

export interface AppHealth {
  status: HealthStatusCode;
  message?: string;
  /** When the health last changed (notification triggers compare it with the operation's times). */
  lastTransitionTime?: string;
}

export interface ApplicationCondition {
  /** ComparisonError, InvalidSpecError, SyncError ... */
  type: string;
  message: string;
  lastTransitionTime: string;
}

/** Argo CD's `SyncOperationResource`: one resource of a selective sync. */
export interface SyncOperationResource {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Argo CD's `Operation`: what was asked for. */
export interface Operation {
  sync: SyncOperation;
  initiatedBy: { username?: string; automated: boolean };
  /** Berth addition: the id the operation's events carry (`correlationId` in their metadata). */
  operationId: string;
  /** Berth addition: manual, auto-sync, self-heal, rollback, auto-rollback. */
  trigger: string;
  /** Berth addition: the history entry a rollback re-deploys. */
  rollbackOf?: number;
  /** Argo CD's `info`: name/value notes from the requester. */
  info?: Array<{ name: string; value: string }>;
  /** Argo CD's `retry`: the operation's own retry strategy (a manual sync's `retryStrategy`). */
  retry?: RetryStrategy;
}

export interface SyncOperation {
  /** Absent: the app's targetRevision. */
  revision?: string;
  prune: boolean;
  dryRun: boolean;
  /** Selective sync: only these resources. */
  resources?: SyncOperationResource[];
  syncOptions?: string[];
  /** Argo CD's sync strategy: `{hook: {}}` (the default when absent) or `{apply: {}}` (no hooks). */
  syncStrategy?: { hook?: { force?: boolean }; apply?: { force?: boolean } };
}

/** Argo CD's `OperationState`. */
export interface OperationState {
  operation: Operation;
  phase: OperationPhase;
  message: string;
  startedAt: string;
  finishedAt?: string;
  /** Failed attempts so far that scheduled a retry (syncPolicy.retry). */
  retryCount?: number;
  syncResult?: { revision?: string; revisions?: string[] };
  /** Berth addition: the approvals a gated sync waits for or got (docs/approvals.md). */
  approval?: OperationApproval;
}

/**
 * Berth addition: a gated sync's approvals (the project's `spec.syncApprovals`). `Pending` while it waits
 * (the operation is Running with "waiting for approval: k of n"), then `Approved` (the sync runs),
 * `Rejected` or `Expired` (the operation failed without running), or `Terminated` (someone terminated it).
 */
export interface OperationApproval {
  phase: 'Pending' | 'Approved' | 'Rejected' | 'Expired' | 'Terminated';
  requiredApprovals: number;
  /** Who asked for the sync: never one of its approvers. */
  requestedBy: string;
  requestedAt: string;
  /** When a pending request expires. */
  expiresAt: string;
  /** Distinct approvers, in order, with what they said. */
  approvals: Array<{ approvedBy: string; reason?: string; approvedAt: string }>;
  rejectedBy?: string;
  /** Why it was rejected. */
  reason?: string;
  /** When it was approved, rejected, expired or terminated. */
  decidedAt?: string;
}

/** Argo CD's `RevisionHistory`: one successful sync. */
export interface RevisionHistory {
  id: number;
  revision: string;
  deployedAt: string;
  deployStartedAt?: string;
  initiatedBy: { username?: string; automated: boolean };
  /** The spec's source(s) at the time: what a rollback re-deploys. */
  source?: unknown;
  sources?: unknown[];
  /** Berth addition: what started it (manual, auto-sync, self-heal, rollback, auto-rollback). */
  trigger: string;
}

/** Argo CD's `ResourceStatus`. */
export interface ResourceStatus {
  group: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
  status: AppSyncStatusCode;
  health?: { status: HealthStatusCode; message?: string };
  hook?: boolean;
  requiresPruning?: boolean;
  syncWave?: number;
}

export interface ApplicationSummary {
  externalURLs?: string[];
  images?: string[];
}
