import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRedis } from '@berth/queues';
import { eventually } from '@berth/testing';
import { ArgoCdMetrics, type RedisClient } from '@berth/infra';
import { Registry } from 'prom-client';
import { LiveStateCaches } from '../../apps/worker/src/live-state.caches';
import { WorkerRuntime } from '../../apps/worker/src/worker-runtime';
import { guestbook, REDIS_URL, under, WorkerHarness } from './worker-harness';

// Real Git, sandbox API server (watches), Postgres and Redis; the worker's queue consumers run, as in
// production, with the live-state cache: nobody refreshes by hand after the first deploy.
let h: WorkerHarness;
let runtime: WorkerRuntime;
let liveState: LiveStateCaches;
/** The first worker's own Redis connection: cutting it is how the test kills that worker's lease. */
let redisOfFirst: RedisClient;
let redisOfSecond: RedisClient | undefined;
/** The first worker's Argo CD metrics (argocd_cluster_*), in a registry of their own. */
const metricsRegistry = new Registry();

const deployment = (namespace: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace,
  name: 'guestbook-ui',
});

beforeAll(async () => {
  h = await WorkerHarness.start({ sandbox: { recordRequests: true } });
  redisOfFirst = createRedis(REDIS_URL, 'berth-live-state-test');
  liveState = new LiveStateCaches({
    redis: redisOfFirst,
    prefix: h.prefix,
    queues: h.deps.queues,
    debounceMs: 300,
    leaseTtlMs: 1500,
    metrics: new ArgoCdMetrics([metricsRegistry]),
  });
  h.deps.liveState = liveState;
  // Progressing apps are not compared again on a timer here: only live changes may bring news.
  h.deps.timings = { ...h.deps.timings, progressingRecheckMs: 0 };
  runtime = new WorkerRuntime(h.deps, { redisUrl: REDIS_URL, prefix: h.prefix, concurrency: 2 });
  runtime.start();
  await h.repo.commit({
    ...under('drift', guestbook()),
    ...under('heal', guestbook()),
    ...under('orphans', guestbook()),
  });
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await h?.deps.liveState?.stop();
  redisOfFirst?.disconnect();
  redisOfSecond?.disconnect();
  await h?.stop();
});

async function deployed(name: string, syncPolicy: Record<string, unknown>): Promise<void> {
  await h.createApp(name, name, syncPolicy);
  await h.deps.queues.requestRefresh({ application: name, hard: false, reason: 'user' });
  await eventually(
    async () => {
      expect(await h.view(name)).toMatchObject({ sync_status: 'Synced', health_status: 'Healthy' });
    },
    { timeout: 30_000, interval: 100, what: `${name} deployed, Synced and Healthy` },
  );
  await liveState.caches()[0]!.waitForSync();
}

async function syncStatusWithin(name: string, status: string, ms: number): Promise<number> {
  const start = Date.now();
  await eventually(
    async () => {
      expect((await h.view(name)).sync_status).toBe(status);
    },
    { timeout: ms, interval: 50, what: `${name} ${status} within ${ms} ms` },
  );
  return Date.now() - start;
}

