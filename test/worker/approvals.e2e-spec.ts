import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@berth/infra';
import { approvalExpiryJobId, syncJobId } from '@berth/queues';
import { bearer, provisionTestAdmin } from '@berth/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createSchedulerApp } from '../../apps/scheduler/src/create-scheduler-app';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';
import { issueTestApiKeys, loginTestAdmin, testAccountsConfig } from '../scheduler/scheduler-harness';
import { guestbook, REDIS_URL, under, WorkerHarness } from './worker-harness';

// Approvals of gated syncs (docs/approvals.md) across the real pieces: the scheduler's API (sync, approve,
// reject, audit) with the RBAC policy from a file, and the worker's refresh and sync processors on one
// Postgres and Redis, a real Git repo and the sandbox cluster. Both read the same injected clock.

/** A clock that stands still until the test sets it. */
class FixedClock {
  private at = new Date('2026-06-15T12:00:00Z');
  readonly now = (): Date => new Date(this.at.getTime());
  set(iso: string): void {
    this.at = new Date(iso);
  }
}

const NOON = '2026-06-15T12:00:00Z';
const H = 3_600_000;

// `api*` needs two approvers within 2 h; `auto` (automated sync) one within 1 h.
const PROJECT = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'prod', namespace: 'argocd' },
  spec: {
    sourceRepos: ['*'],
    destinations: [{ server: '*', namespace: '*' }],
    clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    syncApprovals: [
      { applications: ['api*'], requiredApprovals: 2, expiresAfter: '2h', description: 'production' },
      { applications: ['auto'], requiredApprovals: 1, expiresAfter: '1h' },
    ],
  },
};

// bob and carol may approve in prod; so may alice (who asks for the syncs: her own she may not approve);
// erin may only look.
const RBAC = `policy.csv: |
  p, role:prod-approvers, applications, approve, prod/*, allow
  p, role:prod-deployers, applications, create, prod/*, allow
  p, role:prod-deployers, applications, sync, prod/*, allow
  g, alice, role:prod-deployers
  g, carol, role:prod-deployers
  g, alice, role:prod-approvers
  g, bob, role:prod-approvers
  g, carol, role:prod-approvers
policy.default: role:readonly
`;

interface OperationStateAnswer {
  phase: string;
  message: string;
  approval?: {
    phase: string;
    requiredApprovals: number;
    requestedBy: string;
    expiresAt: string;
    approvals: Array<{ approvedBy: string; reason?: string }>;
    rejectedBy?: string;
    reason?: string;
  };
}
interface AuditItem {
  actor: string;
  eventType: string;
  summary: string;
  reason: string | null;
}

let h: WorkerHarness;
let app: NestExpressApplication;
let ctx: SchedulerContext;
let http: ReturnType<typeof request.agent>;
let configDir: string;
let keys: Map<string, string>;
const as = (name: string) => bearer(keys.get(name)!);
const clock = new FixedClock();

beforeAll(async () => {
  h = await WorkerHarness.start({ deps: { now: clock.now } });
  await h.repo.commit({ ...under('api', guestbook()), ...under('auto', guestbook()) });
  await provisionTestAdmin(h.db.dataSource);
  configDir = await mkdtemp(join(tmpdir(), 'berth-approvals-'));
  await writeFile(join(configDir, 'accounts.yaml'), testAccountsConfig(['alice', 'bob', 'carol', 'erin']));
  await writeFile(join(configDir, 'rbac.yaml'), RBAC);
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
  expect(ctx.rbac.status().status).toBe('ok');
  const adminToken = await loginTestAdmin(app.getHttpServer());
  keys = await issueTestApiKeys(app.getHttpServer(), adminToken, ['alice', 'bob', 'carol', 'erin']);
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
  const manifest = h.manifest(
    name,
    name.startsWith('api') ? 'api' : name,
    automated ? { automated: {} } : {},
  );
  manifest.spec['project'] = 'prod';
  expect((await http.post('/api/v1/applications').set(as('alice')).send(manifest)).status).toBe(200);
}

const operationState = async (name: string) =>
  (
    (await http.get(`/api/v1/applications/${name}`)).body as {
      status: { operationState?: OperationStateAnswer };
    }
  ).status.operationState;
const refresh = (name: string) => h.refresh().process({ application: name, hard: false, reason: 'test' });
const post = (name: string, what: 'approve' | 'reject', who: string, body: object = {}) =>
  request(app.getHttpServer()).post(`/api/v1/applications/${name}/operation/${what}`).set(as(who)).send(body);
const requestSync = async (name: string, who = 'alice'): Promise<string> => {
  const res = await http.post(`/api/v1/applications/${name}/sync`).set(as(who)).send({});
  expect(res.status).toBe(200);
  return (res.body as { operation: { operationId: string } }).operation.operationId;
};
const audit = async (name: string, type: string): Promise<AuditItem[]> =>
  ((await http.get(`/api/v1/audit?application=${name}&type=${type}`)).body as { items: AuditItem[] }).items;
const configMapIn = (namespace: string) =>
  h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'guestbook-config' });

