import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from './kube-object';
import { applyIgnoredFromLive } from './respect-ignore-differences';

const deployment = (
  replicas: number | undefined,
  image: string,
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', ...extra },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    template: { spec: { containers: [{ name: 'app', image }] } },
  },
});

describe('applyIgnoredFromLive (RespectIgnoreDifferences=true)', () => {
  const rules = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];

  it('keeps the live value of an ignored field and Git for the rest', () => {
    const out = applyIgnoredFromLive(deployment(2, 'app:2'), deployment(7, 'app:1'), rules);
    expect(out['spec']).toEqual({
      replicas: 7,
      template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } },
    });
  });

  it('drops an ignored field live does not have, and applies Git as-is for a new resource', () => {
    expect(
      applyIgnoredFromLive(deployment(2, 'a'), deployment(undefined, 'a'), rules)['spec'] as object,
    ).not.toHaveProperty('replicas');
    expect(applyIgnoredFromLive(deployment(2, 'a'), undefined, rules)).toEqual(deployment(2, 'a'));
  });

  it('resolves managedFields list items by key on each side', () => {
    const live = deployment(3, 'injected:1', {
      managedFields: [
        {
          manager: 'image-updater',
          fieldsV1: {
            'f:spec': {
              'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } },
            },
          },
        },
      ],
    });
    const out = applyIgnoredFromLive(deployment(3, 'git:1'), live, [
      { group: 'apps', kind: 'Deployment', managedFieldsManagers: ['image-updater'] },
    ]);
    expect(out['spec']).toMatchObject({
      template: { spec: { containers: [{ name: 'app', image: 'injected:1' }] } },
    });
  });

  it('copies values at jq paths resolved on live', () => {
    const out = applyIgnoredFromLive(
      deployment(2, 'git'),
      deployment(2, 'live'),
      [],
      [['spec', 'template', 'spec', 'containers', 0, 'image']],
    );
    expect(out['spec']).toMatchObject({ template: { spec: { containers: [{ image: 'live' }] } } });
  });
});