describe('live state: a watch-fed cache, drift seen in seconds', () => {
  it('a scaled Deployment is OutOfSync within seconds, Synced again when scaled back, a deleted ConfigMap OutOfSync', async () => {
    await deployed('drift', { automated: {} });
    // Argo CD's status.resources: every managed resource, Synced ones too, with health.
    const [row] = await h.db.dataSource.query<Array<{ status: { resources: unknown[] } }>>(
      `SELECT status FROM applications WHERE name = 'drift'`,
    );
    expect(row!.status.resources).toEqual([
      {
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'drift',
        name: 'guestbook-config',
        status: 'Synced',
        health: { status: 'Healthy' },
      },
      {
        group: '',
        version: 'v1',
        kind: 'Service',
        namespace: 'drift',
        name: 'guestbook-ui',
        status: 'Synced',
        health: { status: 'Healthy' },
      },
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'drift',
        name: 'guestbook-ui',
        status: 'Synced',
        health: { status: 'Healthy' },
      },
    ]);
    await h.cluster.mergePatch(deployment('drift'), { spec: { replicas: 3 } });
    const seen = await syncStatusWithin('drift', 'OutOfSync', 5000);
    await h.cluster.mergePatch(deployment('drift'), { spec: { replicas: 1 } });
    await syncStatusWithin('drift', 'Synced', 5000);
    await h.cluster.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'drift',
      name: 'guestbook-config',
    });
    await syncStatusWithin('drift', 'OutOfSync', 5000);
    // Auto-sync without selfHeal does not revert drift on the synced revision (Argo CD).
    expect(
      await h.cluster.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'drift',
        name: 'guestbook-config',
      }),
    ).toBeUndefined();
    expect(seen).toBeLessThan(5000);
  });

  it('with selfHeal, a scaled Deployment is reverted within seconds, without waiting for the periodic refresh', async () => {
    await deployed('heal', { automated: { selfHeal: true } });
    await h.cluster.mergePatch(deployment('heal'), { spec: { replicas: 4 } });
    const start = Date.now();
    await eventually(
      async () => {
        const live = await h.cluster.get(deployment('heal'));
        expect((live?.['spec'] as { replicas: number }).replicas).toBe(1);
      },
      { timeout: 10_000, interval: 50, what: 'the Deployment scaled back by self-heal' },
    );
    expect(Date.now() - start).toBeLessThan(10_000);
    const requests = (await h.events('heal')).filter((e) => e.type === 'SyncRequested');
    expect(requests.pop()?.data).toMatchObject({ trigger: 'self-heal' });
    await syncStatusWithin('heal', 'Synced', 5000);
  });

  it("Argo CD's cluster cache metrics: objects and API resources per server, watch events by kind", async () => {
    liveState.recordGauges();
    const metric = async (name: string) =>
      (await metricsRegistry.getSingleMetric(name)!.get()).values.map((v) => ({
        labels: v.labels,
        value: v.value,
      }));
    const server = liveState.caches()[0]!.cluster.url;
    const [objects] = await metric('argocd_cluster_api_resource_objects');
    expect(objects).toMatchObject({ labels: { server } });
    expect(objects!.value).toBeGreaterThan(10);
    const [resources] = await metric('argocd_cluster_api_resources');
    expect(resources!.value).toBe(liveState.caches()[0]!.watchedKinds().length);
    expect(resources!.value).toBeGreaterThan(10);
    // The Deployments scaled and the ConfigMap deleted above came in as watch events.
    const events = await metric('argocd_cluster_events_total');
    expect(
      events.find((e) => e.labels['kind'] === 'Deployment' && e.labels['group'] === 'apps')?.value,
    ).toBeGreaterThan(0);
    expect(
      events.find((e) => e.labels['kind'] === 'ConfigMap' && e.labels['server'] === server)?.value,
    ).toBeGreaterThan(0);
    // Seconds since the oldest per-kind list the watches rest on: every kind was listed once at start.
    const listedAt = liveState.caches()[0]!.oldestListAt()!;
    expect(Date.now() - listedAt).toBeGreaterThan(0);
    liveState.recordGauges(listedAt + 60_000);
    const [age] = await metric('argocd_cluster_cache_age_seconds');
    expect(age).toEqual({ labels: { server }, value: 60 });
  });

  it('a refresh that changes nothing reads live state from the cache: no GET of an object', async () => {
    h.sandbox.clearRequests();
    const result = await h.refresh().process({ application: 'heal', hard: false, reason: 'periodic' });
    expect(result.syncStatus).toBe('Synced');
    const objectGets = h.sandbox.requests(
      (r) => r.method === 'GET' && r.query['watch'] !== 'true' && r.path.includes('/namespaces/heal/'),
    );
    expect(objectGets).toEqual([]);
    // The tree it published is not written again while it does not change (Argo CD's TwoLevelClient):
    // with the key gone, a refresh that changes nothing leaves it gone; a hard refresh writes it.
    const treeKey = `${h.prefix}:resource-tree:heal`;
    const published = JSON.parse((await h.redis.get(treeKey))!) as { nodes: Array<{ kind: string }> };
    expect(published.nodes.map((n) => n.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Pod',
      'ReplicaSet',
      'Service',
    ]);
    await h.redis.del(treeKey);
    await h.refresh().process({ application: 'heal', hard: false, reason: 'periodic' });
    expect(await h.redis.exists(treeKey)).toBe(0);
    // A hard refresh asks the server.
    await h.refresh().process({ application: 'heal', hard: true, reason: 'user' });
    expect(await h.redis.exists(treeKey)).toBe(1);
    expect(
      h.sandbox.requests(
        (r) => r.method === 'GET' && r.query['watch'] !== 'true' && r.path.includes('/namespaces/heal/'),
      ).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it("orphaned resources (the project's orphanedResources.warn): a warning condition counted from the cache", async () => {
    await h.db.dataSource.query(`INSERT INTO projects (name, manifest) VALUES ($1, $2::jsonb)`, [
      'watched',
      JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: { name: 'watched', namespace: 'argocd' },
        spec: {
          sourceRepos: ['*'],
          destinations: [{ server: '*', namespace: '*' }],
          clusterResourceWhitelist: [{ group: '*', kind: '*' }],
          orphanedResources: { warn: true, ignore: [{ kind: 'Secret' }] },
        },
      }),
    ]);
    const manifest = h.manifest('orphans', 'orphans', { automated: {} });
    manifest.spec['project'] = 'watched';
    await h.createAppFromManifest(manifest);
    await h.deps.queues.requestRefresh({ application: 'orphans', hard: false, reason: 'user' });
    await syncStatusWithin('orphans', 'Synced', 30_000);
    const conditions = async () => {
      await h.refresh().process({ application: 'orphans', hard: false, reason: 'periodic' });
      const [row] = await h.db.dataSource.query<
        Array<{ status: { conditions: Array<{ type: string; message: string }> } }>
      >(`SELECT status FROM applications WHERE name = 'orphans'`);
      return row!.status.conditions.filter((c) => c.type === 'OrphanedResourceWarning');
    };
    expect(await conditions()).toEqual([]);
    await h.cluster.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'stray', namespace: 'orphans' },
    });
    await h.cluster.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ignored', namespace: 'orphans' },
    });
    await eventually(
      async () =>
        expect(await conditions()).toEqual([
          expect.objectContaining({ message: 'Application has 1 orphaned resources' }),
        ]),
      { timeout: 5000, interval: 100, what: 'the orphaned-resources warning' },
    );
    // The same orphans are the published tree's orphanedNodes (the ignored Secret is not).
    const orphanedNodes = async () =>
      (
        JSON.parse((await h.redis.get(`${h.prefix}:resource-tree:orphans`)) ?? '{}') as {
          orphanedNodes?: Array<{ kind: string; name: string }>;
        }
      ).orphanedNodes?.map((n) => `${n.kind}/${n.name}`);
    expect(await orphanedNodes()).toEqual(['ConfigMap/stray']);
    await h.cluster.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'orphans', name: 'stray' });
    await eventually(async () => expect(await conditions()).toEqual([]), {
      timeout: 5000,
      interval: 100,
      what: 'the warning cleared',
    });
    expect(await orphanedNodes()).toEqual([]);
  });

  it('the worker holding the watches dies: another takes the cluster over within 15 s and heals a change made meanwhile', async () => {
    redisOfSecond = createRedis(REDIS_URL, 'berth-live-state-test-2');
    const second = new LiveStateCaches({
      redis: redisOfSecond,
      prefix: h.prefix,
      queues: h.deps.queues,
      debounceMs: 300,
      leaseTtlMs: 1500,
    });
    // The first worker dies: its lease is no longer renewed (nor released: its Redis is gone) and its
    // watches stop. The second one reads the cluster through its own cache.
    const killedAt = Date.now();
    redisOfFirst.disconnect();
    await liveState.stop();
    h.deps.liveState = second;
    await second.attach(h.cluster).waitForSync();
    // Most likely while the dead worker's lease has not expired yet: only the hand-over can request it.
    await h.cluster.mergePatch(deployment('heal'), { spec: { replicas: 5 } });
    await eventually(
      async () => {
        const live = await h.cluster.get(deployment('heal'));
        expect((live?.['spec'] as { replicas: number }).replicas).toBe(1);
      },
      { timeout: 15_000, interval: 50, what: 'the Deployment scaled back after the takeover' },
    );
    expect(Date.now() - killedAt).toBeLessThan(15_000);
  });
});
