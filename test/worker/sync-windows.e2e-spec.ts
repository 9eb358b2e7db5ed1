import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@berth/infra';
import { bearer, provisionTestAdmin } from '@berth/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createSchedulerApp } from '../../apps/scheduler/src/create-scheduler-app';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';
import { issueTestApiKeys, loginTestAdmin, testAccountsConfig } from '../scheduler/scheduler-harness';
import { guestbook, REDIS_URL, under, WorkerHarness } from './worker-harness';

// Sync windows across the real pieces: the scheduler's API (project, sync, windows endpoints) and the
// worker's refresh and sync processors on one Postgres and Redis, a real Git repo and the sandbox cluster.
// Both processes read the same injected clock (SchedulerContext.now, WorkerDeps.now): the test moves it.

/** A clock that stands still until the test sets it. */
class FixedClock {
  private at = new Date('2026-06-15T12:00:00Z');
  readonly now = (): Date => new Date(this.at.getTime());
  set(iso: string): void {
    this.at = new Date(iso);
  }
}

// 22:00 to 06:00 in Berlin (CEST in June: 20:00 to 04:00 UTC). `web*` and `late` may not sync at night, not even
// by hand; `ops` may be synced by hand (manualSync) but not automatically.
const PROJECT = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'team', namespace: 'argocd' },
  spec: {
    sourceRepos: ['*'],
    destinations: [{ server: '*', namespace: '*' }],
    clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    syncWindows: [
      {
        kind: 'deny',
        schedule: '0 22 * * *',
        duration: '8h',
        timeZone: 'Europe/Berlin',
        applications: ['web*', 'late'],
        description: 'night freeze',
      },
      {
        kind: 'deny',
        schedule: '0 22 * * *',
        duration: '8h',
        timeZone: 'Europe/Berlin',
        applications: ['ops'],
        manualSync: true,
      },
    ],
  },
};

const NIGHT = '2026-06-15T21:00:00Z'; // 23:00 in Berlin
const EVENING = '2026-06-15T19:00:00Z'; // 21:00 in Berlin
const MORNING = '2026-06-16T04:00:00Z'; // 06:00 in Berlin: the window has just closed

interface AppAnswer {
  status: {
    sync: { status: string };
    conditions?: Array<{ type: string; message: string }>;
    operationState?: { phase: string; message: string };
  };
}

let h: WorkerHarness;
let app: NestExpressApplication;
let ctx: SchedulerContext;
let http: ReturnType<typeof request.agent>;
let configDir: string;
/** API keys of the people who ask for syncs (the audit log names them). */
let keys: Map<string, string>;
const as = (name: string) => bearer(keys.get(name)!);
const clock = new FixedClock();

