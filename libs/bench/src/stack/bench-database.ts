import { Client } from 'pg';
import { ADMIN_ACCOUNT, PasswordHasher, resetPassword } from '@berth/auth';
import {
  AccountsRepository,
  createCommandHandler,
  createDataSource,
  runMigrations,
} from '@berth/event-store';

/** The server the bench creates its databases on: local Postgres, trust auth, as the tests use. */
export function adminUrl(): string {
  return process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(name: string): Promise<boolean> {
  return withAdmin(
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );
}

/** Creates (or recreates) a database and runs Berth's migrations on it. */
export async function createMigratedDatabase(name: string, options: { recreate: boolean }): Promise<string> {
  await withAdmin(async (c) => {
    if (options.recreate) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const exists = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    if (!exists) await c.query(`CREATE DATABASE ${name}`);
  });
  const url = databaseUrl(name);
  const ds = createDataSource(url, { poolSize: 1, applicationName: 'berth-bench-migrate' });
  await ds.initialize();
  try {
    await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
  return url;
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A connected client on one database; the caller ends it. */
export async function connect(name: string, applicationName = 'berth-bench'): Promise<Client> {
  const client = new Client({ connectionString: databaseUrl(name), application_name: applicationName });
  await client.connect();
  return client;
}

/**
 * Gives the admin of the database at `url` a new random password (as `npm run admin-password` does: a
 * recorded password change) and returns it: the bench logs in with it like any user. A reused database's
 * earlier password was printed in an earlier run's log only.
 */
export async function resetBenchAdminPassword(url: string): Promise<string> {
  const ds = createDataSource(url, { poolSize: 1, applicationName: 'berth-bench-admin' });
  await ds.initialize();
  try {
    const hasher = new PasswordHasher();
    const password = hasher.generate(24);
    await resetPassword(
      { commands: createCommandHandler(ds), accounts: new AccountsRepository(ds), hasher, nowMs: Date.now },
      ADMIN_ACCOUNT,
      password,
      'system:bench',
    );
    return password;
  } finally {
    await ds.destroy();
  }
}

/** POST /api/v1/session: the admin's session token at the scheduler `baseUrl`. */
export async function benchLogin(baseUrl: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN_ACCOUNT, password }),
  });
  if (!res.ok) throw new Error(`login as admin at ${baseUrl}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}
