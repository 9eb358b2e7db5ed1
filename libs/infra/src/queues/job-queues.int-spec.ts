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

  it('collapses refresh requests for one app while one waits', async () => {
    await queues.refresh.pause();
    for (let i = 0; i < 5; i++)
      await queues.requestRefresh({ application: 'api-prod', hard: false, reason: 'webhook' });
    await queues.requestRefresh({ application: 'api-dev', hard: false, reason: 'webhook' });
    expect(await queues.refresh.getWaitingCount()).toBe(2);
    await queues.refresh.resume();
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
