import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Application, ApplicationStatus, RecordedEvent } from '@berth/domain';
import type { TestDatabase } from '../../libs/event-store/src/testing/test-database';
import { errorOf, issuesOf, type ApiPage, type AuditEntry, type HealthAnswer } from '../testing/api-answer';
import { startTestScheduler, type TestScheduler } from './scheduler-harness';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';

// Jest runs from the repository root.
const seedApplication = readFileSync(join(process.cwd(), 'testdata/applications/guestbook.yaml'), 'utf8');
const articleApplication = readFileSync(join(process.cwd(), 'testdata/seed/application.yaml'), 'utf8');

/** An application as the API answers it: the manifest with Argo CD's status and pending operation. */
type ApplicationAnswer = Application & {
  status: ApplicationStatus;
  operation?: { operationId: string; sync?: unknown; initiatedBy?: unknown };
};

describe('scheduler API v1 (real Postgres and Redis)', () => {
  let scheduler: TestScheduler;
  let db: TestDatabase;
  let ctx: SchedulerContext;
  let http: TestScheduler['http'];

  beforeAll(async () => {
    scheduler = await startTestScheduler({}, { accounts: ['alice', 'bob', 'carol', 'dave'] });
    ({ db, ctx, http } = scheduler);
  });
  afterAll(async () => {
    await scheduler.close();
  });

  it('creates the seed Application from YAML sent the way curl --data-binary sends it, and records who', async () => {
    const res = await http
      .post('/api/v1/applications')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set(scheduler.as('alice'))
      .set('X-Reason', 'onboarding guestbook')
      .send(seedApplication);
    expect(res.status).toBe(201);
    // Argo CD's answer: the Application itself.
    expect(res.body as ApplicationAnswer).toMatchObject({
      kind: 'Application',
      metadata: { name: 'guestbook' },
      status: { sync: { status: 'Unknown' }, health: { status: 'Unknown' } },
    });
    const audit = await db.dataSource.query<AuditEntry[]>(
      `SELECT actor, application, event_type, summary, reason FROM audit_log WHERE application IS NOT NULL`,
    );
    expect(audit).toEqual([
      {
        actor: 'alice',
        application: 'guestbook',
        event_type: 'ApplicationCreated',
        summary: 'created application guestbook in project default',
        reason: 'onboarding guestbook',
      },
    ]);
    // The scheduler asked a worker to compare the new app.
    // A first look at a new app is background work: queued with a lower priority than refreshes people wait for.
    expect(
      await ctx.queues.refresh.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
    ).toMatchObject({
      prioritized: 1,
    });
  });

  it("accepts the article's own Application (auto-sync with prune and self-heal) as written", async () => {
    const res = await http.post('/api/v1/applications').set(scheduler.as('alice')).send(articleApplication);
    expect(res.status).toBe(201);
    const created = res.body as ApplicationAnswer;
    // No warnings: no Warning header.
    expect(res.headers['warning']).toBeUndefined();
    expect(created.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true } });
    const deleted = await http.delete('/api/v1/applications/myapp?cascade=false');
    expect([deleted.status, deleted.body]).toEqual([200, {}]);
  });

  it('gets and lists it; creating it again is a conflict that says what to do', async () => {
    const one = await http.get('/api/v1/applications/guestbook');
    expect(one.status).toBe(200);
    expect((one.body as ApplicationAnswer).spec.destination).toEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'guestbook',
    });
    const list = await http.get('/api/v1/applications');
    expect((list.body as ApiPage<ApplicationAnswer>).items.map((a) => a.metadata.name)).toEqual([
      'guestbook',
    ]);
    const again = await http.post('/api/v1/applications').send(seedApplication);
    expect(again.status).toBe(409);
    expect(errorOf(again).message).toMatch(/already exists; use PUT/);
  });

  it('rejects a bad spec with every problem, each naming its field', async () => {
    const bad = seedApplication
      .replace('namespace: guestbook', 'namespace: Guest_Book')
      .replace(/repoURL: .*/, 'repoURL: ftp://example.com/repo')
      .concat('\n  syncPolicy:\n    retry:\n      backoff:\n        duration: 5x\n');
    const res = await http.post('/api/v1/applications').set('Content-Type', 'application/yaml').send(bad);
    expect(res.status).toBe(400);
    const fields = issuesOf(res).map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.source.repoURL',
        'spec.destination.namespace',
        'spec.syncPolicy.retry.backoff.duration',
      ]),
    );
    expect(errorOf(res).message).toContain('spec.syncPolicy.retry.backoff.duration: "5x" is not a duration');
    // Nothing was written.
    expect(
      await db.dataSource.query(
        `SELECT count(*)::int AS n FROM events WHERE stream_id = 'application-guestbook'`,
      ),
    ).toEqual([{ n: 1 }]);
  });

  it('an update with a new target revision is one event naming the change; the same body again is none', async () => {
    const changed = seedApplication.replace('targetRevision: HEAD', 'targetRevision: v1.2.0');
    const first = await http.put('/api/v1/applications/guestbook').set(scheduler.as('bob')).send(changed);
    expect(first.status).toBe(200);
    const second = await http.put('/api/v1/applications/guestbook').set(scheduler.as('bob')).send(changed);
    expect(second.status).toBe(200);
    const events = await http.get('/api/v1/applications/guestbook/audit');
    const recorded = events.body as RecordedEvent[];
    expect(recorded.map((e) => e.type)).toEqual(['ApplicationCreated', 'ApplicationSpecChanged']);
    expect(recorded[1]!.data).toMatchObject({ changedPaths: ['spec.source'] });
    expect(recorded[1]!.metadata.actor).toBe('bob');
  });

  it('refresh and sync enqueue work and leave events; a second sync while one is pending is refused', async () => {
    expect(
      (await http.post('/api/v1/applications/guestbook/refresh?refresh=hard').set(scheduler.as('carol')))
        .status,
    ).toBe(201);
    const syncAsked = Date.now();
    const sync = await http
      .post('/api/v1/applications/guestbook/sync')
      .set(scheduler.as('carol'))
      .send('{"prune": true}');
    expect(sync.status).toBe(201);
    // Argo CD's shape: a requested operation is the app's `operation` until a worker starts it.
    // The answer is the Application; its operation's id is also in a header.
    const started = sync.body as ApplicationAnswer;
    const operationId = sync.headers['x-berth-operation-id'] as string;
    expect(started.operation).toMatchObject({
      sync: { prune: true },
      initiatedBy: { username: 'carol', automated: false },
      operationId,
    });
    expect(await ctx.queues.sync.getJob(`sync__guestbook__${operationId}`)).toBeDefined();
    // The worker reads the repository's refs again for it: a push a moment ago is what gets deployed.
    const repoURL = (started as unknown as { spec: { source: { repoURL: string } } }).spec.source.repoURL;
    expect(await ctx.queues.reposChangedAt([repoURL])).toBeGreaterThanOrEqual(syncAsked);
    const again = await http.post('/api/v1/applications/guestbook/sync').send('{}');
    expect(again.status).toBe(409);
    // Argo CD's FailedPrecondition: "another operation is already in progress".
    expect(again.body).toMatchObject({ error: 'OperationInProgress', code: 9 });
  });

  it('the audit API filters by application and actor and pages with a cursor', async () => {
    const page1 = await http.get('/api/v1/audit?application=guestbook&limit=2');
    expect(page1.status).toBe(200);
    const first = page1.body as ApiPage<AuditEntry>;
    expect(first.items.map((i) => i.event_type)).toEqual(['SyncRequested', 'RefreshRequested']);
    const page2 = await http.get(`/api/v1/audit?application=guestbook&limit=2&cursor=${first.nextCursor}`);
    const second = page2.body as ApiPage<AuditEntry>;
    expect(second.items.map((i) => i.event_type)).toEqual(['ApplicationSpecChanged', 'ApplicationCreated']);
    expect(second.nextCursor).toBeNull();
    const bob = await http.get('/api/v1/audit?actor=bob');
    expect((bob.body as ApiPage<AuditEntry>).items).toHaveLength(1);
    expect(errorOf(await http.get('/api/v1/audit?since=yesterday')).message).toMatch(
      /since: "yesterday" is not a time/,
    );
  });

  it('deletes it, leaving the history in the log; then it is gone from the API', async () => {
    const deleted = await http.delete('/api/v1/applications/guestbook').set(scheduler.as('alice'));
    expect([deleted.status, deleted.body]).toEqual([200, {}]);
    expect((await http.get('/api/v1/applications/guestbook')).status).toBe(404);
    const audit = await db.dataSource.query<Array<Pick<AuditEntry, 'actor' | 'event_type'>>>(
      `SELECT actor, event_type FROM audit_log WHERE application = 'guestbook' ORDER BY position`,
    );
    expect(audit.map((r) => r.event_type)).toEqual([
      'ApplicationCreated',
      'ApplicationSpecChanged',
      'RefreshRequested',
      'SyncRequested',
      'ApplicationDeleted',
    ]);
  });

  it('serves liveness, readiness and Prometheus metrics', async () => {
    expect((await http.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await http.get('/readyz');
    expect(ready.status).toBe(200);
    expect((ready.body as HealthAnswer).info).toMatchObject({
      postgres: { status: 'up' },
      redis: { status: 'up' },
    });
    const metrics = await http.get('/metrics');
    expect(metrics.text).toMatch(/berth_events_appended_total\{service="scheduler"\} \d+/);
    expect(metrics.text).toMatch(/berth_queue_depth\{queue="refresh",service="scheduler"\}/);
  });

  it('the apply strategy is recorded; Confirm Pruning records who confirmed, once, and asks for the refresh that resumes the operation (#22.14, #22.16)', async () => {
    const app = seedApplication.replace(/guestbook/g, 'prunable');
    expect((await http.post('/api/v1/applications').set(scheduler.as('alice')).send(app)).status).toBe(201);
    const nothingRunning = await http.post('/api/v1/applications/prunable/operation/confirm-prune').send('');
    expect(nothingRunning.status).toBe(400);
    expect(errorOf(nothingRunning).message).toContain('no operation in progress');
    const sync = await http
      .post('/api/v1/applications/prunable/sync')
      .set(scheduler.as('carol'))
      .send({ prune: true, strategy: { apply: { force: false } } });
    expect(sync.status).toBe(201);
    const application = sync.body as ApplicationAnswer;
    const operationId = application.operation?.operationId;
    expect(application.operation?.sync).toMatchObject({ prune: true, syncStrategy: { apply: {} } });
    await ctx.queues.refresh.obliterate({ force: true });
    for (let i = 0; i < 2; i++) {
      const confirm = await http
        .post('/api/v1/applications/prunable/operation/confirm-prune')
        .set(scheduler.as('dave'))
        .send('');
      expect(confirm.status).toBe(201);
    }
    const events = (await http.get('/api/v1/applications/prunable/audit')).body as RecordedEvent[];
    const confirmed = events.filter((e) => e.type === 'PruneConfirmed');
    expect(confirmed.map((e) => [e.data, e.metadata.actor])).toEqual([
      [{ application: 'prunable', operationId, via: 'api' }, 'dave'],
    ]);
    const refreshes = await ctx.queues.refresh.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(
      refreshes.some((j) => j.data.application === 'prunable' && j.data.reason === 'prune-confirmed'),
    ).toBe(true);
  });
});
