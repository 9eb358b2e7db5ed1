import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applicationEvent } from '@berth/domain';
import { eventually } from '@berth/testing';
import { guestbook, under, WorkerHarness } from './worker-harness';

// DELETE /api/v1/applications/:name[?cascade=false]: the scheduler appends ApplicationDeleted and
// asks for a refresh; the refresh of a deleted app deletes its resources when cascade is on.
let h: WorkerHarness;

beforeAll(async () => {
  h = await WorkerHarness.start();
  await h.repo.commit({
    ...under('cascade', guestbook()),
    ...under('orphan', guestbook()),
    ...under('narrowed', { ...guestbook(), 'crd.yaml': WIDGET_CRD }),
  });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, listKind: WidgetList }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;

const deploymentIn = (namespace: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace,
  name: 'guestbook-ui',
});

async function deployAndDelete(name: string, cascade: boolean): Promise<void> {
  await h.createApp(name, name);
  await h.refresh().process({ application: name, hard: false, reason: 'test' });
  expect(await h.sync().process({ application: name, operationId: await h.requestSync(name) })).toBe(
    'Succeeded',
  );
  expect(await h.cluster.get(deploymentIn(name))).toBeDefined();
  // A ConfigMap someone else took over (its tracking id is not this app's any more) is kept.
  await h.cluster.mergePatch(
    { apiVersion: 'v1', kind: 'ConfigMap', namespace: name, name: 'guestbook-config' },
    { metadata: { annotations: { 'argocd.argoproj.io/tracking-id': 'other:/ConfigMap:x/y' } } },
  );
  await h.record(name, [applicationEvent('ApplicationDeleted', { application: name, cascade })], 'alice');
}

describe('cascade deletion', () => {
  it('deletes the resources of an app deleted with cascade, once, and records what happened to each', async () => {
    await deployAndDelete('cascade', true);
    const result = await h.refresh().process({ application: 'cascade', hard: false, reason: 'deleted' });
    expect(result.appended).toEqual(['ApplicationResourcesDeleted']);
    const last = (await h.events('cascade')).pop();
    expect(last?.type).toBe('ApplicationResourcesDeleted');
    const resources = (last?.data as { resources: Array<{ kind: string; result: string }> }).resources;
    expect(resources.map((r) => `${r.kind}:${r.result}`).sort()).toEqual([
      'ConfigMap:kept',
      'Deployment:deleted',
      'Service:deleted',
    ]);
    // The namespace made by CreateNamespace=true was never Git's, so it stays (as in Argo CD).
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'cascade' })).toBeDefined();
    // The sandbox's garbage collector finishes the delete on its own (scaled) time.
    await eventually(async () => expect(await h.cluster.get(deploymentIn('cascade'))).toBeUndefined(), {
      what: 'the Deployment to be gone',
    });
    expect(
      await h.cluster.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'cascade',
        name: 'guestbook-config',
      }),
    ).toBeDefined();

    // Asked again: nothing more to do.
    expect(
      (await h.refresh().process({ application: 'cascade', hard: false, reason: 'again' })).appended,
    ).toEqual([]);
  });

  it('keeps the resources of an app deleted without cascade', async () => {
    await deployAndDelete('orphan', false);
    const result = await h.refresh().process({ application: 'orphan', hard: false, reason: 'deleted' });
    expect(result.appended).toEqual([]);
    expect((await h.events('orphan')).pop()?.type).toBe('ApplicationDeleted');
    expect(await h.cluster.get(deploymentIn('orphan'))).toBeDefined();
  });

  it("deletes only what the app's project permits now, and never a CustomResourceDefinition (as Argo CD)", async () => {
    const putProject = (spec: Record<string, unknown>) =>
      h.db.dataSource.query(
        `INSERT INTO projects (name, manifest) VALUES ('narrow', $1::jsonb)
         ON CONFLICT (name) DO UPDATE SET manifest = EXCLUDED.manifest`,
        [
          JSON.stringify({
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'AppProject',
            metadata: { name: 'narrow', namespace: 'argocd' },
            spec: {
              sourceRepos: ['*'],
              destinations: [{ server: '*', namespace: '*' }],
              clusterResourceWhitelist: [{ group: '*', kind: '*' }],
              ...spec,
            },
          }),
        ],
      );
    await putProject({});
    const manifest = h.manifest('narrowed', 'narrowed');
    manifest.spec['project'] = 'narrow';
    await h.createAppFromManifest(manifest);
    await h.refresh().process({ application: 'narrowed', hard: false, reason: 'test' });
    expect(
      await h.sync().process({ application: 'narrowed', operationId: await h.requestSync('narrowed') }),
    ).toBe('Succeeded');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'widgets.example.com',
    };
    const service = { apiVersion: 'v1', kind: 'Service', namespace: 'narrowed', name: 'guestbook-ui' };
    expect(await h.cluster.get(crd)).toBeDefined();

    // The project stops permitting Services after the sync; then the app is deleted with cascade.
    await putProject({ namespaceResourceBlacklist: [{ group: '', kind: 'Service' }] });
    await h.record(
      'narrowed',
      [applicationEvent('ApplicationDeleted', { application: 'narrowed', cascade: true })],
      'alice',
    );
    await h.refresh().process({ application: 'narrowed', hard: false, reason: 'deleted' });
    const last = (await h.events('narrowed')).pop();
    const resources = (last?.data as { resources: Array<{ kind: string; result: string; message?: string }> })
      .resources;
    const byKind = Object.fromEntries(resources.map((r) => [r.kind, r]));
    expect(byKind['Deployment']).toMatchObject({ result: 'deleted' });
    expect(byKind['Service']).toMatchObject({
      result: 'kept',
      message:
        'not deleted: project narrow does not permit Service in namespace narrowed any more (as Argo CD)',
    });
    expect(byKind['CustomResourceDefinition']).toMatchObject({
      result: 'kept',
      message: expect.stringContaining(
        'a CustomResourceDefinition is never deleted with an application',
      ) as unknown,
    });
    await eventually(async () => expect(await h.cluster.get(deploymentIn('narrowed'))).toBeUndefined(), {
      what: 'the Deployment to be gone',
    });
    expect(await h.cluster.get(service)).toBeDefined();
    expect(await h.cluster.get(crd)).toBeDefined();
  });
});
