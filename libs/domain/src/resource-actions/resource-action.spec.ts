import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../errors/domain-error';
import type { KubeObject } from '../diff/kube-object';
import { createMergePatch } from '../diff/json-merge-patch';
import { actionResultPatch, objectAsScriptSees } from './resource-action';

const live: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    managedFields: [{ manager: 'berth' }],
    creationTimestamp: null,
  },
  spec: {
    replicas: 2,
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web' }], volumes: [] } },
  },
};

describe('createMergePatch (RFC 7386, as Go jsonpatch.CreateMergePatch)', () => {
  it.each([
    ['equal objects', { a: 1, b: { c: [1] } }, { a: 1, b: { c: [1] } }, {}],
    ['a changed member', { a: 1 }, { a: 2 }, { a: 2 }],
    ['a removed member is null', { a: 1, b: 2 }, { a: 1 }, { b: null }],
    [
      'nested maps member by member',
      { m: { x: 1, y: 2 } },
      { m: { x: 1, y: 3, z: 4 } },
      { m: { y: 3, z: 4 } },
    ],
    ['a changed list is sent whole', { l: [1, 2] }, { l: [1, 3] }, { l: [1, 3] }],
    ['a map replaced by a scalar', { m: { x: 1 } }, { m: 'x' }, { m: 'x' }],
  ])('%s', (_what, from, to, patch) => {
    expect(createMergePatch(from, to)).toEqual(patch);
  });
});

describe('actionResultPatch', () => {
  const seen = objectAsScriptSees(live);

  it('the script sees no nulls and no managedFields', () => {
    expect(seen['metadata']).toEqual({ name: 'web', namespace: 'shop' });
  });

  it('is the merge patch from what the script saw to what it returned; what it could not see is kept', () => {
    const result = structuredClone(seen) as { spec: { paused?: boolean } };
    result.spec.paused = true;
    expect(actionResultPatch(live, result, 'pause/action.lua')).toEqual({ spec: { paused: true } });
  });

  it("an empty list comes back from Lua as {}: read as the list it was (Argo CD's cleanReturnedObj)", () => {
    const result = structuredClone(seen) as { spec: { template: { spec: { volumes: unknown } } } };
    result.spec.template.spec.volumes = {};
    expect(actionResultPatch(live, result, 'a.lua')).toEqual({});
  });

  it('takes the newer result form, one patch of the object itself', () => {
    const resource = structuredClone(seen) as { spec: { replicas: number } };
    resource.spec.replicas = 3;
    expect(actionResultPatch(live, [{ operation: 'patch', resource }], 'scale/action.lua')).toEqual({
      spec: { replicas: 3 },
    });
  });

  it.each([
    ['nothing', undefined, /returned nothing/],
    ['a string', 'ok', /returned a string/],
    [
      'another object',
      { ...seen, metadata: { name: 'other', namespace: 'shop' } },
      /another object .*"other"/,
    ],
    ['another kind', { ...seen, kind: 'StatefulSet' }, /another object \(StatefulSet/],
    ['a create operation', [{ operation: 'create', resource: {} }], /operations \[create\]/],
  ])('refuses %s with a 409 naming the script', (_what, result, message) => {
    let error: unknown;
    try {
      actionResultPatch(live, result, 'x/action.lua');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('Conflict');
    expect((error as DomainError).message).toMatch(message);
    expect((error as DomainError).message).toMatch(/x\/action\.lua/);
  });
});
