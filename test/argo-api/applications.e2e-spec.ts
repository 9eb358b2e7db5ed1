import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTools } from '@berth/render';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import {
  buildHelmRepo,
  startHelmRepoServer,
  type HelmRepoServer,
} from '@berth/sources/testing/helm-repo-server';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { argoShapeProblems } from './testing/argo-shapes';

// An Argo CD client (the CLI, the UI, the Backstage plugin, a CI script) reading applications: every answer
// is checked against the shape Argo CD's swagger gives it (@berth/api-schemas).

const helm = findTools().helm;
const configMap = (color: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: ${color}\n`;

/** What Argo CD's CLI sends on `argocd app create`: no apiVersion or kind, its typed client adds neither. */
const typelessApp = (name: string, source: Record<string, unknown>) => ({
  metadata: { name },
  spec: {
    project: 'default',
    source,
    destination: { server: 'https://kubernetes.default.svc', namespace: 'demo' },
  },
});

describe('Argo CD client: applications', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  let root: string;
  let repo: GitFixtureRepo;
  let helmServer: HelmRepoServer | undefined;
  let firstCommit: string;
  let secondCommit: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-argo-apps-'));
    repo = await GitFixtureRepo.create(root, 'deploy');
    firstCommit = await repo.commit(
      { 'app/settings.yaml': configMap('blue') },
      'First: blue settings\n\nwith a body',
    );
    await repo.tag('v1.0.0', true);
    secondCommit = await repo.commit({ 'app/settings.yaml': configMap('green') }, 'Second: green');
    if (helm) {
      const chartDir = join(root, 'chart-src');
      await mkdir(join(chartDir, 'templates'), { recursive: true });
      await writeFile(
        join(chartDir, 'Chart.yaml'),
        [
          'apiVersion: v2',
          'name: web',
          'version: 1.0.0',
          'description: A web server for tests',
          'home: https://example.com/web',
          'maintainers:',
          '  - name: Jane Doe',
          '    email: jane@example.com',
          '  - name: Ops',
          '',
        ].join('\n'),
      );
      await writeFile(join(chartDir, 'templates', 'cm.yaml'), configMap('chart'));
      const repoDir = join(root, 'helm-repo');
      await buildHelmRepo(helm, repoDir, [{ chartDir, versions: ['1.0.0', '1.1.0'] }]);
      helmServer = await startHelmRepoServer({ dir: repoDir });
    }
    scheduler = await startTestScheduler({
      BERTH_ALLOW_FILE_REPOS: 'true',
      BERTH_ALLOW_HTTP_REPOS: 'true',
      BERTH_DATA_DIR: root,
    });
    ({ http } = scheduler);
    const created = await http
      .post('/api/v1/applications')
      .send(typelessApp('guestbook', { repoURL: repo.fileUrl, targetRevision: 'HEAD', path: 'app' }));
    expect(created.status).toBe(200);
    if (helmServer) {
      const chart = await http
        .post('/api/v1/applications')
        .send(typelessApp('web', { repoURL: helmServer.url, chart: 'web', targetRevision: '1.*' }));
      expect(chart.status).toBe(200);
    }
  });

  afterAll(async () => {
    await scheduler?.close();
    await helmServer?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('an Application created without apiVersion and kind gets them, as from Argo CD', async () => {
    const res = await http.get('/api/v1/applications/guestbook');
    expect(res.status).toBe(200);
    expect(argoShapeProblems('application', res.body)).toEqual([]);
    expect(res.body).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' });
    const audit = (await http.get('/api/v1/applications/guestbook/audit')).body as Array<{
      type: string;
      data: { manifest?: { apiVersion?: string; kind?: string } };
    }>;
    expect(audit[0]?.data.manifest).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
    });
    // A body naming another kind is still a mistake.
    const wrong = await http
      .post('/api/v1/applications')
      .send({ kind: 'ConfigMap', ...typelessApp('other', { repoURL: repo.fileUrl, path: 'app' }) });
    expect(wrong.status).toBe(400);
    expect(argoShapeProblems('runtime-error', wrong.body)).toEqual([]);
  });

  it('lists applications as a v1alpha1ApplicationList', async () => {
    const res = await http.get('/api/v1/applications');
    expect(argoShapeProblems('application-list', res.body)).toEqual([]);
    expect(
      (res.body as { items: Array<{ metadata: { name: string } }> }).items.map((a) => a.metadata.name),
    ).toContain('guestbook');
  });

  it('GetManifests answers a ManifestResponse: each object a JSON string, with revision, source type and destination', async () => {
    const res = await http.get(`/api/v1/applications/guestbook/manifests?revision=${firstCommit}`);
    expect(res.status).toBe(200);
    expect(argoShapeProblems('manifest-response', res.body)).toEqual([]);
    const answer = res.body as { manifests: string[]; revision: string; namespace: string; server: string };
    expect(answer).toMatchObject({
      revision: firstCommit,
      sourceType: 'Directory',
      namespace: 'demo',
      server: 'https://kubernetes.default.svc',
    });
    expect(answer.manifests.map((m) => JSON.parse(m) as unknown)).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { color: 'blue' } },
    ]);
  });

  it('RevisionMetadata of a commit: author, date, message and tags, from the mirror', async () => {
    const res = await http.get(`/api/v1/applications/guestbook/revisions/${firstCommit}/metadata`);
    expect(res.status).toBe(200);
    expect(argoShapeProblems('revision-metadata', res.body)).toEqual([]);
    expect(res.body).toEqual({
      author: 'Berth Test <test@berth.invalid>',
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/) as unknown,
      message: 'First: blue settings\n\nwith a body',
      tags: ['v1.0.0'],
      signatureInfo: '',
    });
    const short = await http.get(
      `/api/v1/applications/guestbook/revisions/${secondCommit.slice(0, 7)}/metadata`,
    );
    expect(short.body).toMatchObject({ message: 'Second: green', tags: [] });
  });

  it('RevisionMetadata of a branch or tag name resolves it first; anything else never reaches git', async () => {
    const tag = await http.get('/api/v1/applications/guestbook/revisions/v1.0.0/metadata');
    expect(tag.body).toMatchObject({ message: 'First: blue settings\n\nwith a body' });
    const branch = await http.get('/api/v1/applications/guestbook/revisions/main/metadata');
    expect(branch.body).toMatchObject({ message: 'Second: green' });
    for (const revision of ['--upload-pack=touch%20x', 'a..b', 'HEAD@%7B1%7D', 'x%20y']) {
      const res = await http.get(`/api/v1/applications/guestbook/revisions/${revision}/metadata`);
      expect(res.status).toBe(400);
      expect(argoShapeProblems('runtime-error', res.body)).toEqual([]);
      expect((res.body as { message: string }).message).toMatch(
        /is not a commit SHA or a branch or tag name/,
      );
    }
    const missing = await http.get(`/api/v1/applications/guestbook/revisions/${'d'.repeat(40)}/metadata`);
    expect(missing.status).toBe(404);
    expect(argoShapeProblems('runtime-error', missing.body)).toEqual([]);
  });

  (helm ? it : it.skip)(
    'RevisionChartDetails of a Helm source: description, home and maintainers of that version',
    async () => {
      const res = await http.get('/api/v1/applications/web/revisions/1.1.0/chartdetails');
      expect(res.status).toBe(200);
      expect(argoShapeProblems('chart-details', res.body)).toEqual([]);
      expect(res.body).toEqual({
        description: 'A web server for tests',
        home: 'https://example.com/web',
        maintainers: ['Jane Doe <jane@example.com>', 'Ops'],
      });
      const gitMetadata = await http.get('/api/v1/applications/web/revisions/1.1.0/metadata');
      expect(gitMetadata.status).toBe(400);
      expect((gitMetadata.body as { message: string }).message).toContain('chartdetails');
      const notHelm = await http.get(`/api/v1/applications/guestbook/revisions/${firstCommit}/chartdetails`);
      expect(notHelm.status).toBe(400);
      const noVersion = await http.get('/api/v1/applications/web/revisions/9.9.9/chartdetails');
      expect(noVersion.status).toBe(404);
    },
  );

  it('errors answer the runtimeError shape: an unknown application, an unknown parameter', async () => {
    const missing = await http.get('/api/v1/applications/nope');
    expect(missing.status).toBe(404);
    expect(argoShapeProblems('runtime-error', missing.body)).toEqual([]);
    const param = await http.get('/api/v1/applications/guestbook/revisions/main/metadata?sourceIndex=7');
    expect(param.status).toBe(400);
    expect(argoShapeProblems('runtime-error', param.body)).toEqual([]);
  });
});
