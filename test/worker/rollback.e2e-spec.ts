import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applicationStreamId, isKubeObject, resourcesOfKinds, type SyncRequested } from '@berth/domain';
import type { ApplicationSource } from '@berth/render';
import { eventually } from '@berth/testing';
import { guestbook, under, WorkerHarness } from './worker-harness';

// Automatic rollback (docs/rollback.md) and partial rollback by kind (seed §5.4), with the
// processors called directly on a real repository, sandbox cluster, Postgres and Redis.
let h: WorkerHarness;

beforeAll(async () => {
  h = await WorkerHarness.start();
  await h.repo.commit({
    ...under('web', guestbook()),
    ...under('partial', guestbook()),
    ...under('slow', guestbook()),
  });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const refresh = (application: string) => h.refresh().process({ application, hard: false, reason: 'test' });
const deployment = (namespace: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace,
  name: 'guestbook-ui',
});
const imageOf = (obj: Record<string, unknown> | undefined) =>
  (obj as { spec: { template: { spec: { containers: Array<{ image: string }> } } } } | undefined)?.spec
    .template.spec.containers[0]?.image;

describe('automatic rollback', () => {
  it('a revision that turns Degraded is rolled back to the last Healthy one, and auto-sync leaves it alone until a new commit', async () => {
    await h.createApp('web', 'web', {
      automated: { prune: true },
      autoRollback: { healthTimeout: '1m' },
    });
    const good = await h.repo.head();
    const first = await refresh('web');
    expect(first.autoSyncOperationId).toBeDefined();
    expect(await h.sync().process({ application: 'web', operationId: first.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    await h.refreshUntilHealth('web', 'Healthy');

    const bad = await h.repo.commit(under('web', guestbook('nginx:doesnotexist')), 'bad image');
    const second = await refresh('web');
    expect(second.autoSyncOperationId).toBeDefined();
    expect(await h.sync().process({ application: 'web', operationId: second.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    const deployedBad = (await h.events('web')).length;

    // Refresh (as the periodic refresh would) until the rollback starts: the sandbox's pod needs a moment
    // (real, scaled time) to report the image pull failure.
    const rollbackId = await eventually(
      async () => {
        const id = (await refresh('web')).autoRollbackOperationId;
        expect(id).toBeDefined();
        return id!;
      },
      { timeout: 15_000, interval: 30, what: 'a refresh of web to start the rollback' },
    );
    const events = await h.events('web');
    const triggered = events.find((e) => e.type === 'AutoRollbackTriggered');
    expect(triggered?.data).toMatchObject({
      application: 'web',
      failedRevision: bad,
      rollbackTo: good,
      operationId: rollbackId,
    });
    expect((triggered?.data as { reason: string }).reason).toContain('Degraded');
    const request = events.find(
      (e): e is SyncRequested => e.type === 'SyncRequested' && e.data.operationId === rollbackId,
    );
    expect(request?.data).toMatchObject({
      revision: good,
      trigger: 'auto-rollback',
      initiatedBy: { username: 'system:auto-rollback', automated: true },
      rollbackOf: 0,
    });
    const actors = (await h.deps.store.readStream(applicationStreamId('web')))
      .filter(
        (r) =>
          r.type === 'AutoRollbackTriggered' ||
          (r.data as { operationId?: string }).operationId === rollbackId,
      )
      .map((r) => r.metadata.actor);
    expect(actors.slice(0, 2)).toEqual(['system:auto-rollback', 'system:auto-rollback']);

    expect(await h.sync().process({ application: 'web', operationId: rollbackId })).toBe('Succeeded');
    await h.refreshUntilHealth('web', 'Healthy');
    expect(imageOf(await h.cluster.get(deployment('web')))).toBe('nginx:1.27');

    const timeline = (await h.timeline('web', deployedBad)).filter((t) => !t.startsWith('ResourceSynced'));
    const degraded = timeline.indexOf('HealthStatusChanged:Degraded');
    expect(degraded).toBeGreaterThanOrEqual(0);
    expect(timeline.slice(degraded, degraded + 5)).toEqual([
      'HealthStatusChanged:Degraded',
      'AutoRollbackTriggered',
      'SyncRequested',
      'SyncOperationStarted',
      'SyncOperationSucceeded',
    ]);
    expect(timeline[timeline.length - 1]).toBe('HealthStatusChanged:Healthy');
    const history = (
      await h.db.dataSource.query<Array<{ history: Array<{ revision: string; trigger: string }> }>>(
        `SELECT status->'history' AS history FROM applications WHERE name = 'web'`,
      )
    )[0]!.history;
    expect(history.map((e) => `${e.revision.slice(0, 7)}:${e.trigger}`)).toEqual([
      `${good.slice(0, 7)}:auto-sync`,
      `${bad.slice(0, 7)}:auto-sync`,
      `${good.slice(0, 7)}:auto-rollback`,
    ]);

    const audit: Array<{ event_type: string; actor: string; summary: string }> = await h.db.dataSource.query(
      `SELECT event_type, actor, summary FROM audit_log WHERE application = 'web' AND actor = 'system:auto-rollback' ORDER BY position`,
    );
    expect(audit.slice(0, 2)).toEqual([
      expect.objectContaining({
        event_type: 'AutoRollbackTriggered',
        summary: expect.stringMatching(/^auto-rollback: .*Degraded/),
      }),
      {
        event_type: 'SyncRequested',
        actor: 'system:auto-rollback',
        summary: `auto-rollback: requested sync back to ${good.slice(0, 7)}`,
      },
    ]);

    // Git still says `bad`: OutOfSync, but auto-sync does not try it again.
    const after = await refresh('web');
    expect(after.syncStatus).toBe('OutOfSync');
    expect(after.autoSyncOperationId).toBeUndefined();
    expect(after.autoRollbackOperationId).toBeUndefined();

    // A new commit is synced automatically again.
    const fixed = await h.repo.commit(under('web', guestbook('nginx:1.28')), 'fix image');
    const next = await refresh('web');
    expect(next.autoSyncOperationId).toBeDefined();
    expect(await h.sync().process({ application: 'web', operationId: next.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    expect((await h.view('web')).revision).toBe(fixed);
  }, 60_000);
});

describe('automatic rollback at the health deadline', () => {
  it('a revision still Progressing when healthTimeout passes is rolled back; until then a refresh waits for the deadline', async () => {
    await h.createApp('slow', 'slow', { automated: {}, autoRollback: { healthTimeout: '1s' } });
    const good = await h.repo.head();
    const first = await refresh('slow');
    expect(await h.sync().process({ application: 'slow', operationId: first.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    await h.refreshUntilHealth('slow', 'Healthy');

    // A pod that never starts, with a long progress deadline: Progressing, never Degraded.
    const stuck = guestbook('nginx:doesnotexist');
    stuck['deployment.yaml'] = stuck['deployment.yaml'].replace(
      'progressDeadlineSeconds: 10',
      'progressDeadlineSeconds: 6000',
    );
    const bad = await h.repo.commit(under('slow', stuck), 'stuck rollout');
    const second = await refresh('slow');
    expect(await h.sync().process({ application: 'slow', operationId: second.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    const early = await refresh('slow');
    expect(early.healthStatus).toBe('Progressing');
    expect(early.autoRollbackOperationId).toBeUndefined();
    const deadline = await h.deps.queues.refresh.getJob(
      `auto-rollback__slow__${second.autoSyncOperationId!}`,
    );
    expect(deadline?.data).toMatchObject({ application: 'slow', reason: 'auto-rollback-deadline' });
    expect(await deadline?.getState()).toBe('delayed');

    // The deadline is the subject here: move the processors' clock past it instead of sleeping through it.
    h.clock.advance(1000);
    const late = await refresh('slow');
    expect(late.autoRollbackOperationId).toBeDefined();
    const triggered = (await h.events('slow')).find((e) => e.type === 'AutoRollbackTriggered');
    expect(triggered?.data).toMatchObject({ failedRevision: bad, rollbackTo: good });
    expect((triggered?.data as { reason: string }).reason).toMatch(
      /still Progressing \d+ s after its sync \(healthTimeout 1 s\)/,
    );
    expect(await h.sync().process({ application: 'slow', operationId: late.autoRollbackOperationId! })).toBe(
      'Succeeded',
    );
    await h.refreshUntilHealth('slow', 'Healthy');
  }, 30_000);
});

describe('partial rollback by kind', () => {
  it('a SyncRequested with a revision and resources re-deploys only those resources at that revision, pruning nothing', async () => {
    await h.createApp('partial', 'partial');
    const v1 = await h.repo.head();
    await refresh('partial');
    expect(
      await h.sync().process({ application: 'partial', operationId: await h.requestSync('partial') }),
    ).toBe('Succeeded');
    const v2 = await h.repo.commit(
      {
        ...under('partial', guestbook('nginx:1.28', 'bonjour')),
        'partial/extra.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata: { added: in-v2 }\n',
      },
      'v2',
    );
    expect(
      await h
        .sync()
        .process({ application: 'partial', operationId: await h.requestSync('partial', { revision: v2 }) }),
    ).toBe('Succeeded');
    expect(imageOf(await h.cluster.get(deployment('partial')))).toBe('nginx:1.28');

    // What the scheduler's POST .../rollback {id, kinds: ["Deployment"]} does with the domain function.
    const manifest = h.manifest('partial', 'partial');
    const rendered = await h.deps.renderer.render({
      appName: 'partial',
      namespace: 'partial',
      source: { ...(manifest.spec['source'] as ApplicationSource), targetRevision: v1 },
      hardRefresh: false,
    });
    const resources = resourcesOfKinds(['Deployment'], rendered.objects.filter(isKubeObject), v1);
    expect(resources).toEqual([{ group: 'apps', kind: 'Deployment', name: 'guestbook-ui' }]);
    const before = (await h.events('partial')).length;
    const operationId = await h.requestSync('partial', {
      revision: v1,
      resources,
      prune: true,
      trigger: 'rollback',
      rollbackOf: 0,
    });
    expect(await h.sync().process({ application: 'partial', operationId })).toBe('Succeeded');

    expect(await h.timeline('partial', before)).toEqual([
      'SyncRequested',
      'SyncOperationStarted',
      'ResourceSynced:Deployment/guestbook-ui:configured',
      'SyncOperationSucceeded',
    ]);
    const succeeded = (await h.events('partial')).pop();
    expect(succeeded?.data).toMatchObject({ revision: v1 });
    expect(imageOf(await h.cluster.get(deployment('partial')))).toBe('nginx:1.27');
    // The ConfigMaps keep v2: the changed one, and the one v1 does not have (no prune in a selective sync).
    const config = await h.cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'partial',
      name: 'guestbook-config',
    });
    expect((config as { data: Record<string, string> } | undefined)?.data['greeting']).toBe('bonjour');
    expect(
      await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'partial', name: 'extra' }),
    ).toBeDefined();
  }, 60_000);
});
