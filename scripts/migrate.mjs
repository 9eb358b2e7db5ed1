#!/usr/bin/env node
// Creates the database if it is missing, then runs every pending TypeORM migration.
// Needs `npm run build` first (it runs the compiled migrations in dist/).
// A failure is one line on stderr (what, where, how to fix; never the password) and exit code 1.
import { createRequire } from 'node:module';
import pg from 'pg';

const require = createRequire(import.meta.url);
const { createDataSource, runMigrations } = require('../dist/libs/event-store/src/index.js');
const { endpointOf } = require('../dist/libs/infra/src/index.js');
const {
  loadConfigOrExit,
  exitWithStartupFailure,
  StartupError,
} = require('../dist/libs/runtime/src/index.js');

const config = loadConfigOrExit();
const target = new URL(config.databaseUrl);
const dbName = decodeURIComponent(target.pathname.slice(1));

/** Creates the database when it is missing; undefined when done or not needed, else why it could not. */
async function createIfMissing() {
  const admin = new URL(config.databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
      console.log(`created database ${dbName}`);
    }
    return undefined;
  } catch (error) {
    // No right to create databases, or no access to the `postgres` database (managed Postgres): the
    // database must already exist. Said only if connecting to it fails too.
    return error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

try {
  const notCreated = await createIfMissing();
  const dataSource = createDataSource(config.databaseUrl, { applicationName: 'berth-migrate' });
  try {
    await dataSource.initialize();
  } catch (error) {
    if (error?.code === '3D000' && notCreated) {
      throw new StartupError(
        `database "${dbName}" does not exist on Postgres at ${endpointOf(config.databaseUrl).split('/')[0]} and could not be created (${notCreated.message}): create it as a user with CREATEDB, or fix DATABASE_URL`,
      );
    }
    throw error;
  }
  const ran = await runMigrations(dataSource);
  await dataSource.destroy();
  console.log(ran.length ? `applied: ${ran.join(', ')}` : 'database is up to date');
} catch (error) {
  exitWithStartupFailure('migrate', error, config);
}
