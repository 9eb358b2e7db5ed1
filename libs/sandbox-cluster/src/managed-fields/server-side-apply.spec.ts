import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { Container, Deployment } from '../api/builtin-kinds';
import type { KubeObject } from '../api/resource-type';
import { ApiStatusError } from '../errors/api-status.error';
import { valueAt } from '../store/object-utils';
import { compareObjects, fromFieldsV1, pathToString, toFieldSet, toFieldsV1 } from './field-set';
import type { ManagedFieldsEntry } from './managed-fields';
import { ownedView, recordUpdate, serverSideApply } from './server-side-apply';

const ctx = { builtin: true, kind: 'Deployment' };
const testdata = resolve('libs/sandbox-cluster/testdata');
const config = parse(readFileSync(resolve(testdata, 'web-deployment.yaml'), 'utf8')) as Deployment;
const identity = (o: KubeObject) => o;

function apply(live: KubeObject | undefined, cfg: KubeObject, manager: string, force = false): Deployment {
  return serverSideApply({
    ctx,
    live,
    config: cfg,
    manager,
    apiVersion: 'apps/v1',
    force,
    now: '2025-01-01T00:00:00Z',
    dropStatus: true,
    finalize: identity,
  });
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The first container of a Deployment's pod template (the testdata has one). */
const container = (d: Deployment): Container => d.spec!.template!.spec!.containers![0]!;

/** Each manager's FieldsV1, by manager name. */
const ownersOf = (obj: KubeObject): Record<string, ManagedFieldsEntry['fieldsV1']> =>
  Object.fromEntries(
    ((obj.metadata?.managedFields ?? []) as ManagedFieldsEntry[]).map((m) => [m.manager, m.fieldsV1]),
  );

describe('FieldsV1', () => {
  it('encodes the applied set of a Deployment like the API server (golden)', () => {
    const golden: unknown = parse(readFileSync(resolve(testdata, 'web-deployment.fieldsv1.yaml'), 'utf8'));
    expect(toFieldsV1(toFieldSet(ctx, ownedView(config, true)))).toEqual(golden);
  });

  it('round-trips through the trie encoding', () => {
    const set = toFieldSet(ctx, ownedView(config, true));
    expect([...fromFieldsV1(toFieldsV1(set))].sort()).toEqual([...set].sort());
  });

  it.each([
    [['f:spec', 'f:replicas'], '.spec.replicas'],
    [
      ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'],
      '.spec.template.spec.containers[name="web"].image',
    ],
    [['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}'], '.spec.ports[port=80,protocol="TCP"]'],
    [['f:metadata', 'f:finalizers', 'v:"a"'], '.metadata.finalizers[="a"]'],
  ])('prints %j as %s', (elements, text) => {
    expect(pathToString(elements.join('\n'))).toBe(text);
  });

  it('compares objects into added, modified and removed paths', () => {
    const before = { spec: { replicas: 1, paused: true } };
    const after = { metadata: { labels: { a: 'b' } }, spec: { replicas: 2 } };
    const cmp = compareObjects(ctx, before, after);
    expect([...cmp.added].sort()).toEqual(['f:metadata\nf:labels', 'f:metadata\nf:labels\nf:a']);
    expect([...cmp.modified]).toEqual(['f:spec\nf:replicas']);
    expect([...cmp.removed]).toEqual(['f:spec\nf:paused']);
  });
});

/** Behaviour from https://kubernetes.io/docs/reference/using-api/server-side-apply/ */
describe('server-side apply', () => {
  const base = (): Deployment => ({ ...clone(config), metadata: { ...clone(config.metadata), name: 'web' } });

  it('applying the same config twice changes nothing', () => {
    const first = apply(undefined, base(), 'berth');
    const second = apply(first, base(), 'berth');
    expect(second).toEqual(first);
  });

  it('removes a field the manager stopped applying, unless someone else owns it', () => {
    const first = apply(undefined, base(), 'berth');
    const smaller = base();
    container(smaller).env = [{ name: 'GREETING', value: 'hello' }];
    const pruned = apply(first, smaller, 'berth');
    expect(container(pruned).env).toEqual([{ name: 'GREETING', value: 'hello' }]);

    const shared = apply(
      first,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          template: { spec: { containers: [{ name: 'web', env: [{ name: 'COLOR', value: 'blue' }] }] } },
        },
      },
      'other',
    );
    const kept = apply(shared, smaller, 'berth');
    expect(container(kept).env?.map((e) => e.name)).toEqual(['GREETING', 'COLOR']);
  });

  it('conflicts on a field another manager owns with a different value, and force takes it', () => {
    const first = apply(undefined, base(), 'berth');
    const scaled = base();
    scaled.spec!.replicas = 5;
    let conflict: ApiStatusError | undefined;
    try {
      apply(first, scaled, 'ops');
    } catch (err) {
      conflict = err as ApiStatusError;
    }
    expect(conflict?.code).toBe(409);
    expect(conflict?.details?.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "berth"', field: '.spec.replicas' },
    ]);
    const forced = apply(first, scaled, 'ops', true);
    const owners = ownersOf(forced);
    expect(valueAt(owners['ops'], 'f:spec', 'f:replicas')).toEqual({});
    expect(valueAt(owners['berth'], 'f:spec', 'f:replicas')).toBeUndefined();
  });

  it('an Update (PUT/PATCH) takes the fields it changed from the other managers', () => {
    const first = apply(undefined, base(), 'berth');
    const edited = clone(first);
    edited.spec!.replicas = 3;
    const updated = recordUpdate({
      ctx,
      live: first,
      updated: edited,
      manager: 'kubectl-edit',
      apiVersion: 'apps/v1',
      now: '2025-01-01T00:00:00Z',
      dropStatus: false,
    });
    const entries = (updated.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
    expect(entries.find((m) => m.manager === 'kubectl-edit')).toMatchObject({
      operation: 'Update',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    expect(valueAt(ownersOf(updated)['berth'], 'f:spec', 'f:replicas')).toBeUndefined();
    const reapplied = base();
    let conflict: ApiStatusError | undefined;
    try {
      apply(updated, reapplied, 'berth');
    } catch (err) {
      conflict = err as ApiStatusError;
    }
    expect(conflict?.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
  });
});
