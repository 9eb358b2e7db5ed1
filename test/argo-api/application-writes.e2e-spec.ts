import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@berth/domain';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { warningsOf } from '../testing/api-answer';
import { argoShapeProblems } from './testing/argo-shapes';
import { recordSyncedStatus } from './testing/recorded-status';

// An Argo CD client changing applications (issue #23 items 1, 4, 5, 6, 9): create, update, patch, sync,
// rollback and delete answer as Argo CD's gateway does, and every refusal is a runtimeError with the gRPC
// code its clients branch on.

type App = {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { project?: string; source?: { repoURL: string; targetRevision?: string; path?: string } };
  operation?: { operationId: string; sync?: Record<string, unknown>; rollbackOf?: number };
};

const app = (
  name: string,
  options: { repo?: string; project?: string; labels?: Record<string, string> } = {},
) => ({
  metadata: { name, ...(options.labels ? { labels: options.labels } : {}) },
  spec: {
    project: options.project ?? 'default',
    source: {
      repoURL: options.repo ?? 'https://github.com/acme/web.git',
      targetRevision: 'HEAD',
      path: 'app',
    },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'demo' },
  },
});

const names = (body: unknown) => (body as { items: App[] }).items.map((a) => a.metadata.name).sort();

describe('Argo CD client: changing applications', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];

  beforeAll(async () => {
    scheduler = await startTestScheduler({});
    ({ http } = scheduler);
  });
  afterAll(async () => {
    await scheduler?.close();
  });

  const audit = async (name: string) =>
    ((await http.get(`/api/v1/applications/${name}/audit`)).body as RecordedEvent[]).map((e) => e.type);

  it('Create answers the Application itself; warnings travel in Warning headers', async () => {
    const res = await http.post('/api/v1/applications').send(app('web', { labels: { team: 'a' } }));
    expect(res.status).toBe(201);
    expect(argoShapeProblems('application', res.body)).toEqual([]);
    expect(res.body).toMatchObject({ kind: 'Application', metadata: { name: 'web' } });
    expect(res.body).not.toHaveProperty('warnings');
    const odd = await http
      .post('/api/v1/applications')
      .send({ ...app('odd'), spec: { ...app('odd').spec, colour: 'blue' } });
    expect(odd.status).toBe(201);
    expect(argoShapeProblems('application', odd.body)).toEqual([]);
    expect(warningsOf(odd)).toEqual([expect.stringMatching(/^spec\.colour: unknown field/)]);
  });

  it('errors are runtimeErrors with the gRPC code: 3 invalid, 5 not found, 6 already exists, 7 denied, 16 unauthenticated', async () => {
    const cases: Array<[Promise<{ status: number; body: unknown }>, number, number]> = [
      [http.post('/api/v1/applications').send({ metadata: { name: 'Bad_Name' }, spec: {} }), 400, 3],
      [http.get('/api/v1/applications/nope'), 404, 5],
      [http.post('/api/v1/applications').send(app('web')), 409, 6],
      [scheduler.anonymous.get('/api/v1/applications'), 401, 16],
      [http.post('/api/v1/applications').send(app('outsider', { project: 'team-a' })), 400, 3],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect([res.status, argoShapeProblems('runtime-error', res.body)]).toEqual([status, []]);
      expect((res.body as { code: number }).code).toBe(code);
    }
    // A project that refuses the app's repository: PermissionDenied.
    const project = await http.post('/api/v1/projects').send({
      project: {
        metadata: { name: 'team-a' },
        spec: {
          sourceRepos: ['https://github.com/team-a/*'],
          destinations: [{ server: '*', namespace: '*' }],
        },
      },
    });
    expect([project.status, project.body]).toMatchObject([201, { metadata: { name: 'team-a' } }]);
    const denied = await http.post('/api/v1/applications').send(app('outsider', { project: 'team-a' }));
    expect([denied.status, (denied.body as { code: number }).code]).toEqual([403, 7]);
    expect(argoShapeProblems('runtime-error', denied.body)).toEqual([]);
    // Berth's field paths stay beside the code.
    const invalid = await http
      .post('/api/v1/applications')
      .send({ metadata: { name: 'Bad_Name' }, spec: {} });
    expect((invalid.body as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toContain(
      'metadata.name',
    );
  });

  it('List filters by selector, projects, repo, name and appNamespace; a malformed filter is a 400 naming it', async () => {
    await http
      .post('/api/v1/applications')
      .send(app('api', { repo: 'https://github.com/acme/api.git', labels: { team: 'b' } }));
    await http.post('/api/v1/applications').send(
      app('team-a-web', {
        project: 'team-a',
        repo: 'https://github.com/team-a/web.git',
        labels: { team: 'a' },
      }),
    );
    const list = async (query: string) => {
      const res = await http.get(`/api/v1/applications?${query}`);
      expect(argoShapeProblems('application-list', res.body)).toEqual([]);
      return names(res.body);
    };
    expect(await list('selector=team%3Da')).toEqual(['team-a-web', 'web']);
    expect(await list('selector=team!%3Da')).toEqual(['api', 'odd']);
    expect(await list('projects=team-a')).toEqual(['team-a-web']);
    expect(await list('projects=team-a&projects=default')).toEqual(['api', 'odd', 'team-a-web', 'web']);
    expect(await list('project=default&selector=team')).toEqual(['api', 'web']);
    expect(await list(`repo=${encodeURIComponent('https://github.com/acme/api')}`)).toEqual(['api']);
    expect(await list('name=api')).toEqual(['api']);
    expect(await list('appNamespace=elsewhere')).toEqual([]);
    expect(await list('resourceVersion=0&refresh=normal')).toHaveLength(4);
    for (const [query, field] of [
      ['selector=team%20in%20(a', 'selector'],
      ['name=Bad_Name', 'name'],
      ['repo=a&repo=b', 'repo'],
      ['resourceVersion=x', 'resourceVersion'],
      ['colour=blue', 'colour'],
    ]) {
      const res = await http.get(`/api/v1/applications?${query}`);
      expect([res.status, (res.body as { code: number }).code]).toEqual([400, 3]);
      expect((res.body as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toEqual([field]);
    }
  });

  it("Get with refresh=normal|hard records the refresh asked for, as Argo CD's CLI and UI ask it", async () => {
    const res = await http.get('/api/v1/applications/api?refresh=hard');
    expect(res.status).toBe(200);
    expect(argoShapeProblems('application', res.body)).toEqual([]);
    const events = (await http.get('/api/v1/applications/api/audit')).body as RecordedEvent[];
    expect(events.filter((e) => e.type === 'RefreshRequested').map((e) => e.data)).toEqual([
      expect.objectContaining({ hard: true }),
    ]);
    const soft = await http.get('/api/v1/applications/api?refresh=soft');
    expect(soft.status).toBe(400);
    expect((soft.body as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toEqual([
      'refresh',
    ]);
  });

  it('Update answers the Application; Patch takes merge and JSON patches; UpdateSpec answers the spec', async () => {
    const updated = await http.put('/api/v1/applications/api?validate=true').send({
      ...app('api', { repo: 'https://github.com/acme/api.git' }),
      metadata: { name: 'api', labels: { team: 'c' } },
    });
    expect(updated.status).toBe(200);
    expect(argoShapeProblems('application', updated.body)).toEqual([]);
    expect((updated.body as App).metadata.labels).toEqual({ team: 'c' });

    const merge = await http.patch('/api/v1/applications/api').send({
      name: 'api',
      patchType: 'merge',
      patch: JSON.stringify({
        metadata: { labels: { tier: 'backend' } },
        spec: { source: { targetRevision: 'v2' } },
      }),
    });
    expect(merge.status).toBe(200);
    expect(argoShapeProblems('application', merge.body)).toEqual([]);
    expect(merge.body as App).toMatchObject({
      metadata: { labels: { team: 'c', tier: 'backend' } },
      spec: { source: { repoURL: 'https://github.com/acme/api.git', targetRevision: 'v2', path: 'app' } },
    });

    const json = await http.patch('/api/v1/applications/api').send({
      patch: JSON.stringify([
        { op: 'test', path: '/spec/source/targetRevision', value: 'v2' },
        { op: 'replace', path: '/spec/source/targetRevision', value: 'v3' },
        { op: 'remove', path: '/metadata/labels/tier' },
      ]),
    });
    expect(json.status).toBe(200);
    expect(json.body as App).toMatchObject({
      metadata: { labels: { team: 'c' } },
      spec: { source: { targetRevision: 'v3' } },
    });
    expect((json.body as App).metadata.labels).not.toHaveProperty('tier');
    // Each patch was one recorded change, through the command path.
    expect((await audit('api')).filter((t) => t === 'ApplicationSpecChanged').length).toBeGreaterThanOrEqual(
      3,
    );

    const spec = await http.put('/api/v1/applications/api/spec').send({
      ...app('api', { repo: 'https://github.com/acme/api.git' }).spec,
      source: { repoURL: 'https://github.com/acme/api.git', targetRevision: 'v4', path: 'app' },
    });
    expect(spec.status).toBe(200);
    expect(argoShapeProblems('application-spec', spec.body)).toEqual([]);
    expect(spec.body).toMatchObject({ source: { targetRevision: 'v4' } });
    expect((await http.get('/api/v1/applications/api')).body as App).toMatchObject({
      metadata: { labels: { team: 'c' } },
      spec: { source: { targetRevision: 'v4' } },
    });
  });

  it('concurrent patches lose nothing: each applies to the newest application', async () => {
    const labels = Array.from({ length: 8 }, (_, i) => `concurrent-${i}`);
    const answers = await Promise.all(
      labels.map((label) =>
        http.patch('/api/v1/applications/api').send({
          patchType: 'merge',
          patch: JSON.stringify({ metadata: { labels: { [label]: 'yes' } } }),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(labels.map(() => 200));
    const after = (await http.get('/api/v1/applications/api')).body as App;
    for (const label of labels) expect(after.metadata.labels).toHaveProperty(label, 'yes');
  });

  it('a patch that cannot apply, or makes the Application invalid, is a 400 naming the field; nothing is stored', async () => {
    const before = (await audit('api')).length;
    const cases: Array<[object, string]> = [
      [{ patch: '{"spec":' }, 'patch'],
      [{ patch: '{"spec": {}}' }, 'patch'],
      [{ patch: JSON.stringify([{ op: 'test', path: '/spec/project', value: 'other' }]) }, 'patch'],
      [{ patch: JSON.stringify([{ op: 'replace', path: '/spec/nothing/here', value: 1 }]) }, 'patch'],
      [{ patch: '{}', patchType: 'strategic' }, 'patchType'],
      [{ patch: 5 }, 'patch'],
      [{}, 'patch'],
      [{ patch: '{}', name: 'other' }, 'name'],
      [
        {
          patch: JSON.stringify({ spec: { destination: { namespace: 'Not_A_Namespace' } } }),
          patchType: 'merge',
        },
        'spec.destination.namespace',
      ],
      [{ patch: '{"__proto__": {"x": 1}}', patchType: 'merge' }, 'patch.__proto__'],
    ];
    for (const [body, field] of cases) {
      const res = await http.patch('/api/v1/applications/api').send(body);
      expect([JSON.stringify(body), res.status, (res.body as { code: number }).code]).toEqual([
        JSON.stringify(body),
        400,
        3,
      ]);
      expect(argoShapeProblems('runtime-error', res.body)).toEqual([]);
      expect((res.body as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toContain(field);
    }
    expect((await audit('api')).length).toBe(before);
    const missing = await http.patch('/api/v1/applications/nope').send({ patch: '{}', patchType: 'merge' });
    expect([missing.status, (missing.body as { code: number }).code]).toEqual([404, 5]);
  });

  it("Sync takes Argo CD's ApplicationSyncRequest and answers the Application with the operation started", async () => {
    const res = await http.post('/api/v1/applications/web/sync').send({
      name: 'web',
      revision: 'HEAD',
      prune: true,
      dryRun: false,
      strategy: { hook: { force: false } },
      syncOptions: { items: ['CreateNamespace=true'] },
      resources: [{ group: '', kind: 'ConfigMap', name: 'settings', namespace: 'demo' }],
      infos: [{ name: 'ticket', value: 'CAB-42' }],
    });
    expect(res.status).toBe(201);
    expect(argoShapeProblems('application', res.body)).toEqual([]);
    const operation = (res.body as App).operation!;
    expect(res.headers['x-berth-operation-id']).toBe(operation.operationId);
    expect(operation.sync).toMatchObject({
      prune: true,
      syncOptions: ['CreateNamespace=true'],
      resources: [{ kind: 'ConfigMap', name: 'settings' }],
    });
    expect(operation).toMatchObject({ info: [{ name: 'ticket', value: 'CAB-42' }] });
    const busy = await http.post('/api/v1/applications/web/sync').send({});
    expect([busy.status, (busy.body as { code: number }).code]).toEqual([409, 9]);
    expect(argoShapeProblems('runtime-error', busy.body)).toEqual([]);
  });

  it('Rollback takes the id as a number or as an int64 string, with prune and dryRun', async () => {
    await recordSyncedStatus(scheduler.ctx, 'odd', {
      revision: 'a'.repeat(40),
      sync: 'Synced',
      health: 'Healthy',
    });
    const res = await http
      .post('/api/v1/applications/odd/rollback')
      .send({ name: 'odd', id: '0', prune: true, dryRun: true });
    expect(res.status).toBe(201);
    expect(argoShapeProblems('application', res.body)).toEqual([]);
    expect((res.body as App).operation).toMatchObject({ rollbackOf: 0, sync: { prune: true, dryRun: true } });
    expect(res.headers['x-berth-operation-id']).toBe((res.body as App).operation!.operationId);
    for (const id of ['-1', '1.5', 'x', '1e3', '']) {
      const bad = await http.post('/api/v1/applications/odd/rollback').send({ id });
      expect([id, bad.status]).toEqual([id, 400]);
      expect((bad.body as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toEqual(['id']);
    }
  });

  it('Delete answers 200 {}', async () => {
    const res = await http.delete('/api/v1/applications/api?cascade=false&propagationPolicy=foreground');
    expect(res.status).toBe(200);
    expect(argoShapeProblems('empty-response', res.body)).toEqual([]);
    expect(res.body).toEqual({});
    const gone = await http.delete('/api/v1/applications/api');
    expect([gone.status, (gone.body as { code: number }).code]).toEqual([404, 5]);
  });
});
