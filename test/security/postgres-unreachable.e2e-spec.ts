import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applicationStreamId } from '@berth/domain';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { freePort } from '@berth/sources/testing/free-port';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { assertBuilt } from '../e2e/built-entrypoints';
import { BerthProcess, getWithin, sendWithin } from './testing/berth-process';
import { eventually, login, provisionTestAdmin, StopWaiting, TEST_ADMIN_PASSWORD } from '@berth/testing';
import { TcpProxy } from './testing/tcp-proxy';

/**
 * Fault: Postgres goes away under a running scheduler, either down (connections reset, new ones
 * refused) or silent (a host that stopped answering). Readiness must name it within 2 s; an API
 * write must answer 503 within a bounded time and record nothing, and nothing is queued for it.
 * The scheduler reaches Postgres through a TCP hop the test controls (the real Postgres behind it).
 */

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** Trust auth accepts any password: it is here to prove no answer or log line carries it. */
const PASSWORD = `pg-pw-${randomBytes(6).toString('hex')}`;

const application = (name: string) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/team/apps.git', targetRevision: 'main', path: name },
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
    },
  });

let db: TestDatabase;
let proxy: TcpProxy;
let scheduler: BerthProcess;
let base: string;
/** The admin's session token (logged in once the scheduler is up). */
let token: string;
const prefix = `berth-pg-down-${randomBytes(4).toString('hex')}`;

async function eventsOf(name: string): Promise<string[]> {
  const rows: Array<{ type: string }> = await db.dataSource.query(
    `SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version`,
    [applicationStreamId(name)],
  );
  return rows.map((r) => r.type);
}

async function queuedRefreshes(): Promise<string[]> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const refresh = new Queue('refresh', { connection, prefix });
  try {
    const jobs = await refresh.getJobs(['waiting', 'prioritized', 'delayed']);
    return jobs.map((j) => (j.data as { application: string }).application);
  } finally {
    await refresh.close();
    connection.disconnect();
  }
}

beforeAll(async () => {
  assertBuilt(['dist/apps/scheduler/src/main.js']);
  db = await createTestDatabase('berth_pg_down');
  await provisionTestAdmin(db.dataSource);
  const direct = new URL(db.url);
  proxy = await TcpProxy.start(Number(direct.port || 5432));
  const viaProxy = new URL(db.url);
  viaProxy.port = String(proxy.port);
  viaProxy.password = PASSWORD;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  scheduler = BerthProcess.start('dist/apps/scheduler/src/main.js', {
    DATABASE_URL: viaProxy.toString(),
    REDIS_URL,
    BERTH_QUEUE_PREFIX: prefix,
    SCHEDULER_PORT: String(port),
    REFRESH_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'warn',
  });
  await eventually(
    async () => {
      if (!scheduler.running) throw new StopWaiting(`the scheduler exited:\n${scheduler.output()}`);
      expect((await fetch(`${base}/readyz`).catch(() => undefined))?.status).toBe(200);
    },
    { timeout: 20_000, interval: 100, what: 'the scheduler to be ready' },
  );
  token = await login(base, 'admin', TEST_ADMIN_PASSWORD);
}, 60_000);

afterAll(async () => {
  scheduler?.kill();
  await proxy?.close();
  if (prefix) {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
  await db?.drop();
});

describe('fault: Postgres unreachable under a running scheduler', () => {
  it('Postgres down: /readyz answers 503 within 2 s naming postgres and DATABASE_URL, without the password', async () => {
    await proxy.refuse();
    const ready = await getWithin(`${base}/readyz`, 2_000);
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(2_000);
    const body = ready.body as { error: Record<string, { status: string; message: string }> };
    expect(body.error['postgres']?.status).toBe('down');
    expect(body.error['postgres']?.message).toContain('DATABASE_URL');
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
  });

  it('Postgres down: POST /api/v1/applications answers 503 within 6 s naming postgres, records nothing and queues nothing', async () => {
    const answer = await sendWithin(
      'POST',
      `${base}/api/v1/applications`,
      application('during-outage'),
      6_000,
      token,
    );
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).not.toBeNull();
    expect(answer.body).toMatchObject({ error: 'Unavailable', dependency: 'postgres' });
    expect((answer.body as { message: string }).message).toContain('not recorded');
    expect(JSON.stringify(answer.body)).not.toContain(PASSWORD);
    expect(await eventsOf('during-outage')).toEqual([]);
    expect(await queuedRefreshes()).not.toContain('during-outage');
  });

  it('Postgres stops answering (a host that drops packets): /readyz still answers within 2 s, a write answers 503 within 7 s, and once Postgres is back the same request is recorded and queued', async () => {
    await proxy.blackhole();
    const ready = await getWithin(`${base}/readyz`, 2_000);
    expect(ready.status).toBe(503);
    expect((ready.body as { error: Record<string, unknown> }).error).toHaveProperty('postgres');
    const answer = await sendWithin(
      'POST',
      `${base}/api/v1/applications`,
      application('during-outage'),
      7_000,
      token,
    );
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'Unavailable', dependency: 'postgres' });
    expect(await eventsOf('during-outage')).toEqual([]);

    // Postgres answers again: ready again, and the same request goes through.
    await proxy.forward();
    await eventually(async () => expect((await getWithin(`${base}/readyz`, 2_000)).status).toBe(200), {
      timeout: 20_000,
      interval: 100,
      what: '/readyz to answer 200 once Postgres is back',
    });
    const retried = await sendWithin(
      'POST',
      `${base}/api/v1/applications`,
      application('during-outage'),
      5_000,
      token,
    );
    expect(retried.status).toBe(200);
    expect(await eventsOf('during-outage')).toEqual(['ApplicationCreated']);
    expect(await queuedRefreshes()).toContain('during-outage');
    expect(scheduler.stdout + scheduler.stderr).not.toContain(PASSWORD);
  }, 45_000);
});
