import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { startTestScheduler, type TestScheduler } from './scheduler-harness';
import { type ApiPage, type ClusterAnswer, errorOf, issuesOf } from '../testing/api-answer';

// Issue #22 item 18: Argo CD's project-scoped clusters and permitOnlyProjectScopedClusters through the API.
// A cluster registered with `project` (which must exist) is used by that project's Applications only; a
// project with permitOnlyProjectScopedClusters: true deploys only to the clusters registered with it. Real
// scheduler, Postgres and Redis; two sandbox clusters to register.
const project = (name: string, permitOnlyProjectScopedClusters: boolean) => `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: ${name}
  namespace: argocd
spec:
  sourceRepos: ['*']
  destinations:
    - server: '*'
      namespace: '*'
  permitOnlyProjectScopedClusters: ${permitOnlyProjectScopedClusters}
`;

const app = (name: string, projectName: string, destination: Record<string, string>) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      project: projectName,
      source: { repoURL: 'https://git.example.com/deploy.git', targetRevision: 'HEAD', path: '.' },
      destination: { ...destination, namespace: 'web' },
    },
  });

describe('project-scoped clusters (cluster `project`, permitOnlyProjectScopedClusters)', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  let teamCluster: SandboxCluster;
  let sharedCluster: SandboxCluster;

  beforeAll(async () => {
    [teamCluster, sharedCluster] = await Promise.all([
      startSandboxCluster({ port: 0, simulate: false }),
      startSandboxCluster({ port: 0, simulate: false }),
    ]);
    scheduler = await startTestScheduler({ BERTH_SECRET_KEY: randomBytes(32).toString('base64') });
    http = scheduler.http;
    expect((await http.post('/api/v1/projects').send(project('team-a', true))).status).toBe(200);
    expect((await http.post('/api/v1/projects').send(project('team-b', false))).status).toBe(200);
  });
  afterAll(async () => {
    await scheduler?.close();
    await teamCluster?.close();
    await sharedCluster?.close();
  });

  it('refuses a project that does not exist, naming the field, and stores nothing', async () => {
    const res = await http
      .post('/api/v1/clusters')
      .send({ name: 'team-a-cluster', project: 'team-z', kubeconfig: teamCluster.kubeconfig() });
    expect(res.status).toBe(400);
    expect(issuesOf(res).map((i) => i.field)).toEqual(['project']);
    expect(errorOf(res).message).toContain('project "team-z" does not exist');
    expect((await http.get('/api/v1/clusters/team-a-cluster')).status).toBe(404);
    const bad = await http
      .post('/api/v1/clusters')
      .send({ name: 'team-a-cluster', project: 'Team A', kubeconfig: teamCluster.kubeconfig() });
    expect(bad.status).toBe(400);
    expect(issuesOf(bad).map((i) => i.field)).toEqual(['project']);
  });

  it('registers a cluster with a project: shown in answers, carried by the event', async () => {
    const res = await http
      .post('/api/v1/clusters')
      .send({ name: 'team-a-cluster', project: 'team-a', kubeconfig: teamCluster.kubeconfig() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'team-a-cluster', server: teamCluster.url, project: 'team-a' });
    // "" is no project, as in Argo CD's cluster secrets.
    const shared = await http
      .post('/api/v1/clusters')
      .send({ name: 'shared', project: '', kubeconfig: sharedCluster.kubeconfig() });
    expect(shared.status).toBe(200);
    expect((shared.body as ClusterAnswer).project).toBeUndefined();
    const list = (await http.get('/api/v1/clusters')).body as ApiPage<ClusterAnswer>;
    expect(list.items.map((c) => [c.name, c.project ?? null])).toEqual([
      ['in-cluster', null],
      ['shared', null],
      ['team-a-cluster', 'team-a'],
    ]);
    const events = await scheduler.db.dataSource.query<Array<{ data: Record<string, unknown> }>>(
      `SELECT data FROM events WHERE stream_id = 'cluster-team-a-cluster' AND type = 'ClusterAdded'`,
    );
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ cluster: 'team-a-cluster', project: 'team-a' }),
    ]);
  });

  it('permitOnlyProjectScopedClusters: team-a deploys to its own cluster only', async () => {
    const own = await http
      .post('/api/v1/applications')
      .send(app('a-own', 'team-a', { server: teamCluster.url }));
    expect(own.status).toBe(200);
    const byName = await http
      .post('/api/v1/applications')
      .send(app('a-own-by-name', 'team-a', { name: 'team-a-cluster' }));
    expect(byName.status).toBe(200);
    const elsewhere: Array<Record<string, string>> = [
      { name: 'shared' },
      { server: 'https://kubernetes.default.svc' },
    ];
    for (const destination of elsewhere) {
      const res = await http.post('/api/v1/applications').send(app('a-elsewhere', 'team-a', destination));
      expect(res.status).toBe(403);
      expect(issuesOf(res).map((i) => i.field)).toEqual(['spec.destination']);
      expect(errorOf(res).message).toContain('(permitOnlyProjectScopedClusters: true)');
    }
  });

  it('a cluster registered with team-a is not usable by another project’s apps, nor by default’s', async () => {
    for (const [name, projectName] of [
      ['b-on-a', 'team-b'],
      ['default-on-a', 'default'],
    ] as const) {
      const res = await http
        .post('/api/v1/applications')
        .send(app(name, projectName, { name: 'team-a-cluster' }));
      expect(res.status).toBe(403);
      expect(errorOf(res).message).toContain(
        `cluster "team-a-cluster" is registered with project "team-a": only its Applications may deploy to it`,
      );
    }
    const onShared = await http
      .post('/api/v1/applications')
      .send(app('b-shared', 'team-b', { name: 'shared' }));
    expect(onShared.status).toBe(200);
    // Moving it onto team-a's cluster is refused too, and changes nothing.
    const moved = await http
      .put('/api/v1/applications/b-shared')
      .send(app('b-shared', 'team-b', { server: teamCluster.url }));
    expect(moved.status).toBe(403);
    const stored = (await http.get('/api/v1/applications/b-shared')).body as {
      spec: { destination: { name?: string } };
    };
    expect(stored.spec.destination.name).toBe('shared');
  });

  it('re-registered without a project (upsert), the cluster is open to every project its destinations permit', async () => {
    const plain = await http
      .post('/api/v1/clusters')
      .send({ name: 'team-a-cluster', kubeconfig: teamCluster.kubeconfig() });
    expect(plain.status).toBe(409);
    const res = await http
      .post('/api/v1/clusters?upsert=true')
      .send({ name: 'team-a-cluster', kubeconfig: teamCluster.kubeconfig() });
    expect(res.status).toBe(200);
    expect((res.body as ClusterAnswer).project).toBeUndefined();
    const events = await scheduler.db.dataSource.query<Array<{ data: Record<string, unknown> }>>(
      `SELECT data FROM events WHERE stream_id = 'cluster-team-a-cluster' AND type = 'ClusterAdded' ORDER BY stream_version`,
    );
    expect(events.at(-1)!.data).toMatchObject({ replaced: { project: 'team-a' } });
    expect(events.at(-1)!.data['project']).toBeUndefined();
    const res2 = await http
      .post('/api/v1/applications')
      .send(app('b-on-a', 'team-b', { name: 'team-a-cluster' }));
    expect(res2.status).toBe(200);
  });
});
