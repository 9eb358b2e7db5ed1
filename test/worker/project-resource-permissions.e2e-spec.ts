import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type {
  ApplicationManifest,
  ConditionRaised,
  SyncOperationFailed,
  SyncStatusChanged,
} from '@berth/domain';
import { WorkerHarness } from './worker-harness';

// Issue #22 (Argo CD's AppProject semantics) in the worker: the project's kind lists
// (cluster/namespaceResourceWhitelist/Blacklist, with `name` globs) and destination namespaces judge every
// rendered resource, at refresh (the resource is Unknown and an InvalidSpecError names it) and at sync
// (gitops-engine's permission validator: the operation fails listing every refused task before anything
// is sent); and the project itself (sourceRepos, existence) is judged again before every comparison and
// sync, so tightening it stops apps it already admitted. Real sandbox over HTTP, real Postgres and Git.
describe('the worker enforces the app’s project on its resources and sources', () => {
  let h: WorkerHarness;

  const project = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name, namespace: 'argocd' },
    spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], ...spec },
  });
  const putProject = (name: string, spec: Record<string, unknown>) =>
    h.db.dataSource.query(
      `INSERT INTO projects (name, manifest) VALUES ($1, $2::jsonb)
       ON CONFLICT (name) DO UPDATE SET manifest = EXCLUDED.manifest`,
      [name, JSON.stringify(project(name, spec))],
    );
  const createApp = async (name: string, path: string, projectName: string) => {
    const manifest: ApplicationManifest = h.manifest(name, path);
    manifest.spec['project'] = projectName;
    await h.createAppFromManifest(manifest);
  };
  const refresh = (app: string) => h.refresh().process({ application: app, hard: false, reason: 'test' });
  const lastCondition = async (app: string) =>
    (await h.events(app)).filter((e): e is ConditionRaised => e.type === 'ConditionRaised').at(-1)?.data;
  const lastFailure = async (app: string) =>
    (await h.events(app)).filter((e): e is SyncOperationFailed => e.type === 'SyncOperationFailed').at(-1)
      ?.data;
  /** Requests that change the cluster (dry runs included): anything but reads. */
  const writes = () => h.sandbox.requests().filter((r) => r.method !== 'GET');

  beforeAll(async () => {
    h = await WorkerHarness.start({ sandbox: { recordRequests: true } });
    const configMap = (name: string, namespace?: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}data:\n  a: b\n`;
    await h.repo.commit({
      'rbac/config.yaml': configMap('rbac-config'),
      'rbac/clusterrole.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: berth-reader
rules:
  - apiGroups: ['']
    resources: [configmaps]
    verbs: [get]
`,
      'netpol/config.yaml': configMap('netpol-config'),
      'netpol/stray.yaml': configMap('stray', 'kube-system'),
      'netpol/policy.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
      'plain/config.yaml': configMap('plain-config'),
    });
  }, 60_000);
  afterAll(async () => h?.stop());

  it('a ClusterRole in a project without a clusterResourceWhitelist: Unknown with a condition, and a sync that fails having sent nothing', async () => {
    await putProject('team-a', {});
    await createApp('rbac', 'rbac', 'team-a');

    expect((await refresh('rbac')).syncStatus).toBe('OutOfSync');
    expect(await lastCondition('rbac')).toEqual({
      application: 'rbac',
      conditionType: 'InvalidSpecError',
      message:
        'rbac.authorization.k8s.io/ClusterRole//berth-reader: resource rbac.authorization.k8s.io:ClusterRole is not permitted in project team-a',
    });
    const status = (await h.events('rbac')).filter(
      (e): e is SyncStatusChanged => e.type === 'SyncStatusChanged',
    );
    expect(status.at(-1)?.data.outOfSync).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'ClusterRole', name: 'berth-reader', status: 'Unknown' }),
        expect.objectContaining({ kind: 'ConfigMap', name: 'rbac-config', status: 'OutOfSync' }),
      ]),
    );

    h.sandbox.clearRequests();
    const id = await h.requestSync('rbac');
    expect(await h.sync().process({ application: 'rbac', operationId: id })).toBe('Failed');
    // Every refused task is named, the namespace CreateNamespace=true would create among them.
    expect(await lastFailure('rbac')).toMatchObject({
      phase: 'Failed',
      message:
        'one or more synchronization tasks are not valid: /Namespace//rbac: resource :Namespace is not permitted in project team-a; ' +
        'rbac.authorization.k8s.io/ClusterRole//berth-reader: resource rbac.authorization.k8s.io:ClusterRole is not permitted in project team-a',
    });
    expect(writes()).toEqual([]);
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'rbac' })).toBeUndefined();
    expect(
      await h.cluster.get({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        name: 'berth-reader',
      }),
    ).toBeUndefined();
  });

  it('once the project whitelists them (a name glob for the ClusterRole), the condition clears and the sync applies', async () => {
    await putProject('team-a', {
      clusterResourceWhitelist: [
        { group: '', kind: 'Namespace' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'berth-*' },
      ],
    });
    await refresh('rbac');
    expect(await h.timeline('rbac')).toContain('ConditionCleared:InvalidSpecError');
    const id = await h.requestSync('rbac');
    expect(await h.sync().process({ application: 'rbac', operationId: id })).toBe('Succeeded');
    expect(
      await h.cluster.get({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        name: 'berth-reader',
      }),
    ).toBeDefined();
    expect((await refresh('rbac')).syncStatus).toBe('Synced');
  });

  it('a blacklisted namespaced kind and a namespace outside the destinations: both named, nothing sent', async () => {
    await putProject('team-b', {
      destinations: [{ server: '*', namespace: 'netpol' }],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      namespaceResourceBlacklist: [{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }],
    });
    await createApp('netpol', 'netpol', 'team-b');
    const problems =
      "/ConfigMap/kube-system/stray: namespace kube-system is not permitted in project 'team-b'; " +
      'networking.k8s.io/NetworkPolicy/netpol/deny-all: resource networking.k8s.io:NetworkPolicy is not permitted in project team-b';

    await refresh('netpol');
    expect((await lastCondition('netpol'))?.message).toBe(problems);

    h.sandbox.clearRequests();
    const id = await h.requestSync('netpol');
    expect(await h.sync().process({ application: 'netpol', operationId: id })).toBe('Failed');
    expect((await lastFailure('netpol'))?.message).toBe(
      `one or more synchronization tasks are not valid: ${problems}`,
    );
    expect(writes()).toEqual([]);
    expect(
      await h.cluster.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'netpol-config',
        namespace: 'netpol',
      }),
    ).toBeUndefined();
  });

  it('a clusterResourceWhitelist name glob: CreateNamespace may create team-c-* namespaces only', async () => {
    await putProject('team-c', {
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team-c-*' }],
    });
    await createApp('team-c-web', 'plain', 'team-c');
    await createApp('elsewhere', 'plain', 'team-c');

    const inGlob = await h.requestSync('team-c-web');
    expect(await h.sync().process({ application: 'team-c-web', operationId: inGlob })).toBe('Succeeded');
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'team-c-web' })).toBeDefined();

    h.sandbox.clearRequests();
    const outside = await h.requestSync('elsewhere');
    expect(await h.sync().process({ application: 'elsewhere', operationId: outside })).toBe('Failed');
    expect((await lastFailure('elsewhere'))?.message).toBe(
      'one or more synchronization tasks are not valid: /Namespace//elsewhere: resource :Namespace is not permitted in project team-c',
    );
    expect(writes()).toEqual([]);
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'elsewhere' })).toBeUndefined();
  });

  it('sourceRepos tightened after the app was admitted: InvalidSpecError at refresh, the sync refused before it reaches the cluster', async () => {
    await putProject('team-d', { clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }] });
    await createApp('tightened', 'plain', 'team-d');
    const first = await h.requestSync('tightened');
    expect(await h.sync().process({ application: 'tightened', operationId: first })).toBe('Succeeded');

    await putProject('team-d', {
      sourceRepos: ['https://git.example.com/team-d/*'],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    });
    const notPermitted = `application repo ${h.repo.fileUrl} is not permitted in project 'team-d'`;
    const result = await refresh('tightened');
    expect(result.syncStatus).toBeUndefined();
    expect(await lastCondition('tightened')).toEqual({
      application: 'tightened',
      conditionType: 'InvalidSpecError',
      message: notPermitted,
    });
    expect((await h.view('tightened')).sync_status).toBe('Unknown');

    h.sandbox.clearRequests();
    const second = await h.requestSync('tightened');
    expect(await h.sync().process({ application: 'tightened', operationId: second })).toBe('Failed');
    expect(await lastFailure('tightened')).toMatchObject({
      phase: 'Error',
      message: `InvalidSpecError: ${notPermitted}`,
    });
    expect(h.sandbox.requests()).toEqual([]);
  });

  it('a project deleted under its apps: "Application referencing project … which does not exist", no sync', async () => {
    await h.db.dataSource.query(`DELETE FROM projects WHERE name = 'team-d'`);
    await refresh('tightened');
    expect((await lastCondition('tightened'))?.message).toBe(
      'Application referencing project team-d which does not exist',
    );
    h.sandbox.clearRequests();
    const id = await h.requestSync('tightened');
    expect(await h.sync().process({ application: 'tightened', operationId: id })).toBe('Failed');
    expect((await lastFailure('tightened'))?.message).toBe(
      'InvalidSpecError: Application referencing project team-d which does not exist',
    );
    expect(h.sandbox.requests()).toEqual([]);
  });
});
