import { describe, expect, it } from '@jest/globals';
import { JqWasmPathEvaluator } from '@berth/infra/jq/jq-path-evaluator';
import { withTrackingId } from '../reconcile/tracking-id';
import type { KubeObject } from './kube-object';
import { localManifestDiffs, type ManagedLiveState, namespacedKindsOf } from './local-diff';

const jq = new JqWasmPathEvaluator();
const options = { application: 'web', destinationNamespace: 'shop', fieldManager: 'berth', jq };

const configMap = (name: string, data: Record<string, string>, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data,
});

/** The live twin the API server keeps of what Berth applied: tracking id, server metadata. */
const live = (obj: KubeObject): KubeObject => {
  const tracked = withTrackingId('web', obj);
  return {
    ...tracked,
    metadata: {
      ...tracked.metadata,
      uid: 'u1',
      resourceVersion: '7',
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
  };
};

/** A managed-resources item as the API answers it (only what the local diff reads). */
const item = (obj: KubeObject | undefined, key?: Partial<ManagedLiveState>): ManagedLiveState => ({
  group: '',
  kind: obj?.kind ?? key?.kind ?? 'ConfigMap',
  namespace: obj?.metadata.namespace ?? key?.namespace ?? '',
  liveState: JSON.stringify(obj ?? null),
  ...key,
});

const byName = (items: Array<{ name: string; modified: boolean }>) =>
  Object.fromEntries(items.map((i) => [i.name, i.modified]));

describe('localManifestDiffs', () => {
  it('finds nothing when the directory renders what is live (namespace defaulted, tracking id added)', async () => {
    const rendered = configMap('settings', { color: 'blue' });
    const { items } = await localManifestDiffs(
      [rendered],
      [item(live(configMap('settings', { color: 'blue' }, 'shop')))],
      options,
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ namespace: 'shop', name: 'settings', modified: false });
  });

  it('pairs by key as groupObjsByKey: changed, new (live empty) and no longer rendered (to be removed)', async () => {
    const { items } = await localManifestDiffs(
      [configMap('settings', { color: 'green' }), configMap('added', { a: '1' })],
      [
        item(live(configMap('settings', { color: 'blue' }, 'shop'))),
        item(live(configMap('dropped', { b: '2' }, 'shop'))),
      ],
      options,
    );
    expect(byName(items)).toEqual({ settings: true, added: true, dropped: true });
    const added = items.find((i) => i.name === 'added')!;
    expect(added.liveState).toBe('null');
    expect(JSON.parse(added.targetState)).toMatchObject({
      metadata: { namespace: 'shop' },
      data: { a: '1' },
    });
    const dropped = items.find((i) => i.name === 'dropped')!;
    expect(dropped.targetState).toBe('null');
    expect(JSON.parse(dropped.normalizedLiveState)).toMatchObject({ data: { b: '2' } });
  });

  it("applies the app's ignoreDifferences, jq expressions included", async () => {
    const { items } = await localManifestDiffs(
      [configMap('settings', { color: 'green', size: 'L' })],
      [item(live(configMap('settings', { color: 'blue', size: 'M' }, 'shop')))],
      {
        ...options,
        ignoreDifferences: [
          { kind: 'ConfigMap', jsonPointers: ['/data/color'] },
          { kind: 'ConfigMap', jqPathExpressions: ['.data.size'] },
        ],
      },
    );
    expect(items[0]!.modified).toBe(false);
  });

  it('leaves Secrets out on both sides and says which local ones, and leaves child Applications out', async () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { p: 'eA==' },
    };
    const child: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'child' },
      spec: {},
    };
    const { items, secretsLeftOut } = await localManifestDiffs(
      [secret, child],
      [item(live({ ...secret, metadata: { name: 'db', namespace: 'shop' }, data: { p: '++++++++' } }))],
      options,
    );
    expect(items).toEqual([]);
    expect(secretsLeftOut).toEqual([{ group: '', kind: 'Secret', namespace: '', name: 'db' }]);
  });

  it('defaults namespaces from what the managed resources show: a kind they show without one is cluster-scoped', async () => {
    const widget = (namespace?: string): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', ...(namespace ? { namespace } : {}) },
      spec: { size: 1 },
    });
    const liveWidget = live(widget());
    const { items } = await localManifestDiffs(
      [widget('ignored')],
      [item(liveWidget, { group: 'example.com', kind: 'Widget', namespace: '' })],
      options,
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ namespace: '', modified: false });
    // Not shown: a custom kind counts as namespaced, a built-in cluster-scoped one is known.
    const { items: guessed } = await localManifestDiffs(
      [widget(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }],
      [],
      options,
    );
    expect(guessed.map((i) => `${i.kind}:${i.namespace}`).sort()).toEqual(['Namespace:', 'Widget:shop']);
  });
});

describe('namespacedKindsOf', () => {
  it('answers for the kinds shown, undefined for the others', () => {
    const isNamespaced = namespacedKindsOf([
      { group: 'apps', kind: 'Deployment', namespace: 'shop' },
      { kind: 'Namespace', namespace: '' },
    ]);
    expect([
      isNamespaced('apps', 'Deployment'),
      isNamespaced('', 'Namespace'),
      isNamespaced('', 'ConfigMap'),
    ]).toEqual([true, false, undefined]);
  });
});
