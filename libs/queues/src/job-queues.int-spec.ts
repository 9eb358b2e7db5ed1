import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppJobWorker } from './app-job-worker';
import { AppLock } from './app-lock';
import { JobQueues } from './job-queues';
import { createRedis } from './redis-connection';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('JobQueues and AppJobWorker (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let queues: JobQueues;

  beforeAll(() => {
    redis = createRedis(redisUrl, 'test');
    prefix = `berth-test-${randomBytes(4).toString('hex')}`;
    queues = new JobQueues(redis, prefix);
  });
  afterAll(async () => {
    await queues.refresh.obliterate({ force: true });
    await queues.sync.obliterate({ force: true });
    await queues.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('remembers when a repository was last marked changed, per repoURL as the app spells it', async () => {
    const a = 'https://git.example.com/team/a.git';
    const b = 'https://git.example.com/team/b.git';
    expect(await queues.reposChangedAt([a, b])).toBe(0);
    await queues.markReposChanged([a], 1_000);
    await queues.markReposChanged([b], 2_000);
    expect(await queues.reposChangedAt([a])).toBe(1_000);
    expect(await queues.reposChangedAt([a, b])).toBe(2_000);
    expect(await queues.reposChangedAt([])).toBe(0);
  });

  it('collapses refresh requests for one app while one waits', async () => {
    await queues.refresh.pause();
    for (let i = 0; i < 5; i++)
      await queues.requestRefresh({ application: 'api-prod', hard: false, reason: 'webhook' });
    await queues.requestRefresh({ application: 'api-dev', hard: false, reason: 'webhook' });
    expect(await queues.refresh.getWaitingCount()).toBe(2);
    await queues.refresh.resume();
  });

  it('while a refresh runs, a user request is queued after it but a periodic one is dropped', async () => {
    await queues.refresh.obliterate({ force: true });
    const lock = new AppLock(redis, prefix, 5000);
    const connection = createRedis(redisUrl);
    const ran: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const worker = new AppJobWorker(
      'refresh',
      async (data) => {
        ran.push(data.reason);
        if (data.reason === 'first') await gate;
      },
      { connection, prefix, concurrency: 1, lock },
    );
    await queues.requestRefresh({ application: 'busy', hard: false, reason: 'first' });
    const deadline = Date.now() + 5000;
    while (ran.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await queues.requestRefresh({ application: 'busy', hard: false, reason: 'periodic' }, 0, 'skip');
    await queues.requestRefresh({ application: 'busy', hard: false, reason: 'webhook' });
    await queues.requestRefresh({ application: 'busy', hard: false, reason: 'periodic' }, 0, 'skip');
    release();
    while (ran.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    await worker.close();
    connection.disconnect();
    expect(ran).toEqual(['first', 'webhook']);
  });

  it('refreshes somebody waits for run before background ones queued earlier', async () => {
    await queues.refresh.obliterate({ force: true });
    await queues.refresh.pause();
    for (let i = 0; i < 5; i++)
      await queues.requestRefresh({ application: `new-${i}`, hard: false, reason: 'spec-changed' });
    await queues.requestRefresh({ application: 'synced-app', hard: false, reason: 'sync-finished' });
    const lock = new AppLock(redis, prefix, 5000);
    const connection = createRedis(redisUrl);
    const order: string[] = [];
    const worker = new AppJobWorker('refresh', async (data) => void order.push(data.application), {
      connection,
      prefix,
      concurrency: 1,
      lock,
    });
    await queues.refresh.resume();
    const deadline = Date.now() + 5000;
    while (order.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await worker.close();
    connection.disconnect();
    expect(order[0]).toBe('synced-app');
    expect(order).toHaveLength(6);
  });

  it('the same sync operation enqueued twice is one job', async () => {
    await queues.sync.pause();
    await queues.requestSync({ application: 'api-prod', operationId: 'op-1' });
    await queues.requestSync({ application: 'api-prod', operationId: 'op-1' });
    expect(await queues.sync.getWaitingCount()).toBe(1);
    await queues.sync.obliterate({ force: true });
  });

  it('never runs two jobs of one app at once across workers, and runs every request', async () => {
    await queues.refresh.obliterate({ force: true });
    const lock = new AppLock(redis, prefix, 5000);
    let running = 0;
    let maxRunning = 0;
    const done: string[] = [];
    const handler = async (data: { application: string }) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      done.push(data.application);
    };
    const connections = [createRedis(redisUrl), createRedis(redisUrl)];
    const workers = connections.map(
      (connection) =>
        new AppJobWorker('sync', handler, { connection, prefix, concurrency: 4, lock, busyRetryMs: 20 }),
    );
    // Six distinct operations of one app: they may be picked up in parallel by 8 slots, but must run one by one.
    for (let i = 0; i < 6; i++) await queues.requestSync({ application: 'one-app', operationId: `op-${i}` });
    const deadline = Date.now() + 10_000;
    while (done.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(workers.map((w) => w.close()));
    connections.forEach((c) => c.disconnect());
    expect(done).toHaveLength(6);
    expect(maxRunning).toBe(1);
  });
});
