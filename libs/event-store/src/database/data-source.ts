import type { ClientBase } from 'pg';
import { DataSource } from 'typeorm';
import { createProjectionRebuilder } from '../berth-aggregates';
import { MIGRATIONS } from './migrations';

/** A TypeORM DataSource for Berth's database. Raw SQL throughout: the event log is not an ORM shape. */
export function createDataSource(
  databaseUrl: string,
  options: { poolSize?: number; applicationName?: string } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'berth',
      // A Postgres that does not answer fails a new connection after 5 s instead of never: API writes
      // answer 503 in bounded time, and a start names the problem instead of hanging.
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      // pg-pool listens for a client's 'error' only while it is idle; one checked out between two
      // statements of a transaction that Postgres ends (57P01 on a restart) would emit an 'error' nobody
      // hears, an uncaught exception. The statement in flight, or the next one, fails with the reason.
      onConnect: (client: ClientBase) => {
        client.on('error', () => undefined);
      },
    },
    logging: false,
  });
}

/**
 * Runs the pending migrations, then rebuilds from the event log every read model whose code has a newer
 * version than the tables hold (`projection_versions`). Returns what it did, for the migrate script.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  const rebuilder = createProjectionRebuilder(dataSource);
  const stale = await rebuilder.stale();
  if (stale.length > 0) await rebuilder.rebuild({ check: false, only: stale });
  return [...ran.map((m) => m.name), ...stale.map((name) => `rebuilt read model ${name}`)];
}
