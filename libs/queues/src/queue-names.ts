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

export interface JobPayloads {
  refresh: RefreshJob;
  sync: SyncJob;
  notify: { deliveryId: string };
}

/** BullMQ job ids may not contain ':'; names of apps never contain '__'. */
export function refreshDedupId(application: string): string {
  return `refresh__${application}`;
}

export function syncJobId(application: string, operationId: string): string {
  return `sync__${application}__${operationId}`;
}
