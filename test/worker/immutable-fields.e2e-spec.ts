import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SyncOperationFailed } from '@berth/domain';
import { WorkerHarness } from './worker-harness';

// Issue #20 item 3 through Berth: a commit that changes a Deployment's selector is refused by the cluster as
// a real API server refuses it (422, "field is immutable"), the sync fails with that message, and the sync
// options Argo CD documents for it (Replace=true with Force=true, or Force=true on a client-side apply)
// delete and recreate the Deployment. The worker has no sandbox-specific branch: it meets the refusal.

function deployment(app: string, options?: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
${options ? `  annotations:\n    argocd.argoproj.io/sync-options: "${options}"\n` : ''}spec:
  replicas: 1
  selector:
    matchLabels: { app: ${app} }
  template:
    metadata:
      labels: { app: ${app} }
    spec:
      containers: [{ name: web, image: "nginx:1.27" }]
`;
}

describe('an immutable field changed in Git (a Deployment selector)', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start();
  }, 60_000);
  afterAll(async () => h?.stop());

  const sync = async (app: string) =>
    h.sync().process({ application: app, operationId: await h.requestSync(app) });
  const lastFailure = async (app: string) =>
    (await h.events(app)).filter((e): e is SyncOperationFailed => e.type === 'SyncOperationFailed').at(-1)
      ?.data;
  const live = (app: string) =>
    h.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: app, name: 'web' });
  const refused =
    'Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web-v2"}}: field is immutable';

  async function deployedThenSelectorChanged(app: string, syncPolicy: Record<string, unknown> = {}) {
    await h.repo.commit({ [`${app}/deployment.yaml`]: deployment('web') });
    await h.createApp(app, app, syncPolicy);
    expect(await sync(app)).toBe('Succeeded');
    await h.repo.commit({ [`${app}/deployment.yaml`]: deployment('web-v2') });
    return (await live(app))?.metadata['uid'];
  }

  it('fails to sync with the API server message, and the live Deployment is left as it was', async () => {
    await deployedThenSelectorChanged('plain');
    expect(await sync('plain')).toBe('Failed');
    expect((await lastFailure('plain'))?.message).toContain(refused);
    expect((await live('plain'))?.['spec']).toMatchObject({ selector: { matchLabels: { app: 'web' } } });
  });

  it('Replace=true alone is refused the same way (a PUT is validated like a patch)', async () => {
    const uid = await deployedThenSelectorChanged('replace-only');
    await h.repo.commit({ 'replace-only/deployment.yaml': deployment('web-v2', 'Replace=true') });
    expect(await sync('replace-only')).toBe('Failed');
    expect((await lastFailure('replace-only'))?.message).toContain(refused);
    expect((await live('replace-only'))?.metadata['uid']).toBe(uid);
  });

  it('Force=true,Replace=true deletes and recreates it with the new selector', async () => {
    const uid = await deployedThenSelectorChanged('forced');
    await h.repo.commit({ 'forced/deployment.yaml': deployment('web-v2', 'Force=true,Replace=true') });
    expect(await sync('forced')).toBe('Succeeded');
    const recreated = await live('forced');
    expect(recreated?.metadata['uid']).not.toBe(uid);
    expect(recreated?.['spec']).toMatchObject({ selector: { matchLabels: { app: 'web-v2' } } });
    await h.refreshUntilHealth('forced', 'Healthy');
    expect(await h.view('forced')).toMatchObject({ sync_status: 'Synced' });
  });

  it('Force=true on a client-side apply (kubectl apply --force) recreates it too', async () => {
    const uid = await deployedThenSelectorChanged('apply-force', {
      syncOptions: ['CreateNamespace=true', 'ServerSideApply=false'],
    });
    await h.repo.commit({ 'apply-force/deployment.yaml': deployment('web-v2', 'Force=true') });
    expect(await sync('apply-force')).toBe('Succeeded');
    const recreated = await live('apply-force');
    expect(recreated?.metadata['uid']).not.toBe(uid);
    expect(recreated?.['spec']).toMatchObject({ selector: { matchLabels: { app: 'web-v2' } } });
  });
});
