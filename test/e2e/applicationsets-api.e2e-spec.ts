import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PeriodicRefreshService } from '../../apps/scheduler/src/refresh/periodic-refresh.service';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';

// Argo CD's ApplicationSet API (server/applicationset) on a real scheduler, Postgres and Redis: create
// (upsert, dryRun), get, list (projects, selector), generate and delete, with Argo CD's RBAC
// (`applicationsets`, object `<project>/<name>`).

const appSet = (
  name: string,
  extra: { labels?: Record<string, string>; path?: string; project?: string } = {},
) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
  spec: {
    generators: [{ list: { elements: [{ env: 'dev' }, { env: 'prod' }] } }],
    template: {
      metadata: { name: `${name}-{{env}}` },
      spec: {
        project: extra.project ?? 'default',
        source: {
          repoURL: 'https://git.example.com/org/deploy.git',
          targetRevision: 'HEAD',
          path: extra.path ?? 'app/{{env}}',
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: '{{env}}' },
      },
    },
  },
});

describe('ApplicationSet API', () => {
  let s: TestScheduler;
  let http: TestScheduler['http'];

  const streamEvents = async (name: string) =>
    (
      await s.db.dataSource.query<Array<{ type: string; actor: string }>>(
        `SELECT type, metadata->>'actor' AS actor FROM events WHERE stream_id = $1 ORDER BY stream_version`,
        [`applicationset-${name}`],
      )
    ).map((e) => `${e.type}:${e.actor}`);

  beforeAll(async () => {
    s = await startTestScheduler(
      { WEBHOOK_GITHUB_SECRET: 's3cret' },
      {
        accounts: ['viewer'],
        rbac: 'policy.csv: |\n  g, viewer, role:readonly\n',
      },
    );
    http = s.http;
  });
  afterAll(async () => {
    await s.ctx.queues.applicationSet.obliterate({ force: true });
    await s.close();
  });

  it('creates (dry run first), gets, lists, refuses a different spec without upsert and replaces it with upsert', async () => {
    const dry = await http.post('/api/v1/applicationsets?dryRun=true').send(appSet('web'));
    expect(dry.status).toBe(200);
    expect(await streamEvents('web')).toEqual([]);

    const created = await http.post('/api/v1/applicationsets').send(appSet('web', { labels: { team: 'a' } }));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      kind: 'ApplicationSet',
      metadata: { name: 'web' },
      status: { resources: [] },
    });
    expect(await streamEvents('web')).toEqual(['ApplicationSetCreated:admin']);
    // The worker is asked to reconcile it.
    expect(
      (await s.ctx.queues.applicationSet.getJobs(['waiting'])).map((j) => j.data.applicationSet),
    ).toContain('web');

    expect((await http.post('/api/v1/applicationsets').send(appSet('other'))).status).toBe(200);
    const list = await http.get('/api/v1/applicationsets?selector=team%3Da');
    expect(list.status).toBe(200);
    expect(
      (list.body as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name),
    ).toEqual(['web']);
    const none = await http.get('/api/v1/applicationsets?projects=elsewhere');
    expect((none.body as { items: unknown[] }).items).toEqual([]);

    const refused = await http.post('/api/v1/applicationsets').send(appSet('web', { path: 'other/{{env}}' }));
    expect(refused.status).toBe(409);
    expect((refused.body as { message: string }).message).toContain('use upsert flag to force update');
    const replaced = await http
      .post('/api/v1/applicationsets?upsert=true')
      .send(appSet('web', { path: 'other/{{env}}' }));
    expect(replaced.status).toBe(200);
    expect(await streamEvents('web')).toEqual([
      'ApplicationSetCreated:admin',
      'ApplicationSetSpecChanged:admin',
    ]);

    const got = await http.get('/api/v1/applicationsets/web');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ spec: { template: { spec: { source: { path: 'other/{{env}}' } } } } });
  });

  it('generates the Applications without recording anything', async () => {
    const generated = await http
      .post('/api/v1/applicationsets/generate')
      .send({ applicationSet: appSet('gen') });
    expect(generated.status).toBe(200);
    const apps = (
      generated.body as {
        applications: Array<{
          metadata: { name: string; finalizers: string[] };
          spec: { destination: { namespace: string } };
        }>;
      }
    ).applications;
    expect(apps.map((a) => `${a.metadata.name}:${a.spec.destination.namespace}`)).toEqual([
      'gen-dev:dev',
      'gen-prod:prod',
    ]);
    expect(apps[0]!.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(await streamEvents('gen')).toEqual([]);
    expect(await s.db.dataSource.query(`SELECT name FROM applications`)).toEqual([]);
  });

  it("applies Argo CD's RBAC: a read-only account may get and list but not create, generate or delete", async () => {
    expect((await http.get('/api/v1/applicationsets/web').set(s.as('viewer'))).status).toBe(200);
    expect(
      ((await http.get('/api/v1/applicationsets').set(s.as('viewer'))).body as { items: unknown[] }).items,
    ).toHaveLength(2);
    const create = await http.post('/api/v1/applicationsets').set(s.as('viewer')).send(appSet('mine'));
    expect(create.status).toBe(403);
    expect(
      (await http.post('/api/v1/applicationsets/generate').set(s.as('viewer')).send(appSet('mine'))).status,
    ).toBe(403);
    expect((await http.delete('/api/v1/applicationsets/web').set(s.as('viewer'))).status).toBe(403);
    expect(await streamEvents('mine')).toEqual([]);
  });

  it('deletes a set ({}), and asks the worker to delete its Applications; a missing one is a 404', async () => {
    const deleted = await http.delete('/api/v1/applicationsets/other');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({});
    expect(await streamEvents('other')).toEqual([
      'ApplicationSetCreated:admin',
      'ApplicationSetDeleted:admin',
    ]);
    expect((await http.get('/api/v1/applicationsets/other')).status).toBe(404);
    expect((await http.delete('/api/v1/applicationsets/other')).status).toBe(404);
  });

  it('a push webhook for a repository a git generator reads asks for a reconciliation of that set only', async () => {
    const git = (name: string, revision: string) => ({
      ...appSet(name),
      spec: {
        ...appSet(name).spec,
        generators: [
          {
            matrix: {
              generators: [
                {
                  git: {
                    repoURL: 'https://github.com/acme/deploy.git',
                    revision,
                    directories: [{ path: 'apps/*' }],
                  },
                },
                { list: { elements: [{ env: 'dev' }] } },
              ],
            },
          },
        ],
      },
    });
    expect((await http.post('/api/v1/applicationsets').send(git('on-main', 'main'))).status).toBe(200);
    expect((await http.post('/api/v1/applicationsets').send(git('on-release', 'release'))).status).toBe(200);
    await s.ctx.queues.applicationSet.obliterate({ force: true });
    const push = JSON.stringify({
      ref: 'refs/heads/main',
      repository: {
        html_url: 'https://github.com/acme/deploy',
        clone_url: 'https://github.com/acme/deploy.git',
      },
    });
    const res = await http
      .post('/api/webhook')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', `sha256=${createHmac('sha256', 's3cret').update(push).digest('hex')}`)
      .set('Content-Type', 'application/json')
      .send(push);
    expect(res.status).toBe(200);
    const jobs = await s.ctx.queues.applicationSet.getJobs(['waiting']);
    expect(jobs.map((j) => `${j.data.applicationSet}:${j.data.reason}`)).toEqual(['on-main:webhook']);
  });

  it("refuses a template naming a project that does not exist, as Argo CD's Create", async () => {
    const res = await http.post('/api/v1/applicationsets').send(appSet('ghost', { project: 'nowhere' }));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(
      'ApplicationSet references project nowhere which does not exist',
    );
  });

  it("the scheduler's periodic round keeps each git ApplicationSet's requeue queued: one job per set and period", async () => {
    await s.ctx.queues.applicationSet.obliterate({ force: true });
    const periodic = s.app.get(PeriodicRefreshService);
    await periodic.tick();
    await periodic.tick();
    const delayed = await s.ctx.queues.applicationSet.getJobs(['delayed']);
    // on-main and on-release read Git (default 180 s); web (a list) is not requeued.
    expect(delayed.map((j) => `${j.data.applicationSet}:${j.data.reason}`).sort()).toEqual([
      'on-main:periodic',
      'on-release:periodic',
    ]);
    expect(delayed.every((j) => j.opts.delay === 180_000)).toBe(true);
  });

  it("refuses the seed's §4.4 ApplicationSet for its templated project, as Argo CD's API does", async () => {
    const seed = readFileSync(join(process.cwd(), 'testdata/seed/applicationset.yaml'), 'utf8');
    const res = await http.post('/api/v1/applicationsets').set('Content-Type', 'application/yaml').send(seed);
    expect(res.status).toBe(400);
    expect((res.body as { issues: Array<{ field: string; message: string }> }).issues).toEqual([
      expect.objectContaining({
        field: 'spec.template.spec.project',
        message:
          'the Argo CD API does not currently support creating ApplicationSets with templated `project` fields',
      }),
    ]);
  });
});
