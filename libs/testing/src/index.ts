export { eventually, type EventuallyOptions, StopWaiting } from './eventually';
export { freeLoopbackPort } from './child-server';
export { type AwaitJobOptions, type FinishedJob, JobWatcher, watchJobs } from './job-watcher';
export {
  PrivatePostgres,
  type PrivatePostgresOptions,
  type PostgresStopMode,
  startPrivatePostgres,
} from './private-postgres';
export { PrivatePgBouncer, type PrivatePgBouncerOptions, startPrivatePgBouncer } from './private-pgbouncer';
export { PrivateRedis, startPrivateRedis } from './private-redis';
export { PrivateRedisCluster, startPrivateRedisCluster } from './private-redis-cluster';
export { PrivateRedisSentinel, startPrivateRedisSentinel } from './private-redis-sentinel';
export { bugLines } from './process-bugs';
export {
  bearer,
  login,
  loginAsTestAdmin,
  provisionTestAdmin,
  TEST_ADMIN_PASSWORD,
  testAdminToken,
} from './test-login';
