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
    await h.repo.commit({ ...under('hpa', guestbook()), ...under('plain', guestbook()) });
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
});
