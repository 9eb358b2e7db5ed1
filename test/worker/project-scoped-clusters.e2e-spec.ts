import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApplicationManifest, ConditionRaised } from '@berth/domain';
import { guestbook, under, WorkerHarness } from './worker-harness';

// Issue #22 item 18 in the worker: projects and the cluster registry change after the scheduler admitted an
// app, so the worker checks the destination again before it compares or syncs (Argo CD's InvalidSpecError):
// permitOnlyProjectScopedClusters, and a cluster registered with a project serving that project only. The
// sandbox is registered as cluster "sandbox" (sealed kubeconfig, as the scheduler stores it).
describe('the worker refuses a destination the project no longer permits', () => {
  let h: WorkerHarness;

  const setProjectOfCluster = (project: string | null) =>
    h.db.dataSource.query(`UPDATE clusters SET project = $1 WHERE name = 'sandbox'`, [project]);
  const lastCondition = async (app: string) => {
    const raised = (await h.events(app)).filter((e): e is ConditionRaised => e.type === 'ConditionRaised');
    return raised.at(-1)?.data;
  };

  beforeAll(async () => {
    h = await WorkerHarness.start({ sandbox: { recordRequests: true } });
    await h.db.dataSource.query(
      `INSERT INTO clusters (name, server, auth_type, project, sealed_config) VALUES ('sandbox', $1, 'kubeconfig', 'team-a', $2)`,
      [h.sandbox.url, h.box.seal(h.sandbox.kubeconfig())],
    );
    const project = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'team-a', namespace: 'argocd' },
      spec: {
        sourceRepos: ['*'],
        destinations: [{ server: '*', namespace: '*' }],
        permitOnlyProjectScopedClusters: true,
        // CreateNamespace=true creates a cluster-scoped Namespace: the project must permit it (as in Argo CD).
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      },
    };
    await h.db.dataSource.query(`INSERT INTO projects (name, manifest) VALUES ('team-a', $1::jsonb)`, [
      JSON.stringify(project),
    ]);
    await h.repo.commit(under('web', guestbook()));
    const manifest: ApplicationManifest = h.manifest('web', 'web');
    manifest.spec['project'] = 'team-a';
    manifest.spec['destination'] = { name: 'sandbox', namespace: 'web' };
    await h.createAppFromManifest(manifest);
  }, 60_000);
  afterAll(async () => h?.stop());

  it('compares and syncs on the project’s own cluster', async () => {
    expect((await h.refresh().process({ application: 'web', hard: false, reason: 'test' })).syncStatus).toBe(
      'OutOfSync',
    );
    const id = await h.requestSync('web');
    expect(await h.sync().process({ application: 'web', operationId: id })).toBe('Succeeded');
  });

  it('once the cluster belongs to another project: InvalidSpecError, no comparison, no sync touching the cluster', async () => {
    await setProjectOfCluster('team-b');
    const result = await h.refresh().process({ application: 'web', hard: false, reason: 'test' });
    expect(result.syncStatus).toBeUndefined();
    expect(await lastCondition('web')).toEqual({
      application: 'web',
      conditionType: 'InvalidSpecError',
      message:
        "application destination server 'sandbox' and namespace 'web' do not match any of the allowed destinations in project 'team-a' (permitOnlyProjectScopedClusters: the cluster is not registered with project 'team-a'); application destination cluster 'sandbox' is registered with project 'team-b': only Applications of project 'team-b' may deploy to it",
    });
    expect((await h.view('web')).sync_status).toBe('Unknown');

    h.sandbox.clearRequests();
    const id = await h.requestSync('web');
    expect(await h.sync().process({ application: 'web', operationId: id })).toBe('Failed');
    expect(h.sandbox.requests()).toEqual([]);
    // The operation's failure says why.
    expect(JSON.stringify((await h.events('web')).at(-1))).toContain("is registered with project 'team-b'");
  });

  it('a cluster without a project no longer counts as team-a’s own either; back with team-a, the condition clears', async () => {
    await setProjectOfCluster(null);
    await h.refresh().process({ application: 'web', hard: false, reason: 'test' });
    expect((await lastCondition('web'))?.message).toBe(
      "application destination server 'sandbox' and namespace 'web' do not match any of the allowed destinations in project 'team-a' (permitOnlyProjectScopedClusters: the cluster is not registered with project 'team-a')",
    );
    await setProjectOfCluster('team-a');
    const result = await h.refresh().process({ application: 'web', hard: false, reason: 'test' });
    expect(result.syncStatus).toBe('Synced');
    expect(await h.timeline('web')).toContain('ConditionCleared:InvalidSpecError');
  });
});
