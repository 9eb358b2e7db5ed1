import { applicationAggregate } from '@berth/domain';
import type { DataSource } from 'typeorm';
import { ApplicationReadModelProjection } from './application-read-model.projection';
import { CommandHandler, type AggregateRegistration } from './command-handler';
import { PostgresEventStore } from './postgres-event-store';
import { ProjectionRebuilder } from './projection-rebuilder';
import { StreamSnapshotRepository } from './stream-snapshot.repository';

/** Every event-sourced aggregate of Berth and the read models written from its state. */
export const BERTH_AGGREGATES: ReadonlyArray<AggregateRegistration<never>> = [
  {
    aggregate: applicationAggregate,
    projections: [new ApplicationReadModelProjection()],
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
