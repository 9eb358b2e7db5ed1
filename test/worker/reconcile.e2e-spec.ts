import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applicationEvent, type DomainEvent } from '@berth/domain';
import { createCommandHandler, PostgresEventStore } from '@berth/event-store';
import { eventually } from '@berth/testing';
import { RefreshProcessor } from '../../apps/worker/src/refresh.processor';
import { guestbook, under, WorkerHarness } from './worker-harness';

// Real Git (file://), sandbox API server, Postgres and Redis; processors called directly.
let h: WorkerHarness;

beforeAll(async () => {
  h = await WorkerHarness.start();
  await h.repo.commit({
    ...under('manual', guestbook()),
    ...under('auto', guestbook()),
    ...under('heal', guestbook()),
    ...under('prune', guestbook()),
    ...under('broken', guestbook('nginx:doesnotexist')),
    ...under('dry', guestbook()),
  });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const refresh = (application: string, hard = false) =>
  h.refresh().process({ application, hard, reason: 'test' });

describe('refresh and manual sync', () => {
  it('create -> refresh shows OutOfSync/Missing -> sync -> Synced and Healthy, each step recorded once', async () => {
    await h.createApp('manual', 'manual');
    await refresh('manual');
    expect(await h.timeline('manual')).toEqual([
      'ApplicationCreated',
      'RevisionResolved',
      'SyncStatusChanged:OutOfSync',
      'HealthStatusChanged:Missing',
    ]);
    expect(await h.view('manual')).toMatchObject({ sync_status: 'OutOfSync', health_status: 'Missing' });

    const operationId = await h.requestSync('manual');
    expect(await h.sync().process({ application: 'manual', operationId })).toBe('Succeeded');
    const afterSync = await h.timeline('manual', 4);
    expect(afterSync).toEqual([
      'SyncRequested',
      'SyncOperationStarted',
      'ResourceSynced:Namespace/manual:created',
      'ResourceSynced:ConfigMap/guestbook-config:created',
      'ResourceSynced:Service/guestbook-ui:created',
      'ResourceSynced:Deployment/guestbook-ui:created',
      'SyncOperationSucceeded',
    ]);

    await h.refreshUntilHealth('manual', 'Healthy');
    const afterRefresh = await h.timeline('manual', 11);
    expect(afterRefresh[0]).toBe('SyncStatusChanged:Synced');
    expect(afterRefresh[afterRefresh.length - 1]).toBe('HealthStatusChanged:Healthy');
    expect(afterRefresh.slice(1).every((t) => t.startsWith('HealthStatusChanged:'))).toBe(true);
    const view = await h.view('manual');
    expect(view).toMatchObject({
      sync_status: 'Synced',
      health_status: 'Healthy',
      revision: await h.repo.head(),
    });

    // The tracking id reached the cluster on every object.
    const live = await h.cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'manual',
      name: 'guestbook-config',
    });
    expect(live?.metadata.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
      'manual:/ConfigMap:manual/guestbook-config',
    );
  });

  it('a refresh that finds nothing new appends nothing, but records that it reconciled', async () => {
    const before = (await h.events('manual')).length;
    const reconciledBefore = (await h.view('manual')).reconciled_at;
    // reconciled_at is Postgres' now() (microseconds) of another, later transaction: no pause needed for it to move.
    const result = await refresh('manual');
    expect(result).toMatchObject({ appended: [], syncStatus: 'Synced', healthStatus: 'Healthy' });
    expect(await h.events('manual')).toHaveLength(before);
    const reconciledAfter = (await h.view('manual')).reconciled_at;
    expect(reconciledAfter!.getTime()).toBeGreaterThan(reconciledBefore!.getTime());
  });

  it('a manual app only shows drift; it is not synced', async () => {
    await h.cluster.mergePatch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'manual', name: 'guestbook-config' },
      { data: { greeting: 'changed by hand' } },
    );
    const result = await refresh('manual');
    expect(result.appended).toEqual(['SyncStatusChanged']);
    expect(result.autoSyncOperationId).toBeUndefined();
    expect((await h.view('manual')).sync_status).toBe('OutOfSync');
  });
});

