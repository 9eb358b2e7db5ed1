import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from './kube-object';
import { managedResourceDiffs } from './managed-resources';

const deployment = (replicas: number, image = 'nginx:1.27'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'demo' },
  spec: {
    replicas,
    template: { spec: { containers: [{ name: 'web', image }] } },
  },
});

/** What the API server makes of it: server metadata, defaults in the container, a status. */
const live = (replicas: number, image = 'nginx:1.27'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'demo',
    uid: 'u1',
    resourceVersion: '42',
    managedFields: [{ manager: 'berth' }],
  },
  spec: {
    replicas,
    progressDeadlineSeconds: 600,
    template: {
      spec: { containers: [{ name: 'web', image, terminationMessagePath: '/dev/termination-log' }] },
    },
  },
  status: { readyReplicas: replicas },
});

const parse = (text: string): unknown => JSON.parse(text) as unknown;

describe('managedResourceDiffs', () => {
  it('gives target, live, normalized live and a prediction that differs from it only where Git does', () => {
    const [d] = managedResourceDiffs([deployment(3, 'nginx:1.28')], [live(1)]);
    expect(d).toMatchObject({
      group: 'apps',
      kind: 'Deployment',
      namespace: 'demo',
      name: 'web',
      modified: true,
      hook: false,
      resourceVersion: '42',
      diff: '',
    });
    expect(parse(d!.targetState)).toEqual(deployment(3, 'nginx:1.28'));
    expect(parse(d!.liveState)).toEqual(live(1));
    const normalized = parse(d!.normalizedLiveState) as KubeObject;
    expect(normalized.metadata).toEqual({ name: 'web', namespace: 'demo' });
    expect(normalized['status']).toBeUndefined();
    // The prediction keeps the server's defaults and takes Git's values: only replicas and image change.
    const { metadata: _metadata, status: _status, ...expected } = live(3, 'nginx:1.28');
    expect(parse(d!.predictedLiveState)).toEqual({
      ...expected,
      metadata: { name: 'web', namespace: 'demo' },
    });
  });

  it('a Synced resource predicts its normalized live state exactly', () => {
    const [d] = managedResourceDiffs([deployment(2)], [live(2)]);
    expect(d!.modified).toBe(false);
    expect(d!.predictedLiveState).toBe(d!.normalizedLiveState);
  });

  it('missing live: live states are "null", the prediction is what Git declares', () => {
    const [d] = managedResourceDiffs([deployment(2)], []);
    expect(d).toMatchObject({
      modified: true,
      liveState: 'null',
      normalizedLiveState: 'null',
      resourceVersion: '',
    });
    expect(parse(d!.predictedLiveState)).toEqual(deployment(2));
  });

  it('a tracked live object Git dropped: target "null", modified, normalized live given', () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'old', namespace: 'demo', uid: 'u2', resourceVersion: '7' },
      data: { a: '1' },
    };
    const [d] = managedResourceDiffs([], [cm]);
    expect(d).toMatchObject({
      group: '',
      kind: 'ConfigMap',
      name: 'old',
      modified: true,
      targetState: 'null',
    });
    expect(parse(d!.normalizedLiveState)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'old', namespace: 'demo' },
      data: { a: '1' },
    });
    expect(d!.predictedLiveState).toBe('null');
  });

  it('ignoreDifferences of the app apply: an ignored field is neither drift nor in the states compared', () => {
    const [d] = managedResourceDiffs([deployment(3)], [live(1)], {
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
    });
    expect(d!.modified).toBe(false);
    expect(
      (parse(d!.normalizedLiveState) as { spec: Record<string, unknown> }).spec['replicas'],
    ).toBeUndefined();
  });

  it('masks Secret values in every state; a changed value gets a different mask on the live side', () => {
    const secret = (b: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'demo' },
      data: { same: 'c2FtZQ==', changed: b },
    });
    const [d] = managedResourceDiffs([secret('bmV3')], [secret('b2xk')]);
    const all = [d!.targetState, d!.liveState, d!.normalizedLiveState, d!.predictedLiveState].join();
    expect(all).not.toMatch(/c2FtZQ|bmV3|b2xk/);
    expect(parse(d!.liveState)).toMatchObject({ data: { same: '++++++++', changed: '+++++++++' } });
    expect(parse(d!.targetState)).toMatchObject({ data: { same: '++++++++', changed: '++++++++' } });
    expect(d!.modified).toBe(true);
  });

  it("filters as Argo CD's isMatchingResource (name, namespace, group, kind)", () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web', namespace: 'demo' },
    };
    const both = [deployment(1), cm];
    expect(managedResourceDiffs(both, [], {}, { kind: 'ConfigMap' }).map((d) => d.kind)).toEqual([
      'ConfigMap',
    ]);
    expect(managedResourceDiffs(both, [], {}, { group: 'apps' }).map((d) => d.kind)).toEqual(['Deployment']);
    expect(managedResourceDiffs(both, [], {}, { name: 'web', namespace: 'demo' })).toHaveLength(2);
    expect(managedResourceDiffs(both, [], {}, { namespace: 'other' })).toEqual([]);
  });

  it('marks hooks', () => {
    const hook: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'demo', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } },
    };
    expect(managedResourceDiffs([hook], [])[0]).toMatchObject({ hook: true, kind: 'Job' });
  });
});
