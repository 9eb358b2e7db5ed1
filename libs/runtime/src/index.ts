export { BerthLogger, logLevelsFor } from './berth-logger';
export { listenFailure } from './listen-port';
export { ObservabilityModule, READINESS_DEPENDENCIES } from './observability.module';
export type { ReadinessDependencies } from './observability.module';
export { BUG_EXIT_CODE, BUG_TAG, bugLine, guardRunningProcess } from './process-guard';
export { ProcessHttpServer } from './process-http-server';
export {
  exitWithStartupFailure,
  loadConfigOrExit,
  runProcess,
  STOP_WITHOUT_REDIS_MS,
  stopOnSignals,
} from './process-lifecycle';
export type { StopOptions } from './process-lifecycle';
export { checkRedisBeforeServing, listenThenAwaitPostgres } from './process-start';
export { transientPostgresError, waitForPostgres } from './postgres-wait';
export type { PostgresWaitOptions } from './postgres-wait';
export { READINESS_CHECK_TIMEOUT_MS, postgresStatus, redisStatus } from './readiness-checks';
export type { DependencyStatus } from './readiness-checks';
export { StartupError } from './startup-error';
export { assertMigrated, checkRedisAtStart, describeStartupFailure } from './startup-failure';
export type { StartupSettings } from './startup-failure';
export { countAdapterRequests } from './adapter-metrics';
export { httpApiDocument } from './openapi/http-api-document';
export type { HttpApiDescription, OperationClass } from './openapi/http-api-document';
export { OpenApiController } from './openapi/openapi.controller';
export { OpenApiDocumentSource } from './openapi/openapi-document.source';
export { serveApiDocs } from './openapi/serve-api-docs';
export { berthVersion } from './berth-version';
