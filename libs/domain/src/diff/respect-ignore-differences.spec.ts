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
    const out = applyIgnoredFromLive(deployment(2, 'git'), deployment(2, 'live'), [], {
      live: [['spec', 'template', 'spec', 'containers', 0, 'image']],
    });
    expect(out['spec']).toMatchObject({ template: { spec: { containers: [{ image: 'live' }] } } });
  });
});

describe('applyIgnoredFromLive keeps what Git declares intact (item 7)', () => {
  const withEnv = (env: Array<{ name: string; value: string }>, extra: Record<string, unknown> = {}) =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', env }] } } },
      ...extra,
    }) as KubeObject;
  const envOf = (obj: KubeObject) =>
    (obj['spec'] as { template: { spec: { containers: Array<{ env: unknown }> } } }).template.spec
      .containers[0]!.env;

  it('carries an ignored env var over from live by name, never onto the Git entry at the same position', () => {
    // jq `.spec.template.spec.containers[].env[] | select(.name == "VERSION")` resolved on live: env index 0.
    const live = withEnv([
      { name: 'VERSION', value: 'live-7' },
      { name: 'LOG_LEVEL', value: 'debug' },
    ]);
    const desired = withEnv([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'VERSION', value: 'git-1' },
    ]);
    const out = applyIgnoredFromLive(desired, live, [], {
      live: [['spec', 'template', 'spec', 'containers', 0, 'env', 0]],
    });
    expect(envOf(out)).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'VERSION', value: 'live-7' },
    ]);
  });

  it('adds an ignored entry only live has by its key, and removes an ignored entry only Git has', () => {
    // jq `.spec.template.spec.containers[].env[] | select(.name | startswith("X_"))`, resolved on each side.
    const live = withEnv([
      { name: 'X_LIVE', value: 'live' },
      { name: 'A', value: '1' },
    ]);
    const desired = withEnv([
      { name: 'A', value: '1' },
      { name: 'X_GIT', value: 'git' },
    ]);
    const envPath = (i: number) => ['spec', 'template', 'spec', 'containers', 0, 'env', i];
    const out = applyIgnoredFromLive(desired, live, [], { live: [envPath(0)], desired: [envPath(1)] });
    expect(envOf(out)).toEqual([
      { name: 'A', value: '1' },
      { name: 'X_LIVE', value: 'live' },
    ]);
  });

  it('never copies live status into what is applied when /status is ignored', () => {
    const rules = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/status', '/spec/replicas'] }];
    const live = { ...deployment(5, 'app:1'), status: { replicas: 5, readyReplicas: 5 } };
    const out = applyIgnoredFromLive(deployment(2, 'app:2'), live, rules);
    expect(out).not.toHaveProperty('status');
    expect(out['spec']).toMatchObject({ replicas: 5 });
  });
});
