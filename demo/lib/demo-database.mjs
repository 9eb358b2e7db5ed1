// The demo's own database: dropped and created fresh each run, migrated with `npm run migrate`'s
// script, and kept afterwards so the user can query the event log and the audit log.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { DemoError } from './demo-error.mjs';

const run = promisify(execFile);

/** `postgres://…/postgres` -> `postgres://…/<name>` */
export function databaseUrlFor(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function recreateDatabase(adminUrl, name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new DemoError('Prerequisite', `database name "${name}" must be lower-case letters, digits and _`);
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // WITH (FORCE) ends sessions a previous run (or a psql the user left open) still holds.
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

export async function migrate(cwd, databaseUrl) {
  try {
    const { stdout } = await run(process.execPath, ['scripts/migrate.mjs'], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      timeout: 60_000,
    });
    return stdout.trim();
  } catch (error) {
    throw new DemoError(
      'Prerequisite',
      `migrating the demo database failed:\n${error.stderr || error.message}`,
    );
  }
}