describe('concurrent appends', () => {
  /** A store where someone else appends to the stream just before the worker's first append. */
  class RacingStore extends PostgresEventStore {
    raced = 0;
    override async append(
      streamId: string,
      expectedVersion: number | 'no_stream' | 'any',
      events: readonly DomainEvent[],
      metadata: Parameters<PostgresEventStore['append']>[3],
      alsoInTransaction?: Parameters<PostgresEventStore['append']>[4],
    ) {
      if (this.raced === 0) {
        this.raced++;
        const application = streamId.replace(/^application-/, '');
        await super.append(
          streamId,
          'any',
          [applicationEvent('RefreshRequested', { application, hard: false })],
          {
            actor: 'bob',
          },
        );
      }
      return super.append(streamId, expectedVersion, events, metadata, alsoInTransaction);
    }
  }

  it('a refresh that loses the race decides again and records its transitions once', async () => {
    await h.repo.commit(under('race', guestbook()));
    await h.createApp('race', 'race');
    const store = new RacingStore(h.db.dataSource);
    const result = await new RefreshProcessor({
      ...h.deps,
      store,
      commands: createCommandHandler(h.db.dataSource, store),
    }).process({
      application: 'race',
      hard: false,
      reason: 'test',
    });
    expect(store.raced).toBe(1);
    expect(result.appended).toEqual(['RevisionResolved', 'SyncStatusChanged', 'HealthStatusChanged']);
    expect(await h.timeline('race')).toEqual([
      'ApplicationCreated',
      'RefreshRequested',
      'RevisionResolved',
      'SyncStatusChanged:OutOfSync',
      'HealthStatusChanged:Missing',
    ]);
  });
});

describe('automated sync', () => {
  it('auto-syncs a new commit, once', async () => {
    await h.createApp('auto', 'auto', { automated: {} });
    const first = await refresh('auto');
    expect(first.autoSyncOperationId).toBeDefined();
    expect(await h.sync().process({ application: 'auto', operationId: first.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    await h.refreshUntilHealth('auto', 'Healthy');

    const sha = await h.repo.commit(
      under('auto', { 'config.yaml': guestbook('nginx:1.27', 'bonjour')['config.yaml'] }),
    );
    const second = await refresh('auto');
    expect(second.appended.slice(0, 2)).toEqual(['RevisionResolved', 'SyncStatusChanged']);
    expect(second.appended).toContain('SyncRequested');
    const events = await h.events('auto');
    const request = events.filter((e) => e.type === 'SyncRequested').pop();
    expect(request?.data).toMatchObject({
      revision: sha,
      trigger: 'auto-sync',
      initiatedBy: { automated: true },
    });
    expect(await h.sync().process({ application: 'auto', operationId: second.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    const live = await h.cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'auto',
      name: 'guestbook-config',
    });
    expect(live?.['data']).toEqual({ greeting: 'bonjour' });
    // Synced again: nothing more to do.
    const third = await refresh('auto');
    expect(third.autoSyncOperationId).toBeUndefined();
    expect((await h.view('auto')).sync_status).toBe('Synced');
  });

  it('without selfHeal, drift on the synced revision is not reverted', async () => {
    await h.cluster.mergePatch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'auto', name: 'guestbook-config' },
      { data: { greeting: 'hand edit' } },
    );
    const result = await refresh('auto');
    expect(result.autoSyncOperationId).toBeUndefined();
    expect((await h.view('auto')).sync_status).toBe('OutOfSync');
  });

  it('selfHeal reverts a manual change to the live Deployment', async () => {
    await h.createApp('heal', 'heal', { automated: { selfHeal: true } });
    const first = await refresh('heal');
    await h.sync().process({ application: 'heal', operationId: first.autoSyncOperationId! });
    await h.refreshUntilHealth('heal', 'Healthy');

    await h.cluster.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'heal', name: 'guestbook-ui' },
      { spec: { replicas: 3 } },
    );
    const drift = await refresh('heal');
    expect(drift.autoSyncOperationId).toBeDefined();
    const request = (await h.events('heal')).filter((e) => e.type === 'SyncRequested').pop();
    // Only the drifted Deployment is synced (Argo CD's self-heal is a partial sync of what drifted).
    expect(request?.data).toMatchObject({
      trigger: 'self-heal',
      resources: [{ group: 'apps', kind: 'Deployment', namespace: 'heal', name: 'guestbook-ui' }],
    });
    expect(await h.sync().process({ application: 'heal', operationId: drift.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    const synced = (await h.events('heal')).filter(
      (e) =>
        e.type === 'ResourceSynced' &&
        (e.data as { operationId: string }).operationId === drift.autoSyncOperationId,
    );
    expect(synced.map((e) => (e.data as { resource: { kind: string } }).resource.kind)).toEqual([
      'Deployment',
    ]);
    const live = await h.cluster.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'heal',
      name: 'guestbook-ui',
    });
    expect((live?.['spec'] as { replicas: number }).replicas).toBe(1);
    await refresh('heal');
    expect((await h.view('heal')).sync_status).toBe('Synced');
  });
});

describe('prune', () => {
  it('removes an object deleted from Git only when prune is on', async () => {
    await h.createApp('prune', 'prune');
    await refresh('prune');
    await h.sync().process({ application: 'prune', operationId: await h.requestSync('prune') });
    await h.repo.commit({ 'prune/config.yaml': null });
    await refresh('prune');
    const events = await h.events('prune');
    const status = events.filter((e) => e.type === 'SyncStatusChanged').pop();
    expect(status?.data).toMatchObject({
      to: 'OutOfSync',
      outOfSync: [
        expect.objectContaining({ kind: 'ConfigMap', name: 'guestbook-config', requiresPruning: true }),
      ],
    });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'prune', name: 'guestbook-config' };

    await h
      .sync()
      .process({ application: 'prune', operationId: await h.requestSync('prune', { prune: false }) });
    expect(await h.cluster.get(ref)).toBeDefined();

    await h
      .sync()
      .process({ application: 'prune', operationId: await h.requestSync('prune', { prune: true }) });
    const timeline = await h.timeline('prune');
    expect(timeline.filter((t) => t.endsWith(':pruned'))).toEqual([
      'ResourceSynced:ConfigMap/guestbook-config:pruned',
    ]);
    // The sandbox's garbage collector finishes the delete on its own (scaled) time.
    await eventually(async () => expect(await h.cluster.get(ref)).toBeUndefined(), {
      what: 'the pruned ConfigMap to be gone',
    });
    // The namespace CreateNamespace=true made was not in Git: it is never pruned.
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'prune' })).toBeDefined();
    await refresh('prune');
    expect((await h.view('prune')).sync_status).toBe('Synced');
  });
});

