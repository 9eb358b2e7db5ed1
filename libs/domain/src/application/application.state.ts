import type { ApplicationManifest, SyncRequested } from '../events/application.events';
import type {
  CommitInfo,
  ResourceSynced,
  SyncOperationStarted,
  SyncOperationWaiting,
} from '../events/reconcile.events';
import { DEFAULT_REVISION_HISTORY_LIMIT } from './application.defaults';
import type { ApplicationStatus, Operation, OperationApproval } from './application.status';

/**
 * Everything the log says about one application, folded by `evolveApplication`: the Argo-shaped status
 * people read, and the memory Berth's decisions need (the open operation, the prune inventory, past
 * deployments, self-heal attempts). Plain JSON (times as ISO strings), so it can be stored as a snapshot
 * and a command reads only the events after it. Every list in it is bounded, however long the stream.
 */
export interface ApplicationState {
  name: string;
  /** True between ApplicationCreated and ApplicationDeleted. */
  exists: boolean;
  project: string;
  /** The spec as last written; kept after deletion (the cascade and notifications still need it). */
  manifest: ApplicationManifest | null;
  createdAt: string | null;
  /** Set by ApplicationDeleted, cleared by the next ApplicationCreated. */
  deletion: ApplicationDeletion | null;
  /** Argo CD's top-level `operation`: requested, not started yet. */
  operation: Operation | null;
  status: ApplicationStatus;
  /** The operation requested and not finished (there is at most one), with its progress. */
  openOperation: OpenOperation | null;
  /** Ids and outcomes of recently finished operations, newest last (a late job for one is a no-op). */
  finishedOperations: FinishedOperation[];
  /** The latest finished sync that was not a dry run: auto-sync never retries its revision after a failure. */
  lastFinishedSync: FinishedOperation | null;
  /**
   * `group/kind/namespace/name` of what this app put in the cluster and has not pruned since, over every
   * incarnation of the name (objects an earlier incarnation left behind are still found and shown).
   */
  inventory: string[];
  /** The same, counted only since the last ApplicationCreated: what a cascade deletion deletes. */
  incarnationInventory: string[];
  /** Successful non-dry-run syncs since the last ApplicationCreated, as many as `status.history` keeps. */
  deployments: Deployment[];
  /** Self-heal syncs in a row since the app was last Synced. */
  selfHealAttempts: number;
  /** Revisions auto-rollback moved away from since the last ApplicationCreated. */
  rolledBackRevisions: string[];
  /** Commit metadata by revision, for the revisions the status still mentions (notification templates read it). */
  commits: Record<string, CommitInfo>;
  /** Refreshes asked for by people (periodic refreshes are not events). */
  refreshRequests: number;
  /** Version of the last event folded in; 0 before the first. */
  streamVersion: number;
  updatedAt: string | null;
}

export interface ApplicationDeletion {
  at: string;
  /** Argo CD's cascade: delete the app's resources too. */
  cascade: boolean;
  /** Set once ApplicationResourcesDeleted recorded the cascade. */
  resourcesDeleted: boolean;
}

export interface OpenOperation {
  operationId: string;
  request: SyncRequested['data'];
  requestedAt: string;
  /** The latest attempt's start, if one started. */
  started?: SyncOperationStarted['data'];
  startedAt?: string;
  /** ResourceSynced of the latest attempt, in order: a resumed attempt skips these tasks. */
  synced: Array<ResourceSynced['data']>;
  /** Failures that scheduled a retry (the next attempt is `retries + 1`). */
  retries: number;
  /** Set when the latest failure scheduled a retry and no attempt started since. */
  retryPending?: { retryInMs: number; failedAt: string };
  /** Revision the operation runs (or tried to run) against. */
  revision?: string;
  message?: string;
  terminateRequested: boolean;
  /** What the latest attempt waits for (SyncOperationWaiting), until its next task is recorded. */
  waiting?: { waitingFor: SyncOperationWaiting['data']['waitingFor']; message: string };
  /** A person confirmed its Prune=confirm prunes (PruneConfirmed). */
  pruneConfirmed?: { at: string; by: string };
  /** A gated sync (SyncApprovalRequested): it starts only once `phase` is Approved. */
  approval?: OperationApproval;
}

export type OperationOutcome = 'Succeeded' | 'Failed' | 'Terminated';

export interface FinishedOperation {
  operationId: string;
  outcome: OperationOutcome;
  revision?: string;
  finishedAt: string;
  dryRun: boolean;
}

/** One successful (not dry-run) sync, as auto-rollback judges it. */
export interface Deployment {
  operationId: string;
  revision: string;
  trigger: string;
  /** When its SyncOperationSucceeded was recorded (= its history entry's `deployedAt`). */
  deployedAt: string;
  /** The app was seen Healthy while this deployment was the latest one. */
  wasHealthy: boolean;
  /** An AutoRollbackTriggered already answered this deployment. */
  rolledBack: boolean;
}

export function initialApplicationState(name: string): ApplicationState {
  return {
    name,
    exists: false,
    project: 'default',
    manifest: null,
    createdAt: null,
    deletion: null,
    operation: null,
    status: initialStatus(),
    openOperation: null,
    finishedOperations: [],
    lastFinishedSync: null,
    inventory: [],
    incarnationInventory: [],
    deployments: [],
    selfHealAttempts: 0,
    rolledBackRevisions: [],
    commits: {},
    refreshRequests: 0,
    streamVersion: 0,
    updatedAt: null,
  };
}

export function initialStatus(): ApplicationStatus {
  return {
    sync: { status: 'Unknown' },
    health: { status: 'Unknown' },
    conditions: [],
    history: [],
    resources: [],
    summary: {},
  };
}

/** How many history entries (and deployments) an app keeps: its `spec.revisionHistoryLimit`, 10 by default, at least 1. */
export function historyLimitOf(manifest: ApplicationManifest | null): number {
  const raw = manifest?.spec['revisionHistoryLimit'];
  const limit =
    typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? raw : DEFAULT_REVISION_HISTORY_LIMIT;
  return Math.max(limit, 1);
}
