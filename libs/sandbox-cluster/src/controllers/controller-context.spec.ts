import { beforeEach, describe, expect, it } from '@jest/globals';
import { ResourceRegistry } from '../api/resource-registry';
import type { KubeObject } from '../api/resource-type';
import { ObjectRegistry } from '../registry/object-registry';
import { ObjectStore } from '../store/object-store';
import { ControllerContext, ownerReference } from './controller-context';

/** The simulator's work queue: a pass sees what changed, not the whole cluster. */
describe('ControllerContext queue', () => {
  let registry: ObjectRegistry;
  let ctx: ControllerContext;
  let wakes: number[];
  const type = (v: string, k: string) => registry.types.byKind(v, k)!;
  const names = (objs: KubeObject[]) =>
    objs.map((o) => `${o.metadata?.['namespace']}/${o.metadata?.['name']}`);

  beforeEach(() => {
    registry = new ObjectRegistry(new ObjectStore(), new ResourceRegistry());
    registry.create(type('v1', 'Namespace'), '', { metadata: { name: 'a' } }, { fieldManager: 't' });
    wakes = [];
    ctx = new ControllerContext(registry, 1, (at) => wakes.push(at));
    registry.store.subscribe((e) => ctx.observe(e));
  });

  const configMap = (name: string, extra: Record<string, unknown> = {}) =>
    registry.create(
      type('v1', 'ConfigMap'),
      'a',
      { metadata: { name, namespace: 'a', ...extra }, data: { k: 'v' } },
      { fieldManager: 't' },
    );

  it('hands out each changed object once, then nothing until it changes again', () => {
    configMap('one');
    configMap('two');
    ctx.beginPass();
    expect(names(ctx.pending('v1', 'ConfigMap'))).toEqual(['a/one', 'a/two']);
    expect(ctx.pending('v1', 'ConfigMap')).toEqual([]);
    expect(ctx.hasWork()).toBe(false);

    const live = registry.get(type('v1', 'ConfigMap'), 'a', 'two');
    registry.update(
      type('v1', 'ConfigMap'),
      'a',
      'two',
      { ...live, data: { k: 'w' } },
      { fieldManager: 't' },
    );
    ctx.beginPass();
    expect(names(ctx.pending('v1', 'ConfigMap'))).toEqual(['a/two']);
  });

  it("queues an object's controller when a dependent changes or goes away, and indexes what it owns", () => {
    const rs = registry.create(
      type('apps/v1', 'ReplicaSet'),
      'a',
      {
        metadata: { name: 'web', namespace: 'a' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'c', image: 'nginx' }] },
          },
        },
      },
      { fieldManager: 't' },
    );
    const owner = { ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' };
    configMap('owned', { ownerReferences: [ownerReference(owner)] });
    configMap('free');
    ctx.beginPass();
    expect(names(ctx.pending('apps/v1', 'ReplicaSet'))).toEqual(['a/web']);
    expect(names(ctx.owned('v1', 'ConfigMap', owner))).toEqual(['a/owned']);
    ctx.pending('v1', 'ConfigMap');

    registry.delete(type('v1', 'ConfigMap'), 'a', 'owned');
    ctx.beginPass();
    expect(names(ctx.pending('apps/v1', 'ReplicaSet'))).toEqual(['a/web']);
    expect(ctx.owned('v1', 'ConfigMap', owner)).toEqual([]);
  });

  it('brings an object back when the wake-up it asked for is due, not before', () => {
    configMap('slow');
    ctx.beginPass();
    const [cm] = ctx.pending('v1', 'ConfigMap');
    const at = Date.now() + 60_000;
    ctx.wakeAt(at, cm!);
    expect(wakes).toContain(at);
    expect(ctx.nextWake()).toBe(at);
    ctx.beginPass();
    expect(ctx.pending('v1', 'ConfigMap')).toEqual([]);

    ctx.wakeAt(Date.now() - 1, cm!);
    ctx.beginPass();
    expect(names(ctx.pending('v1', 'ConfigMap'))).toEqual(['a/slow']);
  });
});