describe('approvals of gated syncs, with a fixed clock', () => {
  it('refuses a policy Berth would misread: 400 naming the field', async () => {
    const broken = structuredClone(PROJECT) as unknown as {
      spec: { syncApprovals: Array<Record<string, unknown>> };
    };
    broken.spec.syncApprovals[0]!['requiredApprovals'] = 0;
    broken.spec.syncApprovals[1]!['requiredAproval'] = 2;
    const res = await http.put('/api/v1/projects/prod').send(broken);
    expect(res.status).toBe(400);
    expect((res.body as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toEqual([
      'spec.syncApprovals[0].requiredApprovals',
      'spec.syncApprovals[1].requiredAproval',
    ]);
  });

  it('a manual sync waits for two distinct approvers holding the right, then runs as any sync', async () => {
    clock.set(NOON);
    await createApp('api', false);
    await refresh('api');
    const operationId = await requestSync('api');

    // It waits, and says so where Argo CD's UI looks; no job runs it, its expiry is scheduled.
    expect(await operationState('api')).toMatchObject({
      phase: 'Running',
      message: 'waiting for approval: 0 of 2 (requested by alice, expires 2026-06-15T14:00:00.000Z)',
      approval: { phase: 'Pending', requiredApprovals: 2, requestedBy: 'alice', approvals: [] },
    });
    expect(await h.deps.queues.sync.getJob(syncJobId('api', operationId))).toBeUndefined();
    const expiry = await h.deps.queues.refresh.getJob(approvalExpiryJobId('api', operationId));
    expect(expiry?.opts.delay).toBe(2 * H + 50);
    // A worker handed the operation anyway leaves it alone.
    expect(await h.sync().process({ application: 'api', operationId })).toBe('WaitingForApproval');
    expect(await configMapIn('api')).toBeUndefined();

    const self = await post('api', 'approve', 'alice', { reason: 'mine' });
    expect(self.status).toBe(403);
    expect((self.body as { message: string }).message).toMatch(
      /^alice requested operation .* and cannot approve it: 2 other people holding the approve right must$/,
    );
    const noRight = await post('api', 'approve', 'erin');
    expect(noRight.status).toBe(403);
    expect((noRight.body as { message: string }).message).toMatch(
      /^permission denied: applications, approve, prod\/api, sub: erin \(/,
    );
    expect(
      (await request(app.getHttpServer()).post('/api/v1/applications/api/operation/approve').send({})).status,
    ).toBe(401);

    const first = await post('api', 'approve', 'bob', { reason: 'diff reviewed', operationId });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      operationId,
      approval: { phase: 'Pending', approvals: [{ approvedBy: 'bob', reason: 'diff reviewed' }] },
    });
    expect((await post('api', 'approve', 'bob')).status).toBe(409);
    // Another sync does not stack on the waiting one.
    const second = await http.post('/api/v1/applications/api/sync').set(as('carol')).send({});
    expect(second.status).toBe(409);
    expect((second.body as { message: string }).message).toMatch(/already waits for approval \(1 of 2\)/);
    expect(await h.sync().process({ application: 'api', operationId })).toBe('WaitingForApproval');

    const last = await post('api', 'approve', 'carol', { reason: 'release 1.2 signed off' });
    expect(last.status).toBe(201);
    expect(last.body).toMatchObject({ approval: { phase: 'Approved' } });
    expect(await operationState('api')).toMatchObject({
      message: 'approved by bob, carol (2 of 2): the sync starts',
    });
    // The last approval enqueued it; a worker runs it like any sync.
    expect(await h.deps.queues.sync.getJob(syncJobId('api', operationId))).toBeDefined();
    expect(await h.sync().process({ application: 'api', operationId })).toBe('Succeeded');
    expect(await configMapIn('api')).toBeDefined();
    expect(await operationState('api')).toMatchObject({
      phase: 'Succeeded',
      approval: { phase: 'Approved', approvals: [{ approvedBy: 'bob' }, { approvedBy: 'carol' }] },
    });

    // The audit log names the real subjects and what they said.
    expect(await audit('api', 'SyncRequested')).toEqual([expect.objectContaining({ actor: 'alice' })]);
    expect(await audit('api', 'SyncApprovalRequested')).toEqual([
      expect.objectContaining({
        actor: 'alice',
        summary: `sync ${operationId} requested by alice waits for 2 approvals (project prod, syncApprovals[0]) until 2026-06-15T14:00:00.000Z`,
      }),
    ]);
    expect(
      (await audit('api', 'SyncApproved')).map(({ actor, reason, summary }) => ({ actor, reason, summary })),
    ).toEqual([
      {
        actor: 'carol',
        reason: 'release 1.2 signed off',
        summary: `carol approved sync ${operationId} (2 of 2): release 1.2 signed off`,
      },
      {
        actor: 'bob',
        reason: 'diff reviewed',
        summary: `bob approved sync ${operationId} (1 of 2): diff reviewed`,
      },
    ]);
  });

  it('one rejection ends the sync with its reason; nothing runs, nothing is pending any more', async () => {
    clock.set(NOON);
    const operationId = await requestSync('api');
    expect((await post('api', 'approve', 'bob', { reason: 'looks fine' })).status).toBe(201);
    const noReason = await post('api', 'reject', 'carol', {});
    expect(noReason.status).toBe(400);
    expect((noReason.body as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toEqual([
      'reason',
    ]);
    const rejected = await post('api', 'reject', 'carol', { reason: 'freeze during the sale' });
    expect(rejected.status).toBe(201);
    expect(await operationState('api')).toMatchObject({
      phase: 'Failed',
      message: 'sync rejected by carol: freeze during the sale',
      approval: { phase: 'Rejected', rejectedBy: 'carol', approvals: [{ approvedBy: 'bob' }] },
    });
    expect(await h.sync().process({ application: 'api', operationId })).toBe('AlreadyFinished');
    const nothing = await post('api', 'approve', 'erin');
    expect(nothing.status).toBe(403);
    const late = await post('api', 'approve', 'carol');
    expect(late.status).toBe(409);
    expect((late.body as { message: string }).message).toBe(
      'application "api" has no operation waiting for approval',
    );
    expect(await audit('api', 'SyncRejected')).toEqual([
      expect.objectContaining({
        actor: 'carol',
        reason: 'freeze during the sale',
        summary: `carol rejected sync ${operationId}: freeze during the sale`,
      }),
    ]);
  });

  it('expires by time: the refresh at the limit records it, and a late answer is refused', async () => {
    clock.set(NOON);
    const first = await requestSync('api');
    clock.set('2026-06-15T14:00:00Z');
    const result = await refresh('api');
    expect(result.appended).toContain('SyncApprovalExpired');
    expect(await operationState('api')).toMatchObject({
      phase: 'Failed',
      message: 'sync approval expired at 2026-06-15T14:00:00.000Z: 0 of 2 approvals',
      approval: { phase: 'Expired' },
    });
    expect(await h.sync().process({ application: 'api', operationId: first })).toBe('AlreadyFinished');

    const second = await requestSync('api');
    expect((await post('api', 'approve', 'bob')).status).toBe(201);
    clock.set('2026-06-15T16:30:00Z');
    const tooLate = await post('api', 'approve', 'carol', { reason: 'sorry, was away' });
    expect(tooLate.status).toBe(409);
    expect((tooLate.body as { message: string }).message).toBe(
      `the approval of operation ${second} of "api" expired at 2026-06-15T16:00:00.000Z: the sync ended without running; request it again`,
    );
    const expired = await audit('api', 'SyncApprovalExpired');
    expect(expired.map((e) => e.actor)).toEqual(['system:approval-expiry', 'system:approval-expiry']);
    expect(expired[0]!.summary).toBe(
      `sync ${second} was not approved by 2026-06-15T16:00:00.000Z (1 of 2: bob); it ends without running`,
    );
  });

  it('terminating a waiting sync ends it at once', async () => {
    clock.set(NOON);
    const operationId = await requestSync('api');
    expect((await http.delete('/api/v1/applications/api/operation').set(as('alice'))).status).toBe(200);
    expect(await h.deps.queues.sync.getJob(syncJobId('api', operationId))).toBeDefined();
    expect(await h.sync().process({ application: 'api', operationId })).toBe('Terminated');
    expect(await operationState('api')).toMatchObject({
      phase: 'Failed',
      approval: { phase: 'Terminated' },
    });
  });

  it('an automated sync is gated too: system:auto-sync asks, it does not stack, a person approves', async () => {
    clock.set(NOON);
    await createApp('auto', true);
    const result = await refresh('auto');
    const operationId = result.autoSyncOperationId!;
    expect(operationId).toBeDefined();
    expect(result.awaitingApproval).toBe(true);
    expect(await h.deps.queues.sync.getJob(syncJobId('auto', operationId))).toBeUndefined();
    expect(await operationState('auto')).toMatchObject({
      phase: 'Running',
      message:
        'waiting for approval: 0 of 1 (requested by system:auto-sync, expires 2026-06-15T13:00:00.000Z)',
    });
    expect(await h.deps.queues.refresh.getJob(approvalExpiryJobId('auto', operationId))).toBeDefined();

    clock.set('2026-06-15T12:30:00Z');
    const again = await refresh('auto');
    expect(again.appended).toEqual([]);
    expect(again.autoSyncOperationId).toBeUndefined();

    expect((await post('auto', 'approve', 'bob', { reason: 'auto-sync ok' })).status).toBe(201);
    expect(await h.sync().process({ application: 'auto', operationId })).toBe('Succeeded');
    expect(await configMapIn('auto')).toBeDefined();
    expect((await audit('auto', 'SyncRequested')).map((e) => e.actor)).toEqual(['system:auto-sync']);
    expect((await audit('auto', 'SyncApprovalRequested')).map((e) => e.actor)).toEqual(['system:auto-sync']);
    expect((await audit('auto', 'SyncApproved')).map((e) => [e.actor, e.reason])).toEqual([
      ['bob', 'auto-sync ok'],
    ]);
  });
});
