import { describe, expect, it } from '@jest/globals';
import { threeWayMergePatch } from './three-way-merge-patch';

type Json = Record<string, unknown>;

function deployment(containers: Json[], extra: Json = {}): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { replicas: 1, template: { spec: { containers, ...extra } } },
  };
}

const strategic = (kind: string) => ({ type: 'strategic' as const, kind });

describe('threeWayMergePatch (kubectl apply, client-side)', () => {
  it('sends nothing when what is applied is what runs, whatever else live holds', () => {
    const applied = deployment([{ name: 'web', image: 'nginx:1.27' }]);
    const live = deployment(
      [
        { name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' },
        { name: 'proxy', image: 'envoy' },
      ],
      { volumes: [{ name: 'proxy-config', emptyDir: {} }] },
    );
    expect(threeWayMergePatch(applied, applied, live, strategic('Deployment'))).toEqual({});
  });

  it('changes a container by its merge key and leaves a webhook’s sidecar and volume alone', () => {
    const original = deployment([{ name: 'web', image: 'nginx:1.27' }]);
    const modified = deployment([{ name: 'web', image: 'nginx:1.28' }]);
    const live = deployment(
      [
        { name: 'web', image: 'nginx:1.27' },
        { name: 'proxy', image: 'envoy' },
      ],
      { volumes: [{ name: 'proxy-config', emptyDir: {} }] },
    );
    expect(threeWayMergePatch(original, modified, live, strategic('Deployment'))).toEqual({
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } },
    });
  });

  it('deletes what the last apply declared and Git dropped: a label, an env var, a container', () => {
    const original = {
      ...deployment([
        {
          name: 'web',
          image: 'nginx',
          env: [
            { name: 'OLD', value: '1' },
            { name: 'KEEP', value: '2' },
          ],
        },
        { name: 'helper', image: 'busybox' },
      ]),
      metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
    };
    const modified = deployment([{ name: 'web', image: 'nginx', env: [{ name: 'KEEP', value: '2' }] }]);
    const live = {
      ...original,
      metadata: { name: 'web', labels: { app: 'web', tier: 'front', 'added-by': 'controller' } },
    };
    expect(threeWayMergePatch(original, modified, live, strategic('Deployment'))).toEqual({
      metadata: { labels: { tier: null } },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'web', env: [{ name: 'OLD', $patch: 'delete' }] },
              { name: 'helper', $patch: 'delete' },
            ],
          },
        },
      },
    });
  });

  it('replaces lists without a merge key whole (args), and keys Service ports by port', () => {
    const original = {
      kind: 'Service',
      spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] },
    };
    const modified = { kind: 'Service', spec: { ports: [{ port: 80, targetPort: 9090 }] } };
    expect(threeWayMergePatch(original, modified, original, strategic('Service'))).toEqual({
      spec: {
        ports: [
          { port: 443, $patch: 'delete' },
          { port: 80, targetPort: 9090 },
        ],
      },
    });
    const withArgs = deployment([{ name: 'web', image: 'x', args: ['--a', '--b'] }]);
    const fewer = deployment([{ name: 'web', image: 'x', args: ['--a'] }]);
    expect(threeWayMergePatch(withArgs, fewer, withArgs, strategic('Deployment'))).toEqual({
      spec: { template: { spec: { containers: [{ name: 'web', args: ['--a'] }] } } },
    });
  });

  it('merges finalizers as a set', () => {
    const original = { metadata: { finalizers: ['a', 'b'] } };
    const modified = { metadata: { finalizers: ['a', 'c'] } };
    const live = { metadata: { finalizers: ['a', 'b', 'controller'] } };
    expect(threeWayMergePatch(original, modified, live, strategic('ConfigMap'))).toEqual({
      metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['b'] },
    });
  });

  it('a custom resource gets a JSON merge patch: lists replaced whole, dropped fields null', () => {
    const original = { spec: { hosts: ['a', 'b'], timeout: '5s', retries: { attempts: 3 } } };
    const modified = { spec: { hosts: ['a'], retries: { attempts: 3 } } };
    const live = {
      spec: { hosts: ['a', 'b'], timeout: '5s', retries: { attempts: 3, perTry: '1s' } },
      status: {},
    };
    expect(threeWayMergePatch(original, modified, live, { type: 'json-merge' })).toEqual({
      spec: { hosts: ['a'], timeout: null },
    });
  });

  it('without a last-applied annotation nothing is deleted', () => {
    const modified = { metadata: { labels: { a: '1' } } };
    const live = { metadata: { labels: { a: '0', b: '2' } } };
    expect(threeWayMergePatch(undefined, modified, live, strategic('ConfigMap'))).toEqual({
      metadata: { labels: { a: '1' } },
    });
  });
});
