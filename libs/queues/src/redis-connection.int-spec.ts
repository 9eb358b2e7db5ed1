import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig, type RedisClient } from '@berth/infra';
import {
  startPrivateRedis,
  startPrivateRedisSentinel,
  type PrivateRedis,
  type PrivateRedisSentinel,
} from '@berth/testing';
import { JobQueues } from './job-queues';
import { createFailFastRedis, createRedis, readyWithin, redisEndpoint } from './redis-connection';

/**
 * BERTH_REDIS_SENTINELS: connections ask the Sentinel where the master is, then use it (REDIS_URL gives
 * only the credentials). The master here is a private Redis; REDIS_URL's host has no server, so the only
 * way to it is through the Sentinel.
 */
describe('Redis through Sentinel (real redis-server --sentinel)', () => {
  let master: PrivateRedis;
  let sentinel: PrivateRedisSentinel;
  const connections: RedisClient[] = [];

  beforeAll(async () => {
    master = await startPrivateRedis();
    sentinel = await startPrivateRedisSentinel({ host: '127.0.0.1', port: master.port }, 'berth-test');
  });

  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await sentinel?.destroy();
    await master?.destroy();
  });

  const config = () =>
    loadConfig({
      REDIS_URL: 'redis://127.0.0.1:1',
      BERTH_REDIS_SENTINELS: `127.0.0.1:${sentinel.node.port}`,
      BERTH_REDIS_SENTINEL_MASTER: 'berth-test',
      BERTH_QUEUE_PREFIX: `berth-sentinel-${randomBytes(4).toString('hex')}`,
    });

  it("a worker's and the API's connections reach the master the Sentinel names; messages name the Sentinel", async () => {
    const settings = config();
    const worker = createRedis(settings.redis, 'test-sentinel-worker');
    const api = createFailFastRedis(settings.redis, 'test-sentinel-api');
    connections.push(worker, api);
    expect(await readyWithin(api, 5_000)).toBe(true);
    await worker.set(`${settings.queuePrefix}:k`, 'v');
    expect(await api.get(`${settings.queuePrefix}:k`)).toBe('v');
    expect(await worker.config('GET', 'port')).toEqual(['port', String(master.port)]);
    expect(redisEndpoint(api)).toBe(`master berth-test via sentinels 127.0.0.1:${sentinel.node.port}`);
  });

  it('jobs are queued on the master', async () => {
    const settings = config();
    const api = createFailFastRedis(settings.redis, 'test-sentinel-api');
    connections.push(api);
    const queues = new JobQueues(api, settings.queuePrefix);
    try {
      const operationId = randomUUID();
      await queues.requestSync({ application: 'via-sentinel', operationId });
      const jobs = await queues.sync.getJobs(['waiting']);
      expect(jobs.map((j) => j.data)).toEqual([{ application: 'via-sentinel', operationId }]);
      await queues.sync.obliterate({ force: true });
    } finally {
      await queues.close();
    }
  });
});
