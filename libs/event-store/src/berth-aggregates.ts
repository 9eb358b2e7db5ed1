import {
  accountAggregate,
  appProjectAggregate,
  applicationAggregate,
  applicationSetAggregate,
  clusterAggregate,
  repositoryAggregate,
} from '@berth/domain';
import type { DataSource } from 'typeorm';
import { AccountReadModelProjection } from './account-read-model.projection';
import { ApplicationReadModelProjection } from './application-read-model.projection';
import { ApplicationSetReadModelProjection } from './applicationset-read-model.projection';
import { ProjectReadModelProjection } from './project-read-model.projection';
import { CommandHandler, type AggregateRegistration } from './command-handler';
import { PostgresEventStore } from './postgres-event-store';
import { ProjectionRebuilder } from './projection-rebuilder';
import { StreamSnapshotRepository } from './stream-snapshot.repository';

/**
 * Every event-sourced aggregate of Berth whose read models are written from its state (and so can be
 * rebuilt from the log). Repositories and clusters append through the command path too, but their rows
 * also hold what never enters the log (sealed credentials, connection state): they are written beside the
 * event in its transaction and are not rebuilt (docs/architecture.md).
 */
export const BERTH_AGGREGATES: ReadonlyArray<AggregateRegistration<never>> = [
  {
    aggregate: applicationAggregate,
    projections: [new ApplicationReadModelProjection()],
  } as unknown as AggregateRegistration<never>,
  {
    aggregate: appProjectAggregate,
    projections: [new ProjectReadModelProjection()],
  } as unknown as AggregateRegistration<never>,
  {
    aggregate: applicationSetAggregate,
    projections: [new ApplicationSetReadModelProjection()],
  } as unknown as AggregateRegistration<never>,
  { aggregate: repositoryAggregate, projections: [] } as unknown as AggregateRegistration<never>,
  { aggregate: clusterAggregate, projections: [] } as unknown as AggregateRegistration<never>,
  {
    aggregate: accountAggregate,
    projections: [new AccountReadModelProjection()],
  } as unknown as AggregateRegistration<never>,
];

/** The one command path, wired to Berth's aggregates. */
export function createCommandHandler(
  dataSource: DataSource,
  store = new PostgresEventStore(dataSource),
): CommandHandler {
  return new CommandHandler(store, new StreamSnapshotRepository(dataSource), BERTH_AGGREGATES);
}

export function createProjectionRebuilder(dataSource: DataSource): ProjectionRebuilder {
  return new ProjectionRebuilder(dataSource, BERTH_AGGREGATES);
}