beforeAll(async () => {
  h = await WorkerHarness.start({ deps: { now: clock.now } });
  await h.repo.commit({
    ...under('web', guestbook()),
    ...under('ops', guestbook()),
    ...under('late', guestbook()),
  });
  await provisionTestAdmin(h.db.dataSource);
  configDir = await mkdtemp(join(tmpdir(), 'berth-accounts-'));
  await writeFile(join(configDir, 'accounts.yaml'), testAccountsConfig(['alice', 'bob', 'carol']));
  // The team's people may create and sync its applications (docs/rbac.md); the windows decide when.
  await writeFile(
    join(configDir, 'rbac.yaml'),
    'policy.csv: |\n  p, role:team, applications, *, team/*, allow\n  g, alice, role:team\n  g, bob, role:team\n  g, carol, role:team\n',
  );
  const config = loadConfig({
    BERTH_ACCOUNTS_CONFIG: join(configDir, 'accounts.yaml'),
    BERTH_RBAC_CONFIG: join(configDir, 'rbac.yaml'),
    DATABASE_URL: h.db.url,
    REDIS_URL,
    BERTH_QUEUE_PREFIX: h.prefix,
    LOG_LEVEL: 'error',
    REFRESH_INTERVAL_SECONDS: '0',
  });
  ({ app, ctx } = await createSchedulerApp(config, { now: clock.now }));
  await app.init();
  const adminToken = await loginTestAdmin(app.getHttpServer());
  keys = await issueTestApiKeys(app.getHttpServer(), adminToken, ['alice', 'bob', 'carol']);
  http = request.agent(app.getHttpServer()).set(bearer(adminToken));
  expect((await http.post('/api/v1/projects').send(PROJECT)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await h?.stop();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

async function createApp(name: string, automated: boolean): Promise<void> {
  const manifest = h.manifest(name, name, automated ? { automated: { prune: true } } : {});
  manifest.spec['project'] = 'team';
  const res = await http.post('/api/v1/applications').set(as('alice')).send(manifest);
  expect(res.status).toBe(200);
}

const getApp = async (name: string) => (await http.get(`/api/v1/applications/${name}`)).body as AppAnswer;
const refresh = (name: string) => h.refresh().process({ application: name, hard: false, reason: 'test' });

describe('sync windows (Argo CD semantics) with a fixed clock', () => {
  it('shows the open windows of the project, and none outside them', async () => {
    clock.set(EVENING);
    expect((await http.get('/api/v1/projects/team/syncwindows')).body).toEqual({ windows: [] });
    clock.set(NIGHT);
    const open = (await http.get('/api/v1/projects/team/syncwindows')).body as {
      windows: Array<{ kind: string }>;
    };
    expect(open.windows).toEqual(PROJECT.spec.syncWindows);
    // The project answer keeps its windows as written.
    const project = (await http.get('/api/v1/projects/team')).body as typeof PROJECT;
    expect(project.spec.syncWindows).toEqual(PROJECT.spec.syncWindows);
  });

  it('refuses a window Argo CD would misread: 400 naming the field', async () => {
    const broken = structuredClone(PROJECT);
    broken.spec.syncWindows[0]!.timeZone = 'europe/berlin';
    const res = await http.put('/api/v1/projects/team').send(broken);
    expect(res.status).toBe(400);
    expect((res.body as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toEqual([
      'spec.syncWindows[0].timeZone',
    ]);
  });

  it('a deny window holds auto-sync back and says so in a condition; a manual sync is refused (403)', async () => {
    clock.set(NIGHT);
    await createApp('web', true);
    const result = await refresh('web');
    expect(result.autoSyncOperationId).toBeUndefined();
    expect(result.syncStatus).toBe('OutOfSync');
    const blocked = await getApp('web');
    expect(blocked.status.conditions).toEqual([
      expect.objectContaining({
        type: 'AutoSyncBlocked',
        message: expect.stringMatching(
          /^Sync prevented by sync window: automated sync to [0-9a-f]{7} waits; syncWindows\[0\] \(deny "0 22 \* \* \*" for 8h, Europe\/Berlin\) is open until 2026-06-16T04:00Z$/,
        ),
      }),
    ]);
    // Said once: a second refresh in the window records nothing.
    expect((await refresh('web')).appended).toEqual([]);

    const windows = (await http.get('/api/v1/applications/web/syncwindows')).body as Record<string, unknown>;
    const nightFreeze = {
      kind: 'deny',
      schedule: '0 22 * * *',
      duration: '8h',
      manualSync: false,
      timeZone: 'Europe/Berlin',
    };
    expect(windows).toEqual({ activeWindows: [nightFreeze], assignedWindows: [nightFreeze], canSync: false });

    const refused = await http.post('/api/v1/applications/web/sync').set(as('alice')).send({});
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: 'Forbidden',
      message: expect.stringMatching(
        /^cannot sync: blocked by sync window: syncWindows\[0\] .* is open until 2026-06-16T04:00Z; manual syncs need manualSync: true on syncWindows\[0\]$/,
      ),
      windows: [expect.objectContaining({ id: 0, kind: 'deny', description: 'night freeze' })],
    });
    // The refusal is in the audit log: who asked, what, why.
    const audit = (await http.get('/api/v1/audit?application=web&type=SyncRefused')).body as {
      items: Array<{ actor: string; summary: string }>;
    };
    expect(audit.items).toEqual([
      expect.objectContaining({
        actor: 'alice',
        summary: expect.stringContaining('refused sync: cannot sync: blocked by sync window'),
      }),
    ]);
    expect((await h.events('web')).some((e) => e.type === 'SyncRequested')).toBe(false);
  });

  it('a deny window with manualSync: true lets a person sync (and only a person)', async () => {
    clock.set(NIGHT);
    await createApp('ops', true);
    await refresh('ops');
    expect((await getApp('ops')).status.conditions?.map((c) => c.type)).toEqual(['AutoSyncBlocked']);
    expect(
      ((await http.get('/api/v1/applications/ops/syncwindows')).body as { canSync: boolean }).canSync,
    ).toBe(true);

    const accepted = await http.post('/api/v1/applications/ops/sync').set(as('bob')).send({});
    expect(accepted.status).toBe(200);
    const { operationId } = (accepted.body as { operation: { operationId: string } }).operation;
    // The worker judges the windows again when it runs the operation: a person's sync goes through.
    expect(await h.sync().process({ application: 'ops', operationId })).toBe('Succeeded');
  });

  it("an operation requested before the window, run inside it, waits with Argo CD's message, then runs when it closes", async () => {
    clock.set(EVENING);
    await createApp('late', false);
    await refresh('late');
    const accepted = await http.post('/api/v1/applications/late/sync').set(as('carol')).send({});
    expect(accepted.status).toBe(200);
    const { operationId } = (accepted.body as { operation: { operationId: string } }).operation;

    clock.set(NIGHT);
    expect(await h.sync().process({ application: 'late', operationId })).toBe('BlockedBySyncWindow');
    const waiting = await getApp('late');
    expect(waiting.status.operationState).toMatchObject({
      phase: 'Running',
      message: expect.stringMatching(/^Sync operation blocked by sync window: syncWindows\[0\] /),
    });
    // Nothing reached the cluster.
    expect(
      await h.cluster.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'late',
        name: 'guestbook-config',
      }),
    ).toBeUndefined();
    // Asked again in the window (a refresh resumes it): still waiting, nothing new recorded.
    const before = (await h.events('late')).length;
    expect(await h.sync().process({ application: 'late', operationId })).toBe('BlockedBySyncWindow');
    expect(await h.events('late')).toHaveLength(before);

    clock.set(MORNING);
    expect(await h.sync().process({ application: 'late', operationId })).toBe('Succeeded');
  });

  it('when the window closes, the next refresh starts the auto-sync and clears the condition', async () => {
    clock.set(MORNING);
    expect((await http.get('/api/v1/projects/team/syncwindows')).body).toEqual({ windows: [] });
    const result = await refresh('web');
    expect(result.autoSyncOperationId).toBeDefined();
    const events = await h.events('web');
    const tail = events
      .slice(-2)
      .map((e) => (e.type === 'ConditionCleared' ? `${e.type}:${e.data.conditionType}` : e.type));
    expect(tail).toEqual(['ConditionCleared:AutoSyncBlocked', 'SyncRequested']);
    expect(await h.sync().process({ application: 'web', operationId: result.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    expect((await getApp('web')).status.conditions ?? []).toEqual([]);
    const windows = (await http.get('/api/v1/applications/web/syncwindows')).body as Record<string, unknown>;
    expect(windows).toMatchObject({ activeWindows: [], canSync: true });
  });
});