describe('health and errors', () => {
  it('an image that cannot be pulled makes the app Degraded', async () => {
    await h.createApp('broken', 'broken');
    await refresh('broken');
    await h.sync().process({ application: 'broken', operationId: await h.requestSync('broken') });
    await h.refreshUntilHealth('broken', 'Degraded');
    const health = (await h.events('broken')).filter((e) => e.type === 'HealthStatusChanged').pop();
    expect(health?.data).toMatchObject({
      to: 'Degraded',
      unhealthy: [expect.objectContaining({ kind: 'Deployment' })],
    });
  });

  it('a render error is a ComparisonError condition, cleared once Git is fixed', async () => {
    await h.createApp('missing-path', 'no-such-dir');
    const result = await refresh('missing-path');
    // A new app is already Unknown: only the condition is new.
    expect(result.appended).toEqual(['ConditionRaised']);
    const raised = (await h.events('missing-path')).find((e) => e.type === 'ConditionRaised');
    expect(raised?.data).toMatchObject({ conditionType: 'ComparisonError' });
    expect((raised?.data as { message: string }).message).toContain('no-such-dir');
    expect((await refresh('missing-path')).appended).toEqual([]);

    await h.repo.commit(under('no-such-dir', guestbook()));
    const fixed = await refresh('missing-path');
    expect(fixed.appended).toContain('ConditionCleared');
    expect((await h.view('missing-path')).sync_status).toBe('OutOfSync');
  });

  it('a dry run records its results and changes nothing', async () => {
    await h.createApp('dry', 'dry');
    await refresh('dry');
    const operationId = await h.requestSync('dry', { dryRun: true });
    expect(await h.sync().process({ application: 'dry', operationId })).toBe('Succeeded');
    expect((await h.timeline('dry')).filter((t) => t.startsWith('ResourceSynced:'))).toHaveLength(4);
    expect(
      await h.cluster.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'dry',
        name: 'guestbook-ui',
      }),
    ).toBeUndefined();
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'dry' })).toBeUndefined();
    await refresh('dry');
    expect((await h.view('dry')).sync_status).toBe('OutOfSync');
  });

  it('an operation that already finished is not run again', async () => {
    const events = await h.events('manual');
    const done = events.find((e) => e.type === 'SyncOperationSucceeded');
    const operationId = (done?.data as { operationId: string }).operationId;
    expect(await h.sync().process({ application: 'manual', operationId })).toBe('AlreadyFinished');
    expect(await h.events('manual')).toHaveLength(events.length);
  });
});
