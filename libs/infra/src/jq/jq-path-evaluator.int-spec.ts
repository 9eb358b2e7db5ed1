import { describe, expect, it } from '@jest/globals';
import { diffResource, type KubeObject, resolveJqPaths } from '@berth/domain';
import { JqWasmPathEvaluator } from './jq-path-evaluator';

const deployment = (appImage: string, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', annotations: { 'example.io/build': '42' } },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          { name: 'proxy', image: 'envoy:1.30' },
          { name: 'app', image: appImage },
        ],
      },
    },
  },
});

describe('JqWasmPathEvaluator (real jq-wasm)', () => {
  const jq = new JqWasmPathEvaluator();

  it.each<[string, Array<Array<string | number>>]>([
    ['.spec.replicas', [['spec', 'replicas']]],
    [
      '.spec.template.spec.containers[] | select(.name == "app") | .image',
      [['spec', 'template', 'spec', 'containers', 1, 'image']],
    ],
    ['.metadata.annotations["example.io/build"]', [['metadata', 'annotations', 'example.io/build']]],
    [
      '.spec.template.spec.containers[].image',
      [
        ['spec', 'template', 'spec', 'containers', 0, 'image'],
        ['spec', 'template', 'spec', 'containers', 1, 'image'],
      ],
    ],
    ['.spec.template.spec.containers[] | select(.name == "absent") | .image', []],
  ])('%s', async (expr, paths) => {
    expect(await jq.paths(deployment('app:1', 1), expr)).toEqual({ ok: true, paths });
  });

  it('answers a syntax failure for an expression jq cannot compile, and a run-time one for an absent list', async () => {
    expect(await jq.paths(deployment('a', 1), '.spec[')).toEqual({
      ok: false,
      kind: 'syntax',
      message: expect.stringMatching(/^syntax error, unexpected/) as unknown as string,
    });
    expect(await jq.paths(deployment('a', 1), '.spec.template.spec.initContainers[] | .image')).toEqual({
      ok: false,
      kind: 'runtime',
      message: 'Cannot iterate over null (…)',
    });
  });

  it('does not leak the values jq fails on', async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { password: 'c3VwZXItc2VjcmV0' },
    };
    const answer = await jq.paths(secret, '.data.password[]');
    expect(answer).toMatchObject({ ok: false, kind: 'runtime' });
    expect(JSON.stringify(answer)).not.toContain('c3VwZXItc2VjcmV0');
  });

  it('drives ignoreDifferences jqPathExpressions end to end', async () => {
    const rules = [
      {
        group: 'apps',
        kind: 'Deployment',
        jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "app") | .image'],
      },
    ];
    const desired = deployment('app:git', 1);
    const live = deployment('app:pinned-by-updater', 1);
    const jqPaths = await resolveJqPaths(desired, live, rules, jq);
    expect(diffResource(desired, live, { ignoreDifferences: rules, jqPaths }).status).toBe('Synced');
    const scaled = deployment('app:pinned-by-updater', 4);
    const jqPaths2 = await resolveJqPaths(desired, scaled, rules, jq);
    expect(
      diffResource(desired, scaled, { ignoreDifferences: rules, jqPaths: jqPaths2 }).changes.map(
        (c) => c.path,
      ),
    ).toEqual(['/spec/replicas']);
  });

  it('a run-time error (iterating an absent list) leaves nothing to ignore and the diff runs, as in Argo CD', async () => {
    const rules = [
      {
        group: 'apps',
        kind: 'Deployment',
        jqPathExpressions: [
          '.spec.template.spec.initContainers[] | select(.name == "vault-agent-init") | .image',
          '.spec.replicas',
        ],
      },
    ];
    const desired = deployment('app:git', 1);
    const live = deployment('app:live', 3);
    const jqPaths = await resolveJqPaths(desired, live, rules, jq);
    expect(jqPaths.invalid ?? []).toEqual([]);
    expect(
      diffResource(desired, live, { ignoreDifferences: rules, jqPaths }).changes.map((c) => c.path),
    ).toEqual(['/spec/template/spec/containers/1/image']);
  });
});
