import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';

// Issue #20 item 5 (part): deleting a CRD whose custom resources have finalizers leaves it Terminating, with
// the apiextensions cleanup finalizer, until the last of them is gone; then the CRD goes.

type Obj = KubernetesObject & Record<string, unknown>;

const crd: Obj = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};
const widget = (name: string, finalizers?: string[]): Obj => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name, namespace: 'default', ...(finalizers ? { finalizers } : {}) },
  spec: { size: 1 },
});

describe('a CRD whose custom resources have finalizers', () => {
  let cluster: SandboxCluster;
  let api: KubernetesObjectApi;

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    api = KubernetesObjectApi.makeApiClient(kc);
  });
  afterAll(async () => cluster?.close());

  it('stays Terminating until the last one is gone, then goes', async () => {
    await api.create(crd);
    await api.create(widget('plain'));
    await api.create(widget('held', ['example.com/cleanup']));
    await api.delete(crd);
    const terminating = await api.read<
      Obj & { status?: { conditions?: Array<{ type: string; status: string }> } }
    >({
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      metadata: { name: 'widgets.example.com' },
    });
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    expect(terminating.metadata?.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    expect(terminating.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'Terminating', status: 'True' }),
    );
    // The CR without a finalizer is gone; the held one is being deleted.
    const list = await api.list('example.com/v1', 'Widget', 'default');
    expect(list.items.map((w) => [w.metadata?.name, Boolean(w.metadata?.deletionTimestamp)])).toEqual([
      ['held', true],
    ]);
    // Its controller finishes: the finalizer goes, so the CR, then the CRD.
    await api.patch(
      {
        ...widget('held'),
        metadata: { name: 'held', namespace: 'default', finalizers: null },
      } as unknown as Obj,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    const res = await fetch(
      `${cluster.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com`,
    );
    expect(res.status).toBe(404);
  });
});
