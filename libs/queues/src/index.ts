export { APP_JOB_TIMINGS, AppJobWorker } from './app-job-worker';
export type { AppJobWorkerOptions } from './app-job-worker';
export { APP_LEASE_TTL_MS, AppLock } from './app-lock';
export type { HeldLock } from './app-lock';
export { BACKGROUND_REFRESH_REASONS, JobQueues } from './job-queues';
export { CLUSTER_LEASE_TTL_MS, ClusterLease } from './cluster-lease';
export type { ClusterLeaseOptions } from './cluster-lease';
export {
  applicationSetLockKey,
  approvalExpiryJobId,
  PERIODIC_REFRESH_TICKS,
  periodicRefreshJobId,
  QUEUE,
  refreshDedupId,
  syncJobId,
} from './queue-names';
export { SharedTicker } from './shared-ticker';
export type { SharedTickerOptions } from './shared-ticker';
export type { ApplicationSetJob, JobPayloads, QueueName, RefreshJob, SyncJob } from './queue-names';
export {
  createFailFastRedis,
  createRedis,
  lastRedisError,
  openRedis,
  openRedisLike,
  readyWithin,
  redisConnectionName,
  redisEndpoint,
} from './redis-connection';
export type { RedisConnectionOptions, RedisTarget } from './redis-connection';
export {
  RESOURCE_TREE_TTL_SECONDS,
  RESOURCE_TREE_UNCHANGED_MS,
  ResourceTreeCache,
} from './resource-tree-cache';
export type { ResourceTreeCacheOptions } from './resource-tree-cache';
