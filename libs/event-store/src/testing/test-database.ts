import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../database/data-source';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** The server tests create their databases on. CI and this machine: local Postgres, trust auth. */
export function testServerUrl(): string {
  return process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/**
 * A fresh, migrated database of its own for one test file: tests never see each other's rows.
 * `serverUrl`: another server's `postgres` database (a private Postgres of @berth/testing).
 */
export async function createTestDatabase(
  prefix = 'berth_test',
  serverUrl = testServerUrl(),
): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dataSource = createDataSource(url.toString(), { poolSize: 20, applicationName: 'berth-test' });
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    url: url.toString(),
    dataSource,
    async drop() {
      await dataSource.destroy();
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
