import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import request from 'supertest';
import { loadConfig, type BerthConfig } from '@berth/infra';
import { InClusterResolver } from '@berth/kube';
import { createRedis, JobQueues } from '@berth/queues';
import { eventually, startPrivateRedisCluster, type PrivateRedisCluster } from '@berth/testing';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app';
import type { WorkerContext } from '../../apps/worker/src/worker.context';
import { guestbook, under, WorkerHarness } from './worker-harness';

/**
 * Berth on a real 3-node Redis Cluster (BERTH_REDIS_CLUSTER_NODES): the worker process built from the
 * config, as `npm run start:worker` builds it, runs a refresh job whose automated sync goes through the
 * sync queue, both on the cluster. The default prefix `{berth}` (here a unique `{...}` one) keeps each
 * queue's keys in one slot; without the hash tag BullMQ's scripts are refused (CROSSSLOT).
 */
describe('Redis Cluster: queues, leases and caches on a 3-node cluster', () => {
  let cluster: PrivateRedisCluster;
  let config: BerthConfig;
  let h: WorkerHarness;
  let app: INestApplication<Server>;
  let ctx: WorkerContext;
  let dataDir: string;

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster(3);
    dataDir = await mkdtemp(join(tmpdir(), 'berth-redis-cluster-'));
    const clusterEnv = {
      // Only credentials and TLS are read from REDIS_URL with a cluster: this port has no server.
      REDIS_URL: 'redis://127.0.0.1:1',
      BERTH_REDIS_CLUSTER_NODES: cluster.nodeList(),
      BERTH_QUEUE_PREFIX: `{berth-cluster-${randomBytes(4).toString('hex')}}`,
    };
    const seed = loadConfig(clusterEnv);
    h = await WorkerHarness.start({ redis: seed.redis, prefix: seed.queuePrefix });
    config = loadConfig({
      ...clusterEnv,
      DATABASE_URL: h.db.url,
      BERTH_DATA_DIR: dataDir,
      BERTH_ALLOW_FILE_REPOS: 'true',
      LOG_LEVEL: 'error',
    });
    ({ app, ctx } = await createWorkerApp(config, { clusters: new InClusterResolver(h.cluster) }));
    await app.init();
    ctx.runtime.start();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    await h?.stop();
    await cluster?.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('the config opens cluster connections, with a hash-tagged prefix', () => {
    expect(config.redis.topology).toEqual({ mode: 'cluster', nodes: cluster.nodes });
    expect(ctx.redis).toBeInstanceOf(Cluster);
    expect(h.redis).toBeInstanceOf(Cluster);
  });

  it('/readyz answers 200: the readiness probe reaches the cluster too', async () => {
    const ready = await request(app.getHttpServer()).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ info: { redis: { status: 'up' } } });
  });

  it('a refresh job finds the app OutOfSync; its automated sync runs as a sync job; the app is Synced', async () => {
    await h.repo.commit(under('clustered', guestbook()));
    await h.createApp('clustered', 'clustered', { automated: {} });
    await h.deps.queues.requestRefresh({ application: 'clustered', hard: false, reason: 'test' });
    await eventually(async () => expect(await h.view('clustered')).toMatchObject({ sync_status: 'Synced' }), {
      timeout: 30_000,
      interval: 100,
      what: 'clustered to be Synced through the cluster-backed queues',
    });
    const deployment = await h.cluster.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'clustered',
      name: 'guestbook-ui',
    });
    expect(deployment?.metadata.name).toBe('guestbook-ui');
    // Both queues were used: the refresh that was asked for, the sync it started.
    expect(await h.deps.queues.refresh.getJobCountByTypes('completed')).toBeGreaterThanOrEqual(1);
    expect(await h.deps.queues.sync.getJobCountByTypes('completed')).toBe(1);
    const timeline = await h.timeline('clustered');
    expect(timeline).toEqual(expect.arrayContaining(['SyncRequested', 'SyncStatusChanged:Synced']));
  }, 40_000);

  it("every key Berth wrote is in the prefix's one slot (on one node)", async () => {
    const slot = await h.redis.cluster('KEYSLOT', config.queuePrefix);
    const owners: string[] = [];
    for (const node of cluster.nodes) {
      const single = createRedis(`redis://${node.host}:${node.port}`, 'berth-test-node');
      try {
        const keys = await single.keys('*');
        if (keys.length > 0) owners.push(`${node.port}`);
        for (const key of keys) expect(key.startsWith(config.queuePrefix)).toBe(true);
        expect(await Promise.all(keys.map((k) => single.cluster('KEYSLOT', k)))).toEqual(
          keys.map(() => slot),
        );
      } finally {
        single.disconnect();
      }
    }
    expect(owners).toHaveLength(1);
  });

  it('without a hash tag the same queue is refused by the cluster (CROSSSLOT): why the prefix carries one', async () => {
    const untagged = new JobQueues(h.redis, `berth-untagged-${randomBytes(4).toString('hex')}`);
    try {
      await expect(
        untagged.requestSync({ application: 'clustered', operationId: randomUUID() }),
      ).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await untagged.close();
    }
  });
});
