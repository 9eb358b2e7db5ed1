import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { errorOf, issuesOf } from '../testing/api-answer';

// Tenancy: a project that names one cluster must not let its apps deploy anywhere else. A destination
// entry matches only on the fields the app sets (Argo CD's isDestinationMatched): an entry without `name`
// used to match an app whose destination had no known name either, so `{server: <mine>, namespace:
// default}` admitted an app on any server Berth could not name, among them the in-cluster API server
// written with a trailing slash, which the worker's cluster resolver still resolves to the cluster Berth
// runs in. Real scheduler, Postgres and Redis; the check is the one every create and update goes through.
const project = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team-a
  namespace: argocd
spec:
  sourceRepos: ['*']
  destinations:
    - server: https://team-a.example:6443
      namespace: default
`;

const app = (name: string, server: string) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      project: 'team-a',
      source: { repoURL: 'https://git.example.com/team-a/deploy.git', targetRevision: 'HEAD', path: '.' },
      destination: { server, namespace: 'default' },
    },
  });

describe('a project destination never leaks to a cluster the project did not name', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];

  beforeAll(async () => {
    scheduler = await startTestScheduler();
    http = scheduler.http;
    expect((await http.post('/api/v1/projects').send(project)).status).toBe(200);
  });
  afterAll(async () => {
    await scheduler.close();
  });

  it.each([
    ['the in-cluster API server written with a trailing slash', 'slash', 'https://kubernetes.default.svc/'],
    ['the in-cluster API server', 'in-cluster', 'https://kubernetes.default.svc'],
    ['a server nobody registered', 'unknown', 'https://10.0.0.9:6443'],
  ])('refuses an app targeting %s, naming spec.destination', async (_what, name, server) => {
    const res = await http.post('/api/v1/applications').send(app(name, server));
    expect(res.status).toBe(403);
    expect(issuesOf(res).map((i) => i.field)).toEqual(['spec.destination']);
    expect(errorOf(res).message).toContain('is not permitted by project "team-a"');
    expect((await http.get(`/api/v1/applications/${name}`)).status).toBe(404);
  });

  it('admits an app on the named server, and refuses moving it to another one', async () => {
    expect(
      (await http.post('/api/v1/applications').send(app('web', 'https://team-a.example:6443'))).status,
    ).toBe(200);
    const moved = await http
      .put('/api/v1/applications/web')
      .send(app('web', 'https://kubernetes.default.svc/'));
    expect(moved.status).toBe(403);
    const stored = (await http.get('/api/v1/applications/web')).body as {
      spec: { destination: { server: string } };
    };
    expect(stored.spec.destination.server).toBe('https://team-a.example:6443');
  });
});
