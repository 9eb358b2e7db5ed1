import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestDatabase,
  testServerUrl,
  type TestDatabase,
} from '@berth/event-store/testing/test-database';
import { freePort } from '@berth/sources/testing/free-port';
import { eventually, StopWaiting } from '@berth/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { Client } from 'pg';
import { assertBuilt } from '../e2e/built-entrypoints';
import { BerthProcess, getWithin } from './testing/berth-process';

/**
 * Fault: a process is started with a setting that cannot work. The README promises one line per
 * problem: every startup failure of every process is exit code 1 within a few seconds, exactly one
 * line on stderr that names what failed, where, and the fix, with no stack trace and no password.
 * Postgres or Redis unreachable at start is not a failure: the process starts, reports not-ready
 * and waits (Postgres: one line per attempt).
 * See docs/dependency-failures.md.
 */

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const EXIT_WITHIN_MS = 10_000;

const PROCESSES = [
  { name: 'scheduler', entry: 'dist/apps/scheduler/src/main.js', portVariable: 'SCHEDULER_PORT' },
  { name: 'worker', entry: 'dist/apps/worker/src/main.js', portVariable: 'WORKER_PORT' },
  { name: 'notifier', entry: 'dist/apps/notifier/src/main.js', portVariable: 'NOTIFIER_PORT' },
] as const;

let db: TestDatabase;
let emptyDatabaseUrl: string;
let emptyDatabase: string;
let closedPort: number;
let busy: Server;
let busyPort: number;
let authRedis: ChildProcess;
let authRedisPort: number;

/** A postgres:// URL to the test server with `changes` applied, always carrying PASSWORD. */
function postgresUrl(changes: { user?: string; port?: number; database?: string }, from = db.url): string {
  const url = new URL(from);
  url.password = PASSWORD;
  if (changes.user) url.username = changes.user;
  if (changes.port) url.port = String(changes.port);
  if (changes.database) url.pathname = `/${changes.database}`;
  return url.toString();
}

function baseEnv(portVariable: string): Record<string, string> {
  return {
    DATABASE_URL: postgresUrl({}),
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    BERTH_QUEUE_PREFIX: `berth-startup-${randomBytes(4).toString('hex')}`,
    [portVariable]: '0',
    LOG_LEVEL: 'warn',
  };
}

/** Starts `entry`, expects exit code 1 within a few seconds and exactly one stderr line; returns the line. */
async function failsWithOneLine(entry: string, env: Record<string, string>): Promise<string> {
  const proc = BerthProcess.start(entry, env);
  const exit = await proc.exitWithin(EXIT_WITHIN_MS);
  const context = `${entry} ${JSON.stringify(exit)}\n${proc.output()}`;
  expect({ context, code: exit.code }).toEqual({ context, code: 1 });
  const lines = proc.stderrLines();
  expect({ context, lines: lines.length }).toEqual({ context, lines: 1 });
  expect(proc.stderr).not.toMatch(/^\s+at /m);
  expect(proc.stderr + proc.stdout).not.toContain(PASSWORD);
  return lines[0]!;
}

beforeAll(async () => {
  assertBuilt([
    ...PROCESSES.map((p) => p.entry),
    'dist/apps/sandbox/src/main.js',
    'dist/libs/infra/src/index.js',
  ]);
  db = await createTestDatabase('berth_startup');
  emptyDatabase = `berth_startup_empty_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: testServerUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${emptyDatabase}`);
  await admin.end();
  emptyDatabaseUrl = postgresUrl({ database: emptyDatabase });
  closedPort = await freePort();
  busy = createServer();
  busyPort = await new Promise<number>((resolve) =>
    busy.listen(0, '0.0.0.0', () => resolve((busy.address() as { port: number }).port)),
  );
  authRedisPort = await freePort();
  authRedis = spawn(
    'redis-server',
    [
      '--port',
      String(authRedisPort),
      '--bind',
      '127.0.0.1',
      '--requirepass',
      'the-right-one',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  await eventually(
    async () => {
      const taken = await new Promise<boolean>((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(true)); // taken: redis-server listens
        probe.listen(authRedisPort, '127.0.0.1', () => probe.close(() => resolve(false)));
      });
      expect(taken).toBe(true);
    },
    { timeout: 10_000, interval: 50, what: 'redis-server with a password to listen' },
  );
}, 60_000);

