import { DataSource } from 'typeorm';
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
    },
    logging: false,
  });
}

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  return ran.map((m) => m.name);
}
