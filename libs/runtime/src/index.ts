export { assertPortFree, listenFailure } from './listen-port';
export { ObservabilityModule, READINESS_DEPENDENCIES } from './observability.module';
export type { ReadinessDependencies } from './observability.module';
export { exitWithStartupFailure, loadConfigOrExit, runProcess, stopOnSignals } from './process-lifecycle';
export { READINESS_CHECK_TIMEOUT_MS, postgresStatus, redisStatus } from './readiness-checks';
export type { DependencyStatus } from './readiness-checks';
export { StartupError } from './startup-error';
export { assertMigrated, checkRedisAtStart, describeStartupFailure } from './startup-failure';
export type { StartupSettings } from './startup-failure';
