import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { argoShapeProblems } from './testing/argo-shapes';

// An Argo CD client managing projects and clusters (issue #23 items 7 and 8): Argo CD's request bodies
// ({project, upsert}, its Cluster with config), its ClusterID addressing, and answers in its shapes that
// never carry a credential or a local path.

const TOKEN = 'sandbox-token-1f9a7c';
const code = (res: { body: unknown }) => (res.body as { code?: number }).code;
const fields = (res: { body: unknown }) =>
  ((res.body as { issues?: Array<{ field: string }> }).issues ?? []).map((i) => i.field);

describe('Argo CD client: projects and clusters', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  let sandbox: SandboxCluster;

  beforeAll(async () => {
    sandbox = await startSandboxCluster({ port: 0, token: TOKEN });
    scheduler = await startTestScheduler({ BERTH_SECRET_KEY: randomBytes(32).toString('base64') });
    ({ http } = scheduler);
  });
  afterAll(async () => {
    await scheduler?.close();
    await sandbox?.close();
  });

  const project = (name: string, sourceRepos = ['https://github.com/team-a/*']) => ({
    metadata: { name },
    spec: { sourceRepos, destinations: [{ server: '*', namespace: 'team-a-*' }] },
  });

  it('Create takes {project, upsert}: the AppProject comes back; the same again is no change, another spec needs upsert', async () => {
    const created = await http.post('/api/v1/projects').send({ project: project('team-a') });
    expect(created.status).toBe(201);
    expect(argoShapeProblems('app-project', created.body)).toEqual([]);
    expect(created.body).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject' });
    expect((await http.post('/api/v1/projects').send({ project: project('team-a') })).status).toBe(201);
    const other = project('team-a', ['https://github.com/team-b/*']);
    const refused = await http.post('/api/v1/projects').send({ project: other });
    expect([refused.status, code(refused)]).toEqual([409, 6]);
    expect(argoShapeProblems('runtime-error', refused.body)).toEqual([]);
    expect((refused.body as { message: string }).message).toMatch(/upsert/);
    const upserted = await http.post('/api/v1/projects').send({ project: other, upsert: true });
    expect(upserted.status).toBe(201);
    expect((upserted.body as { spec: { sourceRepos: string[] } }).spec.sourceRepos).toEqual([
      'https://github.com/team-b/*',
    ]);
  });

  it('Update takes {project}; a body naming another project is refused', async () => {
    const res = await http.put('/api/v1/projects/team-a').send({ project: project('team-a') });
    expect(res.status).toBe(200);
    expect(argoShapeProblems('app-project', res.body)).toEqual([]);
    expect((res.body as { spec: { sourceRepos: string[] } }).spec.sourceRepos).toEqual([
      'https://github.com/team-a/*',
    ]);
    const other = await http.put('/api/v1/projects/team-a').send({ project: project('team-b') });
    expect([other.status, code(other)]).toEqual([400, 3]);
  });

  it('GetDetailedProject and GetGlobalProjects answer in Argo CD shapes', async () => {
    const detailed = await http.get('/api/v1/projects/team-a/detailed');
    expect(detailed.status).toBe(200);
    expect(argoShapeProblems('detailed-project', detailed.body)).toEqual([]);
    expect(detailed.body).toMatchObject({ project: { metadata: { name: 'team-a' } }, globalProjects: [] });
    const global = await http.get('/api/v1/projects/team-a/globalprojects');
    expect([global.status, global.body]).toEqual([200, { items: [] }]);
    expect(argoShapeProblems('global-projects', global.body)).toEqual([]);
    const missing = await http.get('/api/v1/projects/nope/detailed');
    expect([missing.status, code(missing)]).toEqual([404, 5]);
    expect(argoShapeProblems('runtime-error', missing.body)).toEqual([]);
  });

  it("ListEvents answers the project's events from the log as a Kubernetes EventList", async () => {
    const res = await http.get('/api/v1/projects/team-a/events');
    expect(res.status).toBe(200);
    expect(argoShapeProblems('event-list', res.body)).toEqual([]);
    const items = (res.body as { items: Array<Record<string, unknown>> }).items;
    // Created, then changed by the upsert and by the update back (each a recorded change).
    expect(items.map((e) => e['reason'])).toEqual(['ResourceCreated', 'ResourceUpdated', 'ResourceUpdated']);
    expect(items[0]).toMatchObject({
      involvedObject: { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', name: 'team-a' },
      type: 'Normal',
      metadata: { annotations: { user: 'admin' } },
    });
    const missing = await http.get('/api/v1/projects/nope/events');
    expect([missing.status, code(missing)]).toEqual([404, 5]);
  });

  it("Create takes Argo CD's Cluster (config.bearerToken, tlsClientConfig) with upsert; the answer has no credentials", async () => {
    const body = {
      server: sandbox.url,
      name: 'sandbox',
      project: 'team-a',
      namespaces: [],
      clusterResources: false,
      config: { bearerToken: TOKEN, tlsClientConfig: { insecure: true } },
    };
    const res = await http.post('/api/v1/clusters').send(body);
    expect(res.status).toBe(201);
    expect(argoShapeProblems('cluster', res.body)).toEqual([]);
    expect(res.body).toMatchObject({
      name: 'sandbox',
      server: sandbox.url,
      project: 'team-a',
      authType: 'token',
      connectionState: { status: 'Successful' },
      info: { connectionState: { status: 'Successful' } },
    });
    expect(res.text).not.toContain(TOKEN);
    const again = await http.post('/api/v1/clusters').send({ ...body, project: '' });
    expect([again.status, code(again)]).toEqual([409, 6]);
    const upserted = await http.post('/api/v1/clusters?upsert=true').send({ ...body, project: '' });
    expect(upserted.status).toBe(201);
    expect(upserted.body).not.toHaveProperty('project');
    const wrongToken = await http
      .post('/api/v1/clusters?upsert=true')
      .send({ ...body, config: { ...body.config, bearerToken: 'wrong-token-77' } });
    expect([wrongToken.status, code(wrongToken)]).toEqual([400, 3]);
    expect(wrongToken.text).not.toContain('wrong-token-77');
  });

  it('Get, Update and Delete address a cluster by server URL by default, by name with ?id.type=name', async () => {
    const byServer = await http.get(`/api/v1/clusters/${encodeURIComponent(sandbox.url)}`);
    expect(byServer.status).toBe(200);
    expect(argoShapeProblems('cluster', byServer.body)).toEqual([]);
    expect(byServer.body).toMatchObject({ name: 'sandbox', server: sandbox.url });
    const byName = await http.get('/api/v1/clusters/sandbox?id.type=name');
    expect(byName.body).toMatchObject({ name: 'sandbox' });
    const nameAsServer = await http.get('/api/v1/clusters/sandbox?id.type=server');
    expect([nameAsServer.status, code(nameAsServer)]).toEqual([404, 5]);
    // An update without credentials keeps the stored ones (Argo CD's UI edits a cluster so).
    const updated = await http
      .put(`/api/v1/clusters/${encodeURIComponent(sandbox.url)}`)
      .send({ server: sandbox.url, name: 'sandbox', project: 'team-a' });
    expect(updated.status).toBe(200);
    expect(argoShapeProblems('cluster', updated.body)).toEqual([]);
    expect(updated.body).toMatchObject({ project: 'team-a', connectionState: { status: 'Successful' } });
    const renamed = await http.put('/api/v1/clusters/sandbox?id.type=name').send({ name: 'other' });
    expect([renamed.status, fields(renamed)]).toEqual([400, ['name']]);
    const list = await http.get('/api/v1/clusters');
    expect(argoShapeProblems('cluster-list', list.body)).toEqual([]);
    // The in-cluster entry names neither the scheduler's kubeconfig path nor anything under it.
    expect(list.text).not.toMatch(/"source"|\/tmp\/|\.kube\/|kubeconfig\s*\//);
    expect(list.text).not.toContain(TOKEN);
    const deleted = await http.delete(`/api/v1/clusters/${encodeURIComponent(sandbox.url)}`);
    expect([deleted.status, deleted.body]).toEqual([200, {}]);
    expect(argoShapeProblems('empty-response', deleted.body)).toEqual([]);
    const gone = await http.delete('/api/v1/clusters/sandbox?id.type=name');
    expect([gone.status, code(gone)]).toEqual([404, 5]);
  });

  it('a cluster without a name is named after its server; basic auth and client certificates are taken as Argo CD sends them', async () => {
    const unnamed = await http
      .post('/api/v1/clusters')
      .send({ server: sandbox.url, config: { bearerToken: TOKEN, tlsClientConfig: { insecure: true } } });
    expect(unnamed.status).toBe(201);
    expect((unnamed.body as { name: string }).name).toBe(new URL(sandbox.url).host.replace(':', '-'));
    expect((await http.delete(`/api/v1/clusters/${encodeURIComponent(sandbox.url)}`)).status).toBe(200);
    // The sandbox takes only its token: basic auth reaches it (and is refused there), which is what is checked.
    const basic = await http.post('/api/v1/clusters').send({
      name: 'basic',
      server: sandbox.url,
      config: { username: 'admin', password: 'hunter2-pw', tlsClientConfig: { insecure: true } },
    });
    expect([basic.status, code(basic)]).toEqual([400, 3]);
    expect((basic.body as { message: string }).message).toMatch(/failed the connection check/);
    expect(basic.text).not.toContain('hunter2-pw');
  });
});
