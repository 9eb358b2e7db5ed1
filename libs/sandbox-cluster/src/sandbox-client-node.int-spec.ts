import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
  type KubernetesObject,
  type V1ConfigMap,
  type V1Deployment,
  type V1Namespace,
  type V1Status,
} from '@kubernetes/client-node';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { eventually } from '@berth/testing';
import { valueAt } from './store/object-utils';

/** An object this spec sends: client-node's KubernetesObject plus the kind's own fields. */
type Obj = KubernetesObject & Record<string, unknown>;

/** A JSON merge patch (null deletes a member); client-node types a patch body as the object it patches. */
const mergePatch = (patch: Record<string, unknown>) => patch as KubernetesObject;

/** What a Watch callback receives (client-node types it `any`): the object as JSON. */
type Watched = KubernetesObject & { data?: unknown };

function deployment(name: string, namespace: string, extra: Record<string, unknown> = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
      ...extra,
    },
  };
}

/** The Status body of a failed call: client-node keeps it as a raw JSON string. */
async function failure(call: Promise<unknown>): Promise<{ code: number; status: V1Status }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    return { code: err.code, status: JSON.parse(String(err.body)) as V1Status };
  }
  throw new Error('expected the call to fail');
}

describe('sandbox cluster driven by @kubernetes/client-node', () => {
  let cluster: SandboxCluster;
  let kc: KubeConfig;
  let api: KubernetesObjectApi;

  const namespace = async (name: string) => {
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  };

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01, bookmarkIntervalMs: 50 });
    kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    api = KubernetesObjectApi.makeApiClient(kc);
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('counts what it answered by kind of request at GET /sandbox/request-counts (benchmarks count GETs there)', async () => {
    const counts = async () =>
      (await (await fetch(`${cluster.url}/sandbox/request-counts`)).json()) as Record<string, number>;
    const ns = await namespace('counted');
    const before = await counts();
    await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await api.list('v1', 'ConfigMap', ns);
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns } });
    const after = await counts();
    expect(after['get']! - before['get']!).toBe(1);
    expect(after['list']! - before['list']!).toBe(1);
    expect(after['write']! - before['write']!).toBe(1);
    expect(after['watch']).toBe(before['watch']);
  });

  describe('generic object API', () => {
    it('creates, reads, lists and deletes with server-set metadata', async () => {
      const ns = await namespace('crud');
      const created = await api.create<Obj>(deployment('web', ns));
      expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.metadata?.generation).toBe(1);
      expect(created.metadata?.managedFields?.[0]).toMatchObject({
        manager: 'kubernetes-client-javascript',
        operation: 'Update',
      });
      const read = await api.read<V1Deployment>({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: ns },
      });
      expect(read.metadata?.uid).toBe(created.metadata?.uid);
      expect(read.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
      const list = await api.list('apps/v1', 'Deployment', ns);
      expect(list.items.map((d) => d.metadata?.name)).toEqual(['web']);
      await api.delete({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: ns },
      });
      const gone = await failure(
        api.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns } }),
      );
      expect(gone).toMatchObject({
        code: 404,
        status: {
          kind: 'Status',
          reason: 'NotFound',
          message: 'deployments.apps "web" not found',
          details: { name: 'web', group: 'apps', kind: 'deployments' },
        },
      });
    });

    it('pages a list with limit and continue', async () => {
      const ns = await namespace('paging');
      for (const name of ['a', 'b', 'c'])
        await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns } });
      const first = await api.list(
        'v1',
        'ConfigMap',
        ns,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        2,
      );
      expect(first.items.map((c) => c.metadata?.name)).toEqual(['a', 'b']);
      expect(first.metadata?.remainingItemCount).toBe(1);
      const second = await api.list(
        'v1',
        'ConfigMap',
        ns,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        2,
        first.metadata?._continue,
      );
      expect(second.items.map((c) => c.metadata?.name)).toEqual(['c']);
      expect(second.metadata?._continue).toBeUndefined();
    });

    it('server-side apply: identical re-apply keeps the resourceVersion', async () => {
      const ns = await namespace('ssa');
      await api.patch<Obj>(
        deployment('web', ns),
        undefined,
        undefined,
        'berth',
        true,
        PatchStrategy.ServerSideApply,
      );
      // Let the simulated controllers finish their status writes (they bump the RV, as on a real cluster).
      const settled = await eventually(async () => {
        const d = await api.read<V1Deployment>({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: ns },
        });
        expect(d.status?.conditions).toContainEqual(
          expect.objectContaining({ reason: 'NewReplicaSetAvailable' }),
        );
        return d;
      });
      const again = await api.patch<Obj>(
        deployment('web', ns),
        undefined,
        undefined,
        'berth',
        true,
        PatchStrategy.ServerSideApply,
      );
      expect(again.metadata?.resourceVersion).toBe(settled.metadata?.resourceVersion);
      expect(again.metadata?.managedFields?.map((m) => `${m.manager}/${m.operation}`)).toContain(
        'berth/Apply',
      );
    });

    it('server-side apply: a second manager conflicts on .spec.replicas, force moves ownership', async () => {
      const ns = await namespace('ssa-conflict');
      await api.patch(
        deployment('web', ns),
        undefined,
        undefined,
        'berth',
        true,
        PatchStrategy.ServerSideApply,
      );
      const scaled = deployment('web', ns, { replicas: 5 });
      const conflict = await failure(
        api.patch(scaled, undefined, undefined, 'hpa-bot', false, PatchStrategy.ServerSideApply),
      );
      expect(conflict.code).toBe(409);
      expect(conflict.status).toMatchObject({
        reason: 'Conflict',
        message: 'Apply failed with 1 conflict: conflict with "berth": .spec.replicas',
        details: {
          causes: [
            { reason: 'FieldManagerConflict', message: 'conflict with "berth"', field: '.spec.replicas' },
          ],
        },
      });
      const forced = await api.patch<V1Deployment>(
        scaled,
        undefined,
        undefined,
        'hpa-bot',
        true,
        PatchStrategy.ServerSideApply,
      );
      expect(forced.spec?.replicas).toBe(5);
      const berth = forced.metadata?.managedFields?.find((m) => m.manager === 'berth');
      expect(valueAt(berth?.fieldsV1, 'f:spec', 'f:replicas')).toBeUndefined();
      // Equal values never conflict: re-applying the value another manager set is shared ownership.
      const shared = await api.patch<V1Deployment>(
        scaled,
        undefined,
        undefined,
        'berth',
        false,
        PatchStrategy.ServerSideApply,
      );
      expect(shared.spec?.replicas).toBe(5);
    });

    it('server-side apply refuses a missing fieldManager (422) and strategic merge patch on a CR (415)', async () => {
      const ns = await namespace('ssa-errors');
      const missing = await failure(
        api.patch(
          deployment('web', ns),
          undefined,
          undefined,
          undefined,
          undefined,
          PatchStrategy.ServerSideApply,
        ),
      );
      expect(missing.code).toBe(422);
      expect(missing.status.message).toContain('fieldManager: Required value: is required for apply patch');
      await api.create({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { kind: 'Widget', plural: 'widgets' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              // Declared fields only: client-node's typed CRD serializer drops `x-kubernetes-*` members.
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
                },
              },
            },
          ],
        },
      });
      const widget = {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: ns },
        spec: { size: 1 },
      };
      await api.create(widget);
      const smp = await failure(
        api.patch(
          { ...widget, spec: { size: 2 } },
          undefined,
          undefined,
          undefined,
          undefined,
          PatchStrategy.StrategicMergePatch,
        ),
      );
      expect(smp).toMatchObject({ code: 415, status: { reason: 'UnsupportedMediaType' } });
      const merged = await api.patch<Obj>(
        { ...widget, spec: { size: 2 } },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      expect(merged.spec).toEqual({ size: 2 });
      expect(merged.metadata?.generation).toBe(2);
    });

    it('answers API errors with the real Status reasons', async () => {
      const ns = await namespace('errors');
      const noNs = await failure(
        api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'nope' } }),
      );
      expect(noNs).toMatchObject({
        code: 404,
        status: { reason: 'NotFound', message: 'namespaces "nope" not found' },
      });
      await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: ns } });
      const dup = await failure(
        api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: ns } }),
      );
      expect(dup).toMatchObject({
        code: 409,
        status: { reason: 'AlreadyExists', message: 'configmaps "x" already exists' },
      });
      const badName = await failure(
        api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: ns } }),
      );
      expect(badName).toMatchObject({
        code: 422,
        status: { reason: 'Invalid', details: { kind: 'ConfigMap', causes: [{ field: 'metadata.name' }] } },
      });
      const mismatch = await failure(
        api.create(deployment('web', ns, { selector: { matchLabels: { app: 'other' } } })),
      );
      expect(mismatch.status.details?.causes).toEqual([
        expect.objectContaining({
          reason: 'FieldValueInvalid',
          field: 'spec.template.metadata.labels',
          message: expect.stringContaining('`selector` does not match template `labels`'),
        }),
      ]);
      const noContainers = await failure(
        api.create({
          ...deployment('web', ns),
          spec: {
            selector: { matchLabels: { app: 'web' } },
            template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } },
          },
        }),
      );
      expect(noContainers.status.details?.causes).toEqual([
        expect.objectContaining({ field: 'spec.template.spec.containers', message: 'Required value' }),
      ]);
      const current = await api.read<V1ConfigMap>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', namespace: ns },
      });
      await api.replace({ ...current, data: { a: '1' } });
      const stale = await failure(api.replace({ ...current, data: { a: '2' } }));
      expect(stale).toMatchObject({
        code: 409,
        status: { reason: 'Conflict', message: expect.stringContaining('the object has been modified') },
      });
    });

    it('dryRun=All answers as if done and stores nothing', async () => {
      const ns = await namespace('dryrun');
      const preview = await api.create<Obj>(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', namespace: ns } },
        undefined,
        'All',
      );
      expect(preview.metadata?.uid).toBeDefined();
      expect(preview.metadata?.resourceVersion).toBeUndefined();
      const missing = await failure(
        api.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', namespace: ns } }),
      );
      expect(missing.code).toBe(404);
    });

    it('bumps generation on spec changes only, not on labels or status', async () => {
      const ns = await namespace('generation');
      await api.create(deployment('web', ns));
      const relabeled = await api.patch<Obj>(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: ns, labels: { app: 'web', extra: 'yes' } },
        },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      expect(relabeled.metadata?.generation).toBe(1);
      const rescaled = await api.patch<Obj>(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: ns },
          spec: { replicas: 3 },
        },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      expect(rescaled.metadata?.generation).toBe(2);
      // The simulated controller writes status through /status: generation stays, observedGeneration follows.
      const observed = await eventually(async () => {
        const d = await api.read<V1Deployment>({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: ns },
        });
        expect(d.status).toMatchObject({ observedGeneration: 2, availableReplicas: 3 });
        return d;
      });
      expect(observed.metadata?.generation).toBe(2);
    });
  });

  describe('deletion', () => {
    it('keeps an object with finalizers until they are removed', async () => {
      const ns = await namespace('finalizers');
      await api.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold'] },
      });
      await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: ns } });
      const held = await api.read<V1ConfigMap>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', namespace: ns },
      });
      expect(held.metadata?.deletionTimestamp).toBeDefined();
      await api.patch(
        mergePatch({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'held', namespace: ns, finalizers: null },
        }),
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      expect(
        (
          await failure(
            api.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: ns } }),
          )
        ).code,
      ).toBe(404);
    });

    it('foreground deletion removes the dependents first, then the owner', async () => {
      const ns = await namespace('foreground');
      await api.create(deployment('web', ns));
      await eventually(async () => expect((await api.list('v1', 'Pod', ns)).items).toHaveLength(2));
      await api.delete(
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Foreground',
      );
      await eventually(async () => expect((await api.list('apps/v1', 'Deployment', ns)).items).toEqual([]));
      expect((await api.list('apps/v1', 'ReplicaSet', ns)).items).toEqual([]);
      expect((await api.list('v1', 'Pod', ns)).items).toEqual([]);
    });

    it('orphan deletion leaves the dependents without their owner reference', async () => {
      const ns = await namespace('orphan');
      await api.create(deployment('web', ns));
      await eventually(async () =>
        expect((await api.list('apps/v1', 'ReplicaSet', ns)).items).toHaveLength(1),
      );
      await api.delete(
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Orphan',
      );
      const rs = await eventually(async () => {
        const [only] = (await api.list('apps/v1', 'ReplicaSet', ns)).items;
        expect((await api.list('apps/v1', 'Deployment', ns)).items).toEqual([]);
        expect(only).toBeDefined();
        expect(only?.metadata?.ownerReferences).toBeFalsy();
        return only!;
      });
      expect(rs.metadata?.name).toMatch(/^web-/);
    });

    it('a deleted namespace is Terminating, refuses new content (403), then disappears with its content', async () => {
      const ns = await namespace('doomed');
      await api.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold'] },
      });
      await api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const terminating = await api.read<V1Namespace>({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
      });
      expect(terminating.status?.phase).toBe('Terminating');
      const refused = await failure(
        api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: ns } }),
      );
      expect(refused).toMatchObject({
        code: 403,
        status: { reason: 'Forbidden', details: { causes: [{ reason: 'NamespaceTerminating' }] } },
      });
      await api.patch(
        mergePatch({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'held', namespace: ns, finalizers: null },
        }),
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      await eventually(async () =>
        expect(
          (await failure(api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }))).code,
        ).toBe(404),
      );
      const immortal = await failure(
        api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }),
      );
      expect(immortal.code).toBe(403);
    });
  });

  describe('watch and informer', () => {
    it('streams ADDED, MODIFIED and DELETED, and resumes from a resourceVersion', async () => {
      const ns = await namespace('watch');
      const seen: string[] = [];
      const watch = new Watch(kc);
      const abort = await watch.watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        {},
        (type: string, obj: Watched) =>
          seen.push(`${type} ${obj.metadata?.name} ${JSON.stringify(obj.data ?? {})}`),
        () => undefined,
      );
      const created = await api.create<Obj>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', namespace: ns },
      });
      await api.patch(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'a', namespace: ns },
          data: { k: 'v' },
        },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns } });
      await eventually(() => expect(seen).toHaveLength(3));
      abort.abort();
      expect(seen).toEqual(['ADDED a {}', 'MODIFIED a {"k":"v"}', 'DELETED a {"k":"v"}']);
      const resumed: string[] = [];
      const again = await watch.watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { resourceVersion: created.metadata?.resourceVersion },
        (type) => resumed.push(type),
        () => undefined,
      );
      await eventually(() => expect(resumed).toHaveLength(2));
      again.abort();
      expect(resumed).toEqual(['MODIFIED', 'DELETED']);
    });

    it('reports DELETED when an object leaves a label-selected watch', async () => {
      const ns = await namespace('watch-labels');
      const seen: string[] = [];
      const abort = await new Watch(kc).watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { labelSelector: 'team=a' },
        (type: string, obj: Watched) => seen.push(`${type} ${obj.metadata?.name}`),
        () => undefined,
      );
      await api.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', namespace: ns, labels: { team: 'a' } },
      });
      await api.patch(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'c', namespace: ns, labels: { team: 'b' } },
        },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      await eventually(() => expect(seen).toHaveLength(2));
      abort.abort();
      expect(seen).toEqual(['ADDED c', 'DELETED c']);
    });

    it('keeps an informer cache in sync', async () => {
      const ns = await namespace('informer');
      const path = `/api/v1/namespaces/${ns}/configmaps`;
      const informer = makeInformer<KubernetesObject>(kc, path, () => api.list('v1', 'ConfigMap', ns));
      const events: string[] = [];
      informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
      informer.on('update', (o) => events.push(`update ${o.metadata?.name}`));
      informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
      await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before', namespace: ns } });
      await informer.start();
      await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', namespace: ns } });
      await api.patch(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'after', namespace: ns },
          data: { x: '1' },
        },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before', namespace: ns } });
      await eventually(() => expect(events).toHaveLength(4));
      await informer.stop();
      expect(events).toEqual(['add before', 'add after', 'update after', 'delete before']);
      expect(informer.list(ns).map((o) => o.metadata?.name)).toEqual(['after']);
    });

    it('sends BOOKMARK events carrying only the current resourceVersion when allowed', async () => {
      const bookmarks: Watched[] = [];
      const abort = await new Watch(kc).watch(
        '/api/v1/namespaces/default/configmaps',
        { allowWatchBookmarks: true, resourceVersion: '0' },
        (type: string, obj: Watched) => type === 'BOOKMARK' && bookmarks.push(obj),
        () => undefined,
      );
      await eventually(() => expect(bookmarks.length).toBeGreaterThan(0));
      abort.abort();
      expect(bookmarks[0]).toEqual({
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
      });
    });

    it('answers a watch from a resourceVersion older than the history with a 410 Expired event', async () => {
      const small = await startSandboxCluster({ port: 0, simulate: false, watchHistory: 3 });
      try {
        const kc2 = new KubeConfig();
        kc2.loadFromString(small.kubeconfig());
        const api2 = KubernetesObjectApi.makeApiClient(kc2);
        for (const name of ['a', 'b', 'c', 'd', 'e'])
          await api2.create({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name, namespace: 'default' },
          });
        const events: Array<{ type: string; obj: Watched }> = [];
        let ended = false;
        await new Watch(kc2).watch(
          '/api/v1/namespaces/default/configmaps',
          { resourceVersion: '1' },
          (type: string, obj: Watched) => events.push({ type, obj }),
          () => (ended = true),
        );
        await eventually(() => expect(ended).toBe(true));
        expect(events).toEqual([
          { type: 'ERROR', obj: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) },
        ]);
      } finally {
        await small.close();
      }
    });
  });
});
