#!/usr/bin/env node
// Creates the database if it is missing, then runs every pending TypeORM migration.
// Needs `npm run build` first (it runs the compiled migrations in dist/).
import { createRequire } from 'node:module';
import pg from 'pg';

const require = createRequire(import.meta.url);
const { createDataSource, runMigrations, loadConfig } = require('../dist/libs/infra/src/index.js');

const config = loadConfig();
const target = new URL(config.databaseUrl);
const dbName = decodeURIComponent(target.pathname.slice(1));
const admin = new URL(config.databaseUrl);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
try {
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
  if (rowCount === 0) {
    await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
    console.log(`created database ${dbName}`);
  }
} catch (error) {
  // No right to create databases (managed Postgres): the database must already exist.
  console.warn(`could not check/create database ${dbName}: ${error.message}`);
} finally {
  await client.end().catch(() => undefined);
}

const dataSource = createDataSource(config.databaseUrl, { applicationName: 'berth-migrate' });
await dataSource.initialize();
const ran = await runMigrations(dataSource);
await dataSource.destroy();
console.log(ran.length ? `applied: ${ran.join(', ')}` : 'database is up to date');
