import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type KubeObject, withTrackingId } from '@berth/domain';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { KubeCluster } from '../kube-cluster';
import { type CacheChange, ClusterCache } from './cluster-cache';

const NS = 'cache-it';

function configMap(name: string, data: Record<string, string>, app?: string): KubeObject {
  const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data };
  return app ? withTrackingId(app, obj) : obj;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ClusterCache against the sandbox API server (list+watch)', () => {
  let sandbox: SandboxCluster;
  let cluster: KubeCluster;
  let cache: ClusterCache;
  const changes: CacheChange[] = [];
  const cmRef = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name });

  beforeAll(async () => {
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01, recordRequests: true });
    cluster = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
    await cluster.ensureNamespace(NS);
    await cluster.apply(configMap('tracked', { a: '1' }, 'guestbook'));
    await cluster.apply(configMap('untracked', { a: '1' }));
    cache = new ClusterCache(cluster, {
      initialBackoffMs: 50,
      maxBackoffMs: 200,
      // The tree's details, worked out while the object is whole (here: its kind and phase, as a probe).
      details: (obj) =>
        obj.kind === 'Pod'
          ? { info: [{ name: 'Phase', value: String((obj['status'] as { phase?: string })?.phase) }] }
          : obj.kind === 'Secret'
            ? (() => {
                throw new Error('a details function that throws leaves them out');
              })()
            : undefined,
    });
    cache.onChange((c) => changes.push(c));
    await cache.start();
    await cache.waitForSync(15_000);
  });
  afterAll(async () => {
    cache?.stop();
    await sandbox?.close();
  });

  it('lists every watchable kind, skipping the excluded ones, namespaced and cluster-scoped', () => {
    const kinds = cache.watchedKinds().map((k) => `${k.apiVersion}/${k.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['v1/ConfigMap', 'v1/Namespace', 'apps/v1/Deployment', 'v1/Pod']),
    );
    expect(kinds).not.toContain('v1/Event');
    expect(kinds.some((k) => k.endsWith('/Lease'))).toBe(false);
    expect(cache.watchedKinds().every((k) => k.synced)).toBe(true);
    // The first list changes nothing the cache knew: a starting worker asks for no refresh.
    expect(changes.filter((c) => c.resource.namespace === NS)).toEqual([]);
  });

  it('answers whole objects for what an app tracks; a node-only or unwatched object is unknown; a missing one absent', () => {
    const found = cache.lookup(cmRef('tracked'));
    expect(found.state).toBe('found');
    expect(found.state === 'found' && found.object['data']).toEqual({ a: '1' });
    // Kept whole for the diff: managedFields included.
    expect(found.state === 'found' && Array.isArray(found.object.metadata['managedFields'])).toBe(true);
    expect(cache.lookup(cmRef('untracked')).state).toBe('unknown');
    expect(cache.get(`/ConfigMap/${NS}/untracked`)?.object).toBeUndefined();
    expect(cache.lookup(cmRef('nope')).state).toBe('absent');
    // An inventory key's ref (group, no version) and a cluster-scoped kind with a stray namespace.
    expect(cache.lookup({ group: '', kind: 'ConfigMap', namespace: NS, name: 'tracked' }).state).toBe(
      'found',
    );
    expect(cache.lookup({ apiVersion: 'v1', kind: 'Namespace', namespace: 'x', name: NS }).state).toBe(
      'unknown',
    );
    expect(cache.get(`/Namespace//${NS}`)).toBeDefined();
    // Another version than the one watched: ask the server.
    expect(cache.lookup({ apiVersion: 'v2', kind: 'ConfigMap', namespace: NS, name: 'tracked' }).state).toBe(
      'unknown',
    );
  });

  it('liveObjects reads from the cache with no GET for what it can answer', async () => {
    cluster.useCache(cache);
    sandbox.clearRequests();
    const live = await cluster.liveObjects(
      [configMap('tracked', { a: '1' }, 'guestbook')],
      [`/ConfigMap/${NS}/nope`],
      {
        fromCache: true,
      },
    );
    expect(live.map((o) => o.metadata.name)).toEqual(['tracked']);
    expect(sandbox.requests((r) => r.method === 'GET' && !r.query['watch'])).toEqual([]);
    // Not from the cache when not asked: one GET each.
    await cluster.liveObjects([configMap('tracked', { a: '1' }, 'guestbook')]);
    expect(
      sandbox.requests((r) => r.method === 'GET' && r.path.endsWith('/configmaps/tracked')),
    ).toHaveLength(1);
  });

  it('sees a change within moments, as a MODIFIED change with the new object', async () => {
    await cluster.mergePatch(cmRef('tracked'), { data: { a: '2' } });
    await until('the patched ConfigMap', () => {
      const l = cache.lookup(cmRef('tracked'));
      return l.state === 'found' && (l.object['data'] as Record<string, string>)['a'] === '2';
    });
    expect(
      changes.some(
        (c) => c.type === 'MODIFIED' && c.resource.name === 'tracked' && c.resource.app === 'guestbook',
      ),
    ).toBe(true);
    await cluster.delete(cmRef('tracked'));
    await until('the deletion', () => cache.lookup(cmRef('tracked')).state === 'absent');
    expect(changes.some((c) => c.type === 'DELETED' && c.resource.name === 'tracked')).toBe(true);
  });

  it('keeps an owner index: a Pod is attributed to the app of its Deployment through its ReplicaSet', async () => {
    const deployment = withTrackingId('web-app', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    });
    await cluster.apply(deployment);
    const pod = await until(
      'a Pod of the Deployment',
      () =>
        [...cache.trackedBy('web-app')].length > 0 &&
        cache
          .ownedBy(cache.get(`apps/Deployment/${NS}/web`)!.uid)
          .flatMap((rs) => cache.ownedBy(rs.uid))
          .find((p) => p.kind === 'Pod'),
    );
    expect(pod.app).toBeUndefined();
    expect(pod.object).toBeUndefined();
    expect(pod.images).toEqual(['nginx:1.27']);
    expect(cache.appOf(pod)).toBe('web-app');
    // Only a node is kept, with the details worked out from the whole Pod when it came in.
    expect(pod.details?.info?.[0]?.name).toBe('Phase');
    // Owned objects are no top-level objects of the namespace; the untracked ConfigMap is.
    const top = cache.topLevelInNamespace(NS)!.map((r) => `${r.kind}/${r.name}`);
    expect(top).toEqual(expect.arrayContaining(['ConfigMap/untracked', 'Deployment/web']));
    expect(top.some((k) => k.startsWith('Pod/') || k.startsWith('ReplicaSet/'))).toBe(false);
  });

  it('the oldest per-kind list the state rests on: set once every kind is listed, not moved by watch events', async () => {
    const listedAt = cache.oldestListAt()!;
    expect(listedAt).toBeLessThanOrEqual(Date.now());
    await cluster.apply(configMap('another', { a: '1' }));
    await until('the new ConfigMap', () => cache.get(`/ConfigMap/${NS}/another`));
    expect(cache.oldestListAt()).toBe(listedAt);
    await cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS } });
    const secret = await until('the Secret', () => cache.get(`/Secret/${NS}/s`));
    expect(secret.details).toBeUndefined();
  });

  it('watches the kind of a CRD created after it started, without a restart', async () => {
    await cluster.apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gizmos.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Gizmo', plural: 'gizmos', singular: 'gizmo', listKind: 'GizmoList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    await until('the Gizmo watch', () => cache.watchedKinds().find((k) => k.kind === 'Gizmo' && k.synced));
    await cluster.apply(
      withTrackingId('gizmo-app', {
        apiVersion: 'example.com/v1',
        kind: 'Gizmo',
        metadata: { name: 'g1', namespace: NS },
        spec: { size: 3 },
      }),
    );
    const found = await until('the Gizmo', () => {
      const l = cache.lookup({ apiVersion: 'example.com/v1', kind: 'Gizmo', namespace: NS, name: 'g1' });
      return l.state === 'found' ? l.object : undefined;
    });
    expect(found['spec']).toEqual({ size: 3 });
  });

  it('a watch the server closes is opened again from where it was: a change made right then is not lost', async () => {
    await cluster.apply(configMap('resumed', { v: '0' }, 'guestbook'));
    await until('resumed', () => cache.lookup(cmRef('resumed')).state === 'found');
    const before = cache.watchedKinds().find((k) => k.kind === 'ConfigMap')!.stats;
    expect(sandbox.closeWatches()).toBeGreaterThan(10);
    // While no watch is open: the event must come from the resumed watch's history.
    await cluster.mergePatch(cmRef('resumed'), { data: { v: '1' } });
    await until('the change made while the watch was closed', () => {
      const l = cache.lookup(cmRef('resumed'));
      return l.state === 'found' && (l.object['data'] as Record<string, string>)['v'] === '1';
    });
    const after = cache.watchedKinds().find((k) => k.kind === 'ConfigMap')!.stats;
    expect(after.watches).toBeGreaterThan(before.watches);
    expect(after.lists).toBe(before.lists);
  });

  it('relists on 410 Gone (history compacted while the watch was away) and loses no change', async () => {
    await cluster.apply(configMap('expired', { v: '0' }, 'guestbook'));
    await until('expired', () => cache.lookup(cmRef('expired')).state === 'found');
    const before = cache.watchedKinds().find((k) => k.kind === 'ConfigMap')!.stats;
    const cmType = sandbox.registry.types.byKind('v1', 'ConfigMap')!;
    // Synchronously, before any watch comes back: close, change, compact.
    sandbox.closeWatches();
    sandbox.registry.patch(
      cmType,
      NS,
      'expired',
      'application/merge-patch+json',
      JSON.stringify({ data: { v: '1' } }),
    );
    sandbox.registry.delete(cmType, NS, 'resumed');
    sandbox.compactHistory();
    await until('the change made before the 410', () => {
      const l = cache.lookup(cmRef('expired'));
      return l.state === 'found' && (l.object['data'] as Record<string, string>)['v'] === '1';
    });
    await until('the deletion made before the 410', () => cache.lookup(cmRef('resumed')).state === 'absent');
    const after = cache.watchedKinds().find((k) => k.kind === 'ConfigMap')!.stats;
    expect(after.gone).toBeGreaterThan(before.gone);
    expect(after.lists).toBeGreaterThan(before.lists);
    expect(changes.some((c) => c.type === 'DELETED' && c.resource.name === 'resumed')).toBe(true);
  });

  it('an API server that goes away: the cache stops answering (callers GET, and learn it is unreachable)', async () => {
    await cluster.apply(configMap('last', { v: '0' }, 'guestbook'));
    await until('last', () => cache.lookup(cmRef('last')).state === 'found');
    await sandbox.close();
    await until('the cache to stop answering', () => cache.lookup(cmRef('last')).state === 'unknown');
    expect(cache.synced).toBe(false);
  });
});
