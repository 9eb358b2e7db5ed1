import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@berth/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { RefreshJob } from '@berth/queues';
import { sendWithin } from '../security/testing/berth-process';
import { type BerthKind, FaultStack, type RunningBerth, unreachableRepoApp } from './testing/fault-stack';

/**
 * Fault: Redis stops under running processes, then comes back empty (a restart without
 * persistence). Readiness must name Redis within 2 s on every process (never waiting in a queue's
 * offline buffer); API writes answer 503 within 5 s; reads served from Postgres keep working; no
 * connection prints `[ioredis] Unhandled error event`; once Redis is back, every process is ready
 * again and periodic refresh resumes by itself (its timer lives in Redis). docs/dependency-failures.md
 */

const KINDS: BerthKind[] = ['scheduler', 'worker', 'notifier'];
const periodic = { REFRESH_INTERVAL_SECONDS: '2', REFRESH_JITTER_SECONDS: '0' };

let stack: FaultStack;
const processes = new Map<BerthKind, RunningBerth>();

async function periodicRefreshesOf(application: string): Promise<number[]> {
  const connection = new Redis(stack.redis.url(), { maxRetriesPerRequest: null });
  const refresh = new Queue<RefreshJob>('refresh', { connection, prefix: stack.prefix });
  try {
    const jobs = await refresh.getJobs(['completed']);
    return jobs
      .filter((j) => j.data.reason === 'periodic' && j.data.application === application)
      .map((j) => j.processedOn ?? 0);
  } finally {
    await refresh.close();
    connection.disconnect();
  }
}

beforeAll(async () => {
  stack = await FaultStack.start('redis_down');
  for (const kind of KINDS) processes.set(kind, await stack.startProcess(kind, periodic));
  await Promise.all([...processes.values()].map((p) => p.awaitReady()));
  const created = await sendWithin(
    'POST',
    `${processes.get('scheduler')!.url}/api/v1/applications`,
    unreachableRepoApp('kept'),
    5_000,
    await processes.get('scheduler')!.token(),
  );
  expect(created.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('fault: Redis stopped under running processes, then restarted empty', () => {
  it('every /readyz answers 503 within 2 s naming Redis (and only Redis)', async () => {
    await stack.redis.stop();
    for (const proc of processes.values()) {
      const ready = await proc.readyz();
      expect({ kind: proc.kind, status: ready.status, down: Object.keys(ready.down) }).toEqual({
        kind: proc.kind,
        status: 503,
        down: ['redis'],
      });
      expect(ready.ms).toBeLessThan(2_000);
      expect(ready.down['redis']).toContain(`127.0.0.1:${stack.redis.port}`);
    }
  });

  it('a refresh request answers 503 within 5 s naming Redis; reads from Postgres keep working', async () => {
    const base = processes.get('scheduler')!.url;
    const answer = await sendWithin(
      'POST',
      `${base}/api/v1/applications/kept/refresh`,
      '{}',
      5_000,
      await processes.get('scheduler')!.token(),
    );
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(5_000);
    expect(answer.body).toMatchObject({ error: 'Unavailable', dependency: 'redis' });
    const auth = { Authorization: `Bearer ${await processes.get('scheduler')!.token()}` };
    const read = await fetch(`${base}/api/v1/applications/kept`, {
      headers: auth,
      signal: AbortSignal.timeout(2_000),
    });
    expect(read.status).toBe(200);
    const list = await fetch(`${base}/api/v1/applications`, {
      headers: auth,
      signal: AbortSignal.timeout(2_000),
    });
    expect(list.status).toBe(200);
  });

  it('Redis back (empty): every process is ready again, and periodic refresh resumes by itself', async () => {
    await stack.redis.start();
    const back = Date.now();
    const ms = await Promise.all([...processes.values()].map((p) => p.awaitReady(20_000)));
    await eventually(
      async () =>
        expect((await periodicRefreshesOf('kept')).filter((t) => t > back).length).toBeGreaterThan(0),
      { timeout: 40_000, interval: 250, what: 'a periodic refresh of kept after Redis came back' },
    );
    console.log(
      `Redis stopped then started empty: ready again after ${ms.join(' / ')} ms (scheduler / worker / notifier); first periodic refresh ${Date.now() - back} ms after Redis was back`,
    );
    const answer = await sendWithin(
      'POST',
      `${processes.get('scheduler')!.url}/api/v1/applications/kept/refresh`,
      '{}',
      5_000,
      await processes.get('scheduler')!.token(),
    );
    expect(answer.status).toBeLessThan(300);
    stack.expectNoProcessDiedOrBugged();
  }, 60_000);
});