afterAll(async () => {
  authRedis?.kill('SIGKILL');
  busy?.close();
  const admin = new Client({ connectionString: testServerUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${emptyDatabase} WITH (FORCE)`);
  await admin.end();
  await db?.drop();
});

describe.each(PROCESSES)('startup failure of the $name', ({ name, entry, portVariable }) => {
  it(`database does not exist: one line naming the database and \`npm run migrate\`, exit 1`, async () => {
    const line = await failsWithOneLine(entry, {
      ...baseEnv(portVariable),
      DATABASE_URL: postgresUrl({ database: 'berth_no_such_database' }),
    });
    expect(line).toMatch(new RegExp(`^${name}: `));
    expect(line).toContain('"berth_no_such_database" does not exist');
    expect(line).toContain('npm run migrate');
  }, 20_000);

  it('Postgres unreachable is not fatal: the process stays up, alive and not ready, and logs one line per attempt naming host:port', async () => {
    const port = await freePort();
    const proc = BerthProcess.start(entry, {
      ...baseEnv(portVariable),
      DATABASE_URL: postgresUrl({ port: closedPort }),
      [portVariable]: String(port),
    });
    try {
      // Two attempts (0.5 s apart): it waits, it does not exit (test/faults/postgres-down-at-start covers the rest).
      await eventually(
        () => {
          if (!proc.running) throw new StopWaiting(`exited:\n${proc.output()}`);
          const waiting = (proc.stdout + proc.stderr)
            .split('\n')
            .filter((l) => l.includes(`waiting for Postgres at 127.0.0.1:${closedPort}/`));
          expect(waiting.length).toBeGreaterThanOrEqual(2);
          expect(waiting[0]).toContain('connection refused');
        },
        { timeout: 10_000, interval: 100, what: `${name} to log two waiting lines` },
      );
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const ready = await getWithin(`http://127.0.0.1:${port}/readyz`, 2_000);
      expect(ready.status).toBe(503);
      expect(JSON.stringify(ready.body)).toContain(`127.0.0.1:${closedPort}`);
      expect(proc.stdout + proc.stderr).not.toMatch(/^\s+at /m);
      expect(proc.stdout + proc.stderr).not.toContain(PASSWORD);
    } finally {
      proc.kill();
    }
  }, 20_000);

  it('wrong credentials (a user Postgres does not know): one line naming the user and DATABASE_URL, exit 1', async () => {
    const line = await failsWithOneLine(entry, {
      ...baseEnv(portVariable),
      DATABASE_URL: postgresUrl({ user: 'no_such_berth_user' }),
    });
    expect(line).toContain('"no_such_berth_user"');
    expect(line).toContain('DATABASE_URL');
  }, 20_000);

  it('database exists but was never migrated: one line saying to run `npm run migrate`, exit 1', async () => {
    const line = await failsWithOneLine(entry, { ...baseEnv(portVariable), DATABASE_URL: emptyDatabaseUrl });
    expect(line).toContain(`"${emptyDatabase}"`);
    expect(line).toContain('npm run migrate');
  }, 20_000);

  it('Redis refuses the password in REDIS_URL: one line naming REDIS_URL, exit 1 (retrying cannot fix it)', async () => {
    const line = await failsWithOneLine(entry, {
      ...baseEnv(portVariable),
      REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${authRedisPort}`,
    });
    expect(line).toContain(`127.0.0.1:${authRedisPort}`);
    expect(line).toContain('REDIS_URL');
  }, 20_000);

  it(`port in use: one line naming the port and ${portVariable}, exit 1`, async () => {
    const line = await failsWithOneLine(entry, {
      ...baseEnv(portVariable),
      [portVariable]: String(busyPort),
    });
    expect(line).toContain(`port ${busyPort} is already in use`);
    expect(line).toContain(portVariable);
  }, 20_000);

  it('bad config: one line per problem, no stack trace, exit 1', async () => {
    const proc = BerthProcess.start(entry, {
      ...baseEnv(portVariable),
      DATABASE_URL: `mysql://root:${PASSWORD}@127.0.0.1/berth`,
      WORKER_CONCURRENCY: 'lots',
    });
    const exit = await proc.exitWithin(EXIT_WITHIN_MS);
    expect(exit.code).toBe(1);
    const lines = proc.stderrLines();
    expect(lines[0]).toBe('invalid configuration:');
    expect(lines.slice(1)).toEqual([
      expect.stringContaining('DATABASE_URL'),
      expect.stringContaining('WORKER_CONCURRENCY'),
    ]);
    expect(proc.stderr).not.toMatch(/^\s+at /m);
    expect(proc.stderr).not.toContain(PASSWORD);
  }, 20_000);

  it('Redis unreachable at start is not fatal: the process starts and /readyz answers 503 naming redis within 2 s', async () => {
    const port = await freePort();
    const proc = BerthProcess.start(entry, {
      ...baseEnv(portVariable),
      REDIS_URL: `redis://127.0.0.1:${closedPort}`,
      [portVariable]: String(port),
    });
    try {
      await eventually(
        async () => {
          if (!proc.running) throw new StopWaiting(`exited:\n${proc.output()}`);
          expect((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok).toBe(true);
        },
        { timeout: 15_000, interval: 100, what: `${name} to answer /healthz` },
      );
      // Not ready from the first answer on; once started, /readyz names Redis (each answer within 2 s).
      await eventually(
        async () => {
          if (!proc.running) throw new StopWaiting(`exited:\n${proc.output()}`);
          const ready = await getWithin(`http://127.0.0.1:${port}/readyz`, 2_000);
          expect(ready.status).toBe(503);
          expect((ready.body as { error: Record<string, { status: string }> }).error['redis']?.status).toBe(
            'down',
          );
        },
        { timeout: 10_000, interval: 100, what: `${name}'s /readyz to name Redis` },
      );
    } finally {
      proc.kill();
    }
  }, 30_000);
});

describe('startup failure of the sandbox cluster and the migrate script', () => {
  it('sandbox, port in use: one line naming the port and SANDBOX_PORT, exit 1', async () => {
    const line = await failsWithOneLine('dist/apps/sandbox/src/main.js', {
      SANDBOX_PORT: String(busyPort),
      SANDBOX_STATE: '',
    });
    expect(line).toMatch(/^sandbox: /);
    expect(line).toContain(`port ${busyPort} is already in use`);
    expect(line).toContain('SANDBOX_PORT');
  }, 20_000);

  it('migrate, Postgres unreachable: one line naming host:port and DATABASE_URL, exit 1', async () => {
    const line = await failsWithOneLine('scripts/migrate.mjs', {
      DATABASE_URL: postgresUrl({ port: closedPort }),
    });
    expect(line).toMatch(/^migrate: /);
    expect(line).toContain(`127.0.0.1:${closedPort} is unreachable`);
  }, 20_000);

  it('migrate, wrong credentials: one line naming the user and DATABASE_URL, exit 1', async () => {
    const line = await failsWithOneLine('scripts/migrate.mjs', {
      DATABASE_URL: postgresUrl({ user: 'no_such_berth_user' }),
    });
    expect(line).toMatch(/^migrate: /);
    expect(line).toContain('"no_such_berth_user"');
  }, 20_000);
});
