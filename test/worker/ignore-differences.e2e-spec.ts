import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { guestbook, under, WorkerHarness } from './worker-harness';

// The article's §5.3: replicas managed by an HPA (or a person) must not count as drift, and with
// RespectIgnoreDifferences=true a sync must not reset them either (Argo CD's semantics).
const deployment = (ns: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: ns,
  name: 'guestbook-ui',
});
const ignoreReplicas = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];

describe('ignoreDifferences and RespectIgnoreDifferences', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start();
    await h.repo.commit({
      ...under('hpa', guestbook()),
      ...under('plain', guestbook()),
      ...under('jq', guestbook()),
    });
  }, 60_000);
  afterAll(async () => h?.stop());

  async function deployAndScale(name: string, syncOptions: string[]) {
    const manifest = h.manifest(name, name, { syncOptions: ['CreateNamespace=true', ...syncOptions] });
    manifest.spec['ignoreDifferences'] = ignoreReplicas;
    await h.createAppFromManifest(manifest);
    const first = await h.requestSync(name);
    expect(await h.sync().process({ application: name, operationId: first })).toBe('Succeeded');
    await h.cluster.mergePatch(deployment(name), { spec: { replicas: 4 } });
    await h.refresh().process({ application: name, hard: false, reason: 'test' });
  }

  const replicas = async (ns: string) =>
    ((await h.cluster.get(deployment(ns)))?.['spec'] as { replicas: number }).replicas;

  it('scaled replicas are not drift, and a sync with RespectIgnoreDifferences keeps them', async () => {
    await deployAndScale('hpa', ['RespectIgnoreDifferences=true']);
    expect((await h.view('hpa')).sync_status).toBe('Synced');
    const again = await h.requestSync('hpa');
    expect(await h.sync().process({ application: 'hpa', operationId: again })).toBe('Succeeded');
    expect(await replicas('hpa')).toBe(4);
  });

  it('without RespectIgnoreDifferences a sync applies Git as written and resets them', async () => {
    await deployAndScale('plain', []);
    expect((await h.view('plain')).sync_status).toBe('Synced');
    const again = await h.requestSync('plain');
    expect(await h.sync().process({ application: 'plain', operationId: again })).toBe('Succeeded');
    expect(await replicas('plain')).toBe(1);
  });

  it('jq rules never break the diff: a run-time error ignores nothing, a syntax error is one condition naming the rule', async () => {
    const manifest = h.manifest('jq', 'jq', { syncOptions: ['CreateNamespace=true'] });
    manifest.spec['ignoreDifferences'] = [
      {
        group: 'apps',
        kind: 'Deployment',
        jqPathExpressions: [
          // The guestbook Deployment has no initContainers: jq fails at run time, which ignores nothing.
          '.spec.template.spec.initContainers[] | select(.name == "vault-agent-init") | .image',
          '.spec.replicas',
        ],
      },
      { group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.replicas['] },
    ];
    await h.createAppFromManifest(manifest);
    const first = await h.requestSync('jq');
    expect(await h.sync().process({ application: 'jq', operationId: first })).toBe('Succeeded');
    await h.cluster.mergePatch(deployment('jq'), { spec: { replicas: 3 } });
    await h.refresh().process({ application: 'jq', hard: false, reason: 'test' });
    await h.refresh().process({ application: 'jq', hard: false, reason: 'test' });
    expect((await h.view('jq')).sync_status).toBe('Synced');
    const raised = (await h.events('jq')).filter((e) => e.type === 'ConditionRaised');
    expect(raised.map((e) => e.data)).toEqual([
      {
        application: 'jq',
        conditionType: 'InvalidSpecError',
        message: expect.stringMatching(
          /^spec\.ignoreDifferences\[1\]\.jqPathExpressions\[0\]: "\.spec\.replicas\[" is not a valid jq path expression \(syntax error/,
        ) as unknown as string,
      },
    ]);
  });
});
