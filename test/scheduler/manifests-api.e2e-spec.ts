import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import {
  makeReadOnly,
  readOnlyFaultAvailable,
  restoreAllReadOnly,
} from '@berth/sources/testing/read-only-dir';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applicationAggregate, type RecordedEvent } from '@berth/domain';
import { startTestScheduler, type TestScheduler } from './scheduler-harness';
import { errorOf } from '../testing/api-answer';
import { GitFixtureRepo } from '../../libs/sources/src/testing/git-fixture-repo';

const configMap = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: ${value}\n`;
/** `GET .../manifests`: what Git renders at a revision, as Argo CD's ManifestResponse (objects as JSON strings). */
interface ManifestsAnswer {
  sourceType: string;
  revision: string;
  namespace: string;
  server: string;
  manifests: string[];
}

type RenderedObject = { kind: string; data?: unknown; stringData?: unknown };

const objectsOf = (answer: ManifestsAnswer) => answer.manifests.map((m) => JSON.parse(m) as RenderedObject);

const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cr3t-value\n';

describe('GET /api/v1/applications/:name/manifests', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  let root: string;
  let firstCommit: string;
  let secondCommit: string;
  let repo: GitFixtureRepo;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-manifests-'));
    repo = await GitFixtureRepo.create(root, 'deploy');
    firstCommit = await repo.commit({
      'app/settings.yaml': configMap('blue'),
      'app/db-secret.yaml': secret,
      'app/README.md': '# notes',
    });
    secondCommit = await repo.commit({ 'app/settings.yaml': configMap('green') });
    scheduler = await startTestScheduler(
      { BERTH_ALLOW_FILE_REPOS: 'true', BERTH_DATA_DIR: root },
      { accounts: ['alice'] },
    );
    ({ http } = scheduler);
    const app = (name: string, path: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name },
      spec: {
        project: 'default',
        source: { repoURL: repo.fileUrl, targetRevision: 'HEAD', path },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'demo' },
      },
    });
    expect((await http.post('/api/v1/applications').send(app('settings', 'app'))).status).toBe(200);
    expect((await http.post('/api/v1/applications').send(app('broken', 'missing/dir'))).status).toBe(200);
  });
  afterAll(async () => {
    await restoreAllReadOnly();
    await scheduler.close();
    await rm(root, { recursive: true, force: true });
  });

  it('returns what Git renders at the target revision, with Secret values masked', async () => {
    const res = await http.get('/api/v1/applications/settings/manifests');
    expect(res.status).toBe(200);
    const rendered = res.body as ManifestsAnswer;
    expect(rendered).toMatchObject({
      sourceType: 'Directory',
      namespace: 'demo',
      server: 'https://kubernetes.default.svc',
    });
    const objects = objectsOf(rendered);
    const kinds = objects.map((m) => m.kind).sort();
    expect(kinds).toEqual(['ConfigMap', 'Secret']);
    const cm = objects.find((m) => m.kind === 'ConfigMap');
    expect(cm?.data).toEqual({ color: 'green' });
    expect(JSON.stringify(res.body)).not.toContain('s3cr3t-value');
    expect(objects.find((m) => m.kind === 'Secret')?.stringData).toEqual({
      password: '++++++++',
    });
  });

  it('renders an older revision on request', async () => {
    const res = await http.get(`/api/v1/applications/settings/manifests?revision=${firstCommit}`);
    const rendered = res.body as ManifestsAnswer;
    expect(rendered.revision).toBe(firstCommit);
    expect(objectsOf(rendered).find((m) => m.kind === 'ConfigMap')?.data).toEqual({
      color: 'blue',
    });
  });

  it('explains a render failure instead of failing with 500', async () => {
    const res = await http.get('/api/v1/applications/broken/manifests');
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(/cannot render "broken" \(path-not-found\)/);
  });

  it('a partial rollback re-deploys only the chosen kinds, rendered at the old revision', async () => {
    // Two deployments in the history, as the worker records them.
    const meta = { actor: 'system:test' };
    for (const [i, revision] of [firstCommit, secondCommit].entries()) {
      await scheduler.ctx.commands.handle(
        applicationAggregate,
        'application-settings',
        () => [
          {
            type: 'SyncRequested',
            schemaVersion: 1,
            data: {
              application: 'settings',
              operationId: `op-${i}`,
              prune: false,
              dryRun: false,
              initiatedBy: { automated: false },
            },
          },
          {
            type: 'SyncOperationSucceeded',
            schemaVersion: 1,
            data: {
              application: 'settings',
              operationId: `op-${i}`,
              revision,
              message: 'ok',
              startedAt: '',
              finishedAt: '',
            },
          },
        ],
        meta,
      );
    }
    const history = (await http.get('/api/v1/applications/settings/history')).body as Array<{
      id: number;
      revision: string;
    }>;
    expect(history.map((h) => [h.id, h.revision])).toEqual([
      [0, firstCommit],
      [1, secondCommit],
    ]);
    const res = await http
      .post('/api/v1/applications/settings/rollback')
      .set(scheduler.as('alice'))
      .send({ id: 0, kinds: ['ConfigMap'] });
    expect(res.status).toBe(200);
    const events = (await http.get('/api/v1/applications/settings/audit')).body as RecordedEvent[];
    expect(events[events.length - 1]).toMatchObject({
      type: 'SyncRequested',
      data: {
        revision: firstCommit,
        trigger: 'rollback',
        rollbackOf: 0,
        resources: [{ group: '', kind: 'ConfigMap', name: 'settings' }],
      },
      metadata: { actor: 'alice' },
    });
    await http.delete('/api/v1/applications/settings/operation');
    const none = await http
      .post('/api/v1/applications/settings/rollback')
      .send({ id: 0, kinds: ['Ingress'] });
    expect(none.status).toBe(400);
    expect(errorOf(none).message).toMatch(/kinds: revision .* renders no Ingress/);
  });

  (readOnlyFaultAvailable() ? it : it.skip)(
    "answers 503 naming the data dir when the scheduler's own disk refuses the fetch, and renders again once writable",
    async () => {
      await http.get('/api/v1/applications/settings/manifests').expect(200);
      const third = await repo.commit({ 'app/settings.yaml': configMap('red') });
      const mirrors = join(root, 'scheduler-git');
      await mkdir(mirrors, { recursive: true });
      const restore = await makeReadOnly(mirrors);
      let res;
      try {
        res = await http.get('/api/v1/applications/settings/manifests');
      } finally {
        await restore();
      }
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toMatchObject({ error: 'Unavailable', dependency: 'data-dir' });
      expect(errorOf(res).message).toContain(mirrors);
      const again = await http.get('/api/v1/applications/settings/manifests').expect(200);
      expect((again.body as ManifestsAnswer).revision).toBe(third);
    },
  );
});
