/**
 * Every queue Berth uses, with its job payload, in one place: producers (scheduler) and
 * processors (worker, notifier) import the names and types from here and nowhere else.
 */
export const QUEUE = {
  /** Compare an application with Git and the cluster; update its status. */
  refresh: 'refresh',
  /** Run (or resume) a sync operation recorded in the event log. */
  sync: 'sync',
  /** Deliver one notification to one recipient. */
  notify: 'notify',
  /** Reconcile one ApplicationSet: generate its Applications and create, update or delete them. */
  applicationset: 'applicationset',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export interface RefreshJob {
  application: string;
  /** Bypass the manifest cache (Argo CD's hard refresh). */
  hard: boolean;
  /** Why: `periodic`, `webhook`, `user`, `spec-changed`, `self-heal` ... (for logs and events). */
  reason: string;
}

export interface SyncJob {
  application: string;
  /** The operation recorded by SyncRequested; the worker resumes it from the event log. */
  operationId: string;
}

export interface ApplicationSetJob {
  /** The lock key of the set (`applicationset/<name>`: never an app name, which has no "/"). */
  application: string;
  applicationSet: string;
  /** Why: `periodic`, `webhook`, `spec-changed`, `deleted` ... (for logs). */
  reason: string;
}

export interface JobPayloads {
  refresh: RefreshJob;
  sync: SyncJob;
  notify: { deliveryId: string };
  applicationset: ApplicationSetJob;
}

/** The AppJobWorker lock key of an ApplicationSet: one reconciliation of a set at a time. */
export function applicationSetLockKey(name: string): string {
  return `applicationset/${name}`;
}

/** BullMQ job ids may not contain ':'; names of apps never contain '__'. */
export function refreshDedupId(application: string): string {
  return `refresh__${application}`;
}

/**
 * The deduplication id of a refresh asked for later (a self-heal backoff): apart from the app's
 * refreshDedupId, so one that waits its delay never swallows a refresh somebody asks for now.
 */
export function laterRefreshDedupId(application: string): string {
  return `refresh-later__${application}`;
}

/**
 * The periodic refresh of an app, named after the comparison it follows (`since`: the app's
 * reconciled_at, or its created_at before its first comparison). Every scheduler replica that finds
 * the app due for the same comparison asks for the same job, and BullMQ keeps one: an app is
 * refreshed periodically once per interval however many replicas look (docs/adr/0004).
 */
export function periodicRefreshJobId(application: string, since: Date): string {
  return `periodic__${application}__${since.getTime()}`;
}

/**
 * The queue of the periodic-refresh timer: a BullMQ job scheduler puts one tick job in it per
 * interval, and one scheduler replica takes each (SharedTicker). Not an application queue.
 */
export const PERIODIC_REFRESH_TICKS = 'periodic-refresh-ticks';

export function syncJobId(application: string, operationId: string): string {
  return `sync__${application}__${operationId}`;
}

/** The refresh that records the expiry of a sync waiting for approval: one per operation. */
export function approvalExpiryJobId(application: string, operationId: string): string {
  return `approval-expiry__${application}__${operationId}`;
}
