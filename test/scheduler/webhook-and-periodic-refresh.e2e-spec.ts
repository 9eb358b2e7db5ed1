import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import type { TestDatabase } from '../../libs/event-store/src/testing/test-database';
import { startTestScheduler, type TestScheduler } from './scheduler-harness';
import { PeriodicRefreshService } from '../../apps/scheduler/src/refresh/periodic-refresh.service';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';
import { errorOf, type WebhookAnswer } from '../testing/api-answer';

const app = (name: string, repoURL: string, targetRevision: string) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      project: 'default',
      source: { repoURL, targetRevision, path: '.' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'default' },
    },
  });

describe('Git webhooks and periodic refresh', () => {
  let scheduler: TestScheduler;
  let db: TestDatabase;
  let ctx: SchedulerContext;
  let http: TestScheduler['http'];

  beforeAll(async () => {
    scheduler = await startTestScheduler({ WEBHOOK_GITHUB_SECRET: 's3cret' });
    ({ db, ctx, http } = scheduler);
    await http
      .post('/api/v1/applications')
      .send(app('api-main', 'https://github.com/acme/deploy.git', 'main'));
    await http.post('/api/v1/applications').send(app('api-head', 'git@github.com:acme/deploy.git', 'HEAD'));
    await http
      .post('/api/v1/applications')
      .send(app('api-release', 'https://github.com/acme/deploy', 'release'));
    await http.post('/api/v1/applications').send(app('other', 'https://github.com/acme/other.git', 'main'));
  });
  afterAll(async () => {
    await scheduler.close();
  });

  const push = JSON.stringify({
    ref: 'refs/heads/main',
    repository: {
      html_url: 'https://github.com/acme/deploy',
      clone_url: 'https://github.com/acme/deploy.git',
    },
  });

  it('a signed GitHub push refreshes the apps that track that repo and branch, and only those', async () => {
    const signature = `sha256=${createHmac('sha256', 's3cret').update(push).digest('hex')}`;
    const res = await http
      .post('/api/webhook')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', signature)
      .set('Content-Type', 'application/json')
      .send(push);
    expect(res.status).toBe(200);
    expect((res.body as WebhookAnswer).refreshed!.sort()).toEqual(['api-head', 'api-main']);
  });

  it('refuses a push whose signature does not match, naming the provider', async () => {
    const res = await http
      .post('/api/webhook')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', 'sha256=00')
      .send(push);
    expect(res.status).toBe(401);
    expect(errorOf(res).message).toMatch(/github webhook signature does not match/);
  });

  it('periodic refresh requests every app never compared, once per round; a repeated round (another replica) queues nothing more', async () => {
    await ctx.queues.refresh.obliterate({ force: true });
    const periodic = scheduler.app.get(PeriodicRefreshService);
    expect(await periodic.tick()).toBe(4);
    // Another replica's round, from the same rows: the same job ids, so still one job per app.
    const other = new PeriodicRefreshService(ctx);
    expect(await other.tick()).toBe(4);
    const queued = await ctx.queues.refresh.getJobs(['waiting', 'prioritized']);
    expect(queued.map((j) => j.data.application).sort()).toEqual([
      'api-head',
      'api-main',
      'api-release',
      'other',
    ]);
    // Apps compared a moment ago are not due.
    await db.dataSource.query(`UPDATE applications SET reconciled_at = now()`);
    expect(await periodic.tick()).toBe(0);
  });

  it('an app can set its own refresh interval, or turn periodic refresh off', async () => {
    const own = (name: string, interval: string) =>
      JSON.stringify({
        ...JSON.parse(app(name, 'https://github.com/acme/fast.git', 'main')),
        metadata: { name, annotations: { 'berth.dev/refresh-interval': interval } },
      });
    await http.post('/api/v1/applications').send(own('fast', '1s'));
    await http.post('/api/v1/applications').send(own('frozen', '0'));
    await scheduler.ctx.queues.refresh.obliterate({ force: true });
    await scheduler.db.dataSource.query(
      `UPDATE applications SET reconciled_at = now() - interval '5 seconds'`,
    );
    // Global interval one hour: only the app with its own 1 s interval is due; "0" is never due.
    const hourly = new PeriodicRefreshService({
      ...scheduler.ctx,
      config: { ...scheduler.ctx.config, refreshIntervalSeconds: 3600, refreshJitterSeconds: 60 },
    } as SchedulerContext);
    try {
      expect(await hourly.tick()).toBe(1);
      // Periodic refreshes are background work: queued with a lower priority.
      const queued = await scheduler.ctx.queues.refresh.getJobs(['waiting', 'prioritized']);
      expect(queued.map((j) => j.data.application)).toEqual(['fast']);
    } finally {
      await hourly.onApplicationShutdown();
    }
  });
});

describe('manifest-generate-paths: a push to a monorepo refreshes the apps whose paths it touched', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  const repo = 'https://github.com/acme/mono.git';
  const monoApp = (name: string, path: string, paths?: string) =>
    JSON.stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name,
        ...(paths ? { annotations: { 'argocd.argoproj.io/manifest-generate-paths': paths } } : {}),
      },
      spec: {
        project: 'default',
        source: { repoURL: repo, targetRevision: 'main', path },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'default' },
      },
    });

  beforeAll(async () => {
    scheduler = await startTestScheduler();
    ({ http } = scheduler);
    await http.post('/api/v1/applications').send(monoApp('mono-api', 'apps/api', '.'));
    await http.post('/api/v1/applications').send(monoApp('mono-web', 'apps/web', '.;/shared'));
    await http.post('/api/v1/applications').send(monoApp('mono-plain', 'apps/plain'));
  });
  afterAll(async () => {
    await scheduler.close();
  });

  const pushOf = (files?: string[]) =>
    JSON.stringify({
      ref: 'refs/heads/main',
      repository: { clone_url: repo },
      ...(files ? { commits: [{ added: [], modified: files, removed: [] }] } : {}),
    });
  const deliver = async (files?: string[]) => {
    const res = await http
      .post('/api/webhook')
      .set('X-GitHub-Event', 'push')
      .set('Content-Type', 'application/json')
      .send(pushOf(files));
    expect(res.status).toBe(200);
    return (res.body as WebhookAnswer).refreshed!.sort();
  };

  it('skips annotated apps whose paths no pushed file is in; unannotated apps always refresh', async () => {
    expect(await deliver(['apps/api/deployment.yaml'])).toEqual(['mono-api', 'mono-plain']);
    expect(await deliver(['shared/base.yaml', 'README.md'])).toEqual(['mono-plain', 'mono-web']);
    expect(await deliver(['docs/index.md'])).toEqual(['mono-plain']);
  });

  it('refreshes every app when the payload lists no files', async () => {
    expect(await deliver()).toEqual(['mono-api', 'mono-plain', 'mono-web']);
  });

  it('records the push, so workers do not answer these refreshes with refs read before it', async () => {
    const before = Date.now();
    await deliver(['apps/api/x.yaml']);
    expect(await scheduler.ctx.queues.reposChangedAt([repo])).toBeGreaterThanOrEqual(before);
  });
});
