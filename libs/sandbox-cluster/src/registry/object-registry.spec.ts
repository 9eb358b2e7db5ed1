import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Deployment } from '../api/builtin-kinds';
import { ResourceRegistry } from '../api/resource-registry';
import type { ResourceType } from '../api/resource-type';
import { ApiStatusError } from '../errors/api-status.error';
import { ObjectStore } from '../store/object-store';
import { ObjectRegistry, PATCH_TYPES } from './object-registry';

function failureOf(fn: () => unknown): ApiStatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiStatusError) return err;
    throw err;
  }
  throw new Error('expected an ApiStatusError');
}

const deployment = (extra: Record<string, unknown> = {}): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  },
  ...extra,
});

/** API semantics checked directly on the registry; references are to the apiserver sources in the spec notes. */
describe('object registry semantics', () => {
  let registry: ObjectRegistry;
  let deployments: ResourceType;
  let configMaps: ResourceType;
  let widgets: ResourceType;

  beforeEach(() => {
    const types = new ResourceRegistry();
    registry = new ObjectRegistry(new ObjectStore(), types, () => Date.parse('2025-01-01T00:00:00.500Z'));
    const ns = types.byKind('v1', 'Namespace')!;
    registry.create(ns, '', { metadata: { name: 'default' } });
    const crds = types.byKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!;
    registry.create(crds, '', {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    });
    deployments = types.byKind('apps/v1', 'Deployment')!;
    configMaps = types.byKind('v1', 'ConfigMap')!;
    widgets = types.byKind('example.com/v1', 'Widget')!;
  });

  it('sets system metadata on create: uid, second-precision creationTimestamp, generation 1, status reset', () => {
    const created = registry.create(deployments, 'default', deployment({ status: { replicas: 9 } }));
    expect(created.metadata).toMatchObject({
      creationTimestamp: '2025-01-01T00:00:00Z',
      generation: 1,
      namespace: 'default',
    });
    expect(created['status']).toBeUndefined();
    expect(
      registry.create(configMaps, 'default', { metadata: { name: 'c' } }).metadata?.['generation'],
    ).toBeUndefined();
  });

  it('keeps the resourceVersion on a write that changes nothing', () => {
    const created = registry.create(configMaps, 'default', { metadata: { name: 'c' }, data: { a: '1' } });
    const same = registry.update(configMaps, 'default', 'c', { ...created });
    expect(same.object.metadata?.['resourceVersion']).toBe(created.metadata?.['resourceVersion']);
    const changed = registry.update(configMaps, 'default', 'c', { ...created, data: { a: '2' } });
    expect(Number(changed.object.metadata?.['resourceVersion'])).toBeGreaterThan(
      Number(created.metadata?.['resourceVersion']),
    );
  });

  it('keeps status on main-endpoint updates and changes only status through /status', () => {
    const created = registry.create(deployments, 'default', deployment());
    const viaMain: Deployment = registry.update(deployments, 'default', 'web', {
      ...created,
      status: { replicas: 3 },
    }).object;
    expect(viaMain['status']).toBeUndefined();
    const viaStatus: Deployment = registry.update(
      deployments,
      'default',
      'web',
      { ...viaMain, spec: { ...viaMain.spec, replicas: 7 }, status: { replicas: 3 } },
      { subresource: 'status', fieldManager: 'kube-controller-manager' },
    ).object;
    expect(viaStatus.status).toEqual({ replicas: 3 });
    expect(viaStatus.spec?.replicas).toBe(1);
    expect(viaStatus.metadata?.['generation']).toBe(1);
  });

  it.each([
    [
      'a JSON object sent as a JSON patch',
      () => registry.patch(configMaps, 'default', 'c', PATCH_TYPES.json, '{"data":{}}'),
      400,
      'BadRequest',
    ],
    [
      'a failing JSON patch test op',
      () =>
        registry.patch(
          configMaps,
          'default',
          'c',
          PATCH_TYPES.json,
          '[{"op":"test","path":"/data/a","value":"x"}]',
        ),
      422,
      'Invalid',
    ],
    [
      'force on a non-apply patch',
      () => registry.patch(configMaps, 'default', 'c', PATCH_TYPES.merge, '{}', { force: true }),
      422,
      'Invalid',
    ],
    [
      'an unknown patch type',
      () => registry.patch(configMaps, 'default', 'c', 'application/xml', '{}'),
      415,
      'UnsupportedMediaType',
    ],
    [
      'apply without fieldManager',
      () =>
        registry.patch(configMaps, 'default', 'c', PATCH_TYPES.apply, 'apiVersion: v1\nkind: ConfigMap\n'),
      422,
      'Invalid',
    ],
    [
      'apply with managedFields',
      () =>
        registry.patch(
          configMaps,
          'default',
          'c',
          PATCH_TYPES.apply,
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {managedFields: []}\n',
          { fieldManager: 'm' },
        ),
      400,
      'BadRequest',
    ],
    [
      'apply of another apiVersion',
      () =>
        registry.patch(configMaps, 'default', 'c', PATCH_TYPES.apply, 'apiVersion: v2\nkind: ConfigMap\n', {
          fieldManager: 'm',
        }),
      400,
      'BadRequest',
    ],
    [
      'a body name that differs from the URL',
      () => registry.update(configMaps, 'default', 'c', { metadata: { name: 'other' } }),
      400,
      'BadRequest',
    ],
    [
      'create without name or generateName',
      () => registry.create(configMaps, 'default', { metadata: {} }),
      422,
      'Invalid',
    ],
  ])('refuses %s (%i %s)', (_name, call, code, reason) => {
    registry.create(configMaps, 'default', { metadata: { name: 'c' }, data: { a: '1' } });
    const err = failureOf(call);
    expect([err.code, err.reason]).toEqual([code, reason]);
  });

  it('refuses a PUT of a custom resource without resourceVersion (422), but not of a built-in', () => {
    registry.create(widgets, 'default', { metadata: { name: 'w' }, spec: { size: 1 } });
    const err = failureOf(() =>
      registry.update(widgets, 'default', 'w', { metadata: { name: 'w' }, spec: { size: 2 } }),
    );
    expect(err.code).toBe(422);
    expect(err.details?.causes?.[0]?.field).toBe('metadata.resourceVersion');
    registry.create(configMaps, 'default', { metadata: { name: 'c' } });
    expect(
      registry.update(configMaps, 'default', 'c', { metadata: { name: 'c' }, data: { b: '2' } }).object[
        'data'
      ],
    ).toEqual({ b: '2' });
  });

  it('bumps a custom resource generation on any change outside metadata and status', () => {
    registry.create(widgets, 'default', { metadata: { name: 'w' }, spec: { size: 1 } });
    const labelled = registry.patch(
      widgets,
      'default',
      'w',
      PATCH_TYPES.merge,
      '{"metadata":{"labels":{"a":"b"}}}',
    ).object;
    expect(labelled.metadata?.['generation']).toBe(1);
    const top = registry.patch(widgets, 'default', 'w', PATCH_TYPES.merge, '{"extra":true}').object;
    expect(top.metadata?.['generation']).toBe(2);
  });

  it.each([
    [
      { name: 5 },
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    ],
    [
      { name: 'c', labels: { team: 1 } },
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      { name: 'c', finalizers: 'a' },
      'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.finalizers of type []string',
    ],
    [
      { name: 'c', ownerReferences: [{ uid: 7 }] },
      'json: cannot unmarshal number into Go struct field OwnerReference.metadata.ownerReferences.uid of type string',
    ],
  ])("refuses metadata %j of the wrong JSON type with the decoder's 400", (metadata, message) => {
    const err = failureOf(() => registry.create(configMaps, 'default', { metadata }));
    expect(err.code).toBe(400);
    expect(err.message).toBe(`ConfigMap in version "v1" cannot be handled as a ConfigMap: ${message}`);
    const applied = failureOf(() =>
      registry.patch(
        configMaps,
        'default',
        'c',
        PATCH_TYPES.apply,
        JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata }),
        { fieldManager: 'test' },
      ),
    );
    expect(applied.code).toBe(400);
  });

  it('drops a null metadata member, as the decoder reads it as the zero value', () => {
    const created = registry.create(configMaps, 'default', { metadata: { name: 'c', labels: null } });
    expect(created.metadata).not.toHaveProperty('labels');
  });

  it('generateName appends 5 characters from the name alphabet', () => {
    const created = registry.create(configMaps, 'default', { metadata: { generateName: 'job-' } });
    expect(created.metadata?.['name']).toMatch(/^job-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('dryRun create returns a uid but no resourceVersion and stores nothing', () => {
    const preview = registry.create(configMaps, 'default', { metadata: { name: 'dry' } }, { dryRun: true });
    expect(preview.metadata?.['uid']).toBeDefined();
    expect(preview.metadata?.['resourceVersion']).toBeUndefined();
    expect(registry.find(configMaps, 'default', 'dry')).toBeUndefined();
  });

  it('forbids adding finalizers once deletion started', () => {
    registry.create(configMaps, 'default', { metadata: { name: 'held', finalizers: ['a/b'] } });
    registry.delete(configMaps, 'default', 'held');
    const live = registry.get(configMaps, 'default', 'held');
    const err = failureOf(() =>
      registry.update(configMaps, 'default', 'held', {
        ...live,
        metadata: { ...live.metadata, finalizers: ['a/b', 'c/d'] },
      }),
    );
    expect(err.code).toBe(422);
  });
});
