import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  applicationAggregate,
  applicationStreamId,
  decideApplication,
  type ApplicationManifest,
} from '@berth/domain';
import { createCommandHandler } from '@berth/event-store';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { freePort } from '@berth/sources/testing/free-port';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { assertBuilt } from '../e2e/built-entrypoints';
import { BerthProcess, getWithin, sendWithin } from './testing/berth-process';
import { eventually, login, provisionTestAdmin, StopWaiting, TEST_ADMIN_PASSWORD } from '@berth/testing';

/**
 * Fault: REDIS_URL points nowhere (Redis down, a wrong host). Redis holds the job queues; the event
 * log in Postgres is the truth. Readiness must say so within 2 s, and an API write must answer 503
 * within a bounded time, recording nothing (so the caller can repeat it as it was). Once Redis is
 * back, the same request goes through and its job is queued. See docs/dependency-failures.md.
 */

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
let scheduler: BerthProcess;
let redisServer: ChildProcess | undefined;
let redisPort: number;
let base: string;
/** The admin's session token (logged in once the scheduler is up). */
let token: string;
const prefix = `berth-redis-down-${randomBytes(4).toString('hex')}`;

async function eventsOf(name: string): Promise<string[]> {
  const rows: Array<{ type: string }> = await db.dataSource.query(
    `SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version`,
    [applicationStreamId(name)],
  );
  return rows.map((r) => r.type);
}

beforeAll(async () => {
  assertBuilt(['dist/apps/scheduler/src/main.js']);
  db = await createTestDatabase('berth_redis_down');
  await provisionTestAdmin(db.dataSource);
  // An app recorded while Redis was up: syncing it needs the queue.
  await createCommandHandler(db.dataSource).handle(
    applicationAggregate,
    applicationStreamId('existing'),
    (state) =>
      decideApplication(
        { type: 'CreateApplication', manifest: JSON.parse(application('existing')) as ApplicationManifest },
        state,
      ),
    { actor: 'test' },
  );
  redisPort = await freePort(); // nobody listens there: Redis is "down"
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  scheduler = BerthProcess.start('dist/apps/scheduler/src/main.js', {
    DATABASE_URL: db.url,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    BERTH_QUEUE_PREFIX: prefix,
    SCHEDULER_PORT: String(port),
    REFRESH_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'warn',
  });
  // Alive at once; past its Postgres check, /readyz names what is missing: Redis.
  await eventually(
    async () => {
      if (!scheduler.running) throw new StopWaiting(`the scheduler exited:\n${scheduler.output()}`);
      expect((await fetch(`${base}/healthz`).catch(() => undefined))?.ok).toBe(true);
      const ready = await fetch(`${base}/readyz`).then((r) => r.json() as Promise<{ error?: object }>);
      expect(Object.keys(ready.error ?? {})).toEqual(['redis']);
    },
    { timeout: 20_000, interval: 100, what: 'the scheduler to answer /healthz, /readyz naming Redis' },
  );
  token = await login(base, 'admin', TEST_ADMIN_PASSWORD);
}, 60_000);

afterAll(async () => {
  scheduler?.kill();
  redisServer?.kill('SIGKILL');
  await db?.drop();
});

describe('fault: Redis unreachable (REDIS_URL points at a closed port)', () => {
  it('the scheduler starts anyway, and /readyz answers 503 within 2 s naming redis and how to fix it', async () => {
    const ready = await getWithin(`${base}/readyz`, 2_000);
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(2_000);
    const body = ready.body as { error: Record<string, { status: string; message: string }> };
    expect(body.error['redis']?.status).toBe('down');
    expect(body.error['redis']?.message).toContain(`127.0.0.1:${redisPort}`);
    expect(body.error['redis']?.message).toContain('REDIS_URL');
    expect(body.error['postgres']).toBeUndefined();
  });

  it('POST /api/v1/applications answers 503 within 5 s, says what to retry, and records nothing', async () => {
    const answer = await sendWithin(
      'POST',
      `${base}/api/v1/applications`,
      application('created-while-down'),
      5_000,
      token,
    );
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(5_000);
    expect(answer.retryAfter).not.toBeNull();
    expect(answer.body).toMatchObject({ error: 'Unavailable', dependency: 'redis' });
    const message = (answer.body as { message: string }).message;
    expect(message).toContain('nothing was recorded');
    expect(message).toContain('retry');
    expect(await eventsOf('created-while-down')).toEqual([]);
    const rows: unknown[] = await db.dataSource.query(
      `SELECT 1 FROM applications WHERE name = 'created-while-down'`,
    );
    expect(rows).toHaveLength(0);
  });

  it('POST .../sync of an existing app answers 503 and records no SyncRequested', async () => {
    const answer = await sendWithin('POST', `${base}/api/v1/applications/existing/sync`, '{}', 5_000, token);
    expect(answer.status).toBe(503);
    expect(await eventsOf('existing')).toEqual(['ApplicationCreated']);
    // Reads need only Postgres.
    expect((await getWithin(`${base}/api/v1/applications/existing`, 2_000, token)).status).toBe(200);
  });

  it('once Redis is reachable again, the scheduler is ready and the same request is recorded and queued', async () => {
    redisServer = spawn(
      'redis-server',
      [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await eventually(async () => expect((await getWithin(`${base}/readyz`, 2_000)).status).toBe(200), {
      timeout: 20_000,
      interval: 100,
      what: '/readyz to answer 200 once Redis is up',
    });
    const answer = await sendWithin(
      'POST',
      `${base}/api/v1/applications`,
      application('created-while-down'),
      5_000,
      token,
    );
    expect(answer.status).toBe(200);
    expect(await eventsOf('created-while-down')).toEqual(['ApplicationCreated']);
    const connection = new Redis(`redis://127.0.0.1:${redisPort}`, { maxRetriesPerRequest: null });
    const refresh = new Queue('refresh', { connection, prefix });
    try {
      const jobs = await refresh.getJobs(['waiting', 'prioritized', 'delayed']);
      expect(jobs.map((j) => (j.data as { application: string }).application)).toContain(
        'created-while-down',
      );
    } finally {
      await refresh.close();
      connection.disconnect();
    }
  }, 60_000);
});
