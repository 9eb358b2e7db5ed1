export { AccountReadModelProjection } from './account-read-model.projection';
export { ApplicationReadModelProjection } from './application-read-model.projection';
export { ApplicationSetReadModelProjection } from './applicationset-read-model.projection';
export { BERTH_AGGREGATES, createCommandHandler, createProjectionRebuilder } from './berth-aggregates';
export { START_OF_LOG, compareCheckpoints } from './checkpoint';
export type { Checkpoint } from './checkpoint';
export { CommandHandler } from './command-handler';
export type {
  AggregateRegistration,
  HandleOptions,
  HandleResult,
  LoadedStream,
  ReadCounters,
} from './command-handler';
export { createDataSource, runMigrations } from './database/data-source';
export { MIGRATIONS } from './database/migrations';
export { EventLogSubscription } from './event-log-subscription';
export { PostgresListener } from './postgres-listener';
export type { PostgresListenerOptions } from './postgres-listener';
export type { SubscriptionOptions } from './event-log-subscription';
export { WrongExpectedVersionError } from './event-store.errors';
export type { ExpectedVersion } from './event-store.errors';
export {
  EVENT_COLUMNS,
  PostgresEventStore,
  describeLogBlocker,
  toRecordedEvent,
} from './postgres-event-store';
export type { AppendResult, EventRow, LogBlocker } from './postgres-event-store';
export { ProjectReadModelProjection } from './project-read-model.projection';
export { ProjectionRebuilder } from './projection-rebuilder';
export type { RebuildOptions, RebuildReport, TableDifference, UnreadableEvent } from './projection-rebuilder';
export { AccountsRepository } from './read-models/accounts.repository';
export type { TokenStanding } from './read-models/accounts.repository';
export { AuditLogRepository } from './read-models/audit-log.repository';
export type { AuditLogEntry, AuditLogPage, AuditLogQuery } from './read-models/audit-log.repository';
export { ApplicationsRepository, argoApplicationOfRecord } from './read-models/applications.repository';
export type { AppInfoRow, ApplicationRecord } from './read-models/applications.repository';
export { ClustersRepository } from './read-models/clusters.repository';
export type { ClusterRow } from './read-models/clusters.repository';
export { ProjectsRepository } from './read-models/projects.repository';
export { ApplicationSetsRepository } from './read-models/applicationsets.repository';
export type { ApplicationSetRecord } from './read-models/applicationsets.repository';
export { RepositoriesRepository } from './read-models/repositories.repository';
export type { RepositoryRecord, RepositoryRow } from './read-models/repositories.repository';
export { RepositoryCredentialStore } from './read-models/repository-credential-store';
export { ServerKeyRepository } from './read-models/server-key.repository';
export type { ApplicationRepoAccess } from './read-models/repository-credential-store';
export type { StateProjection } from './state-projection';
export { StreamSnapshotRepository } from './stream-snapshot.repository';
export type { StreamSnapshot } from './stream-snapshot.repository';
