import { describe, expect, it } from '@jest/globals';
import {
  type NamespaceResource,
  orphanedResourcesCondition,
  orphanedResourcesOf,
} from './orphaned-resources';

const r = (
  group: string,
  kind: string,
  name: string,
  extra: Partial<NamespaceResource> = {},
): NamespaceResource => ({
  group,
  kind,
  name,
  tracked: false,
  owned: false,
  ...extra,
});

describe('orphaned resources (Argo CD AppProject orphanedResources)', () => {
  const namespace = [
    r('', 'ConfigMap', 'stray'),
    r('', 'ConfigMap', 'mine', { tracked: true }),
    r('', 'Pod', 'web-abc', { owned: true }),
    r('', 'ServiceAccount', 'default'),
    r('', 'ConfigMap', 'kube-root-ca.crt'),
    r('apps', 'Deployment', 'legacy'),
    r('', 'Secret', 'token'),
  ];

  it.each([
    [
      'no ignore list: every top-level untracked object but the per-namespace defaults',
      {},
      ['/ConfigMap/stray', '/Secret/token', 'apps/Deployment/legacy'],
    ],
    [
      'a kind ignored (no group written: the core group)',
      { ignore: [{ kind: 'Secret' }] },
      ['/ConfigMap/stray', 'apps/Deployment/legacy'],
    ],
    [
      'a name glob',
      { ignore: [{ kind: 'ConfigMap', name: 'str*' }] },
      ['/Secret/token', 'apps/Deployment/legacy'],
    ],
    ['a group glob with any kind', { ignore: [{ group: 'app*' }] }, ['/ConfigMap/stray', '/Secret/token']],
  ])('%s', (_title, settings, expected) => {
    expect(
      orphanedResourcesOf({ warn: true, ...settings }, namespace).map(
        (o) => `${o.group}/${o.kind}/${o.name}`,
      ),
    ).toEqual(expected);
  });

  it("the API server's `kubernetes` Service is no orphan in `default`, and one elsewhere", () => {
    const svc = (namespace: string) => r('', 'Service', 'kubernetes', { namespace });
    expect(orphanedResourcesOf({}, [svc('default'), svc('shop')]).map((o) => o.namespace)).toEqual(['shop']);
  });

  it('warns only when warn is on and there is an orphan, with Argo CD’s message', () => {
    expect(orphanedResourcesCondition({ warn: true }, namespace)).toEqual({
      type: 'OrphanedResourceWarning',
      message: 'Application has 3 orphaned resources',
    });
    expect(orphanedResourcesCondition({ warn: false }, namespace)).toBeUndefined();
    expect(orphanedResourcesCondition(undefined, namespace)).toBeUndefined();
    expect(
      orphanedResourcesCondition({ warn: true }, [r('', 'ConfigMap', 'x', { tracked: true })]),
    ).toBeUndefined();
  });
});
