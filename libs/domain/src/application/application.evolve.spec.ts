import { describe, expect, it } from '@jest/globals';
import {
  applicationEvent,
  type ApplicationEvent,
  type ApplicationManifest,
} from '../events/application.events';
import type { ResourceSynced } from '../events/reconcile.events';
import { foldApplication, type RecordedApplicationEvent } from './application.evolve';
import type { ApplicationState } from './application.state';
import { toArgoApplication } from './argo-application';

const T0 = Date.UTC(2026, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** given(events...).then(state): events are recorded one second apart, by `alice`. */
function given(...events: ApplicationEvent[]): ApplicationState {
  const recorded: RecordedApplicationEvent[] = events.map((event, i) => ({
    ...event,
    streamVersion: i + 1,
    recordedAt: new Date(T0 + i * 1000),
    metadata: { actor: 'alice' },
  }));
  return foldApplication('web', recorded);
}

function manifest(spec: Record<string, unknown> = {}): ApplicationManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'web' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/apps.git', path: 'web', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
      ...spec,
    },
  };
}

const created = (spec?: Record<string, unknown>) =>
  applicationEvent('ApplicationCreated', {
    application: 'web',
    project: 'default',
    manifest: manifest(spec),
  });
const requested = (operationId: string, over: Record<string, unknown> = {}) =>
  applicationEvent('SyncRequested', {
    application: 'web',
    operationId,
    prune: false,
    dryRun: false,
    initiatedBy: { automated: false },
    ...over,
  });
const started = (operationId: string, revision = 'r1', attempt = 1) =>
  applicationEvent('SyncOperationStarted', {
    application: 'web',
    operationId,
    revision,
    planId: 'p',
    attempt,
    dryRun: false,
    taskCount: 1,
  });
const synced = (
  operationId: string,
  name: string,
  result: string,
  over: Partial<ResourceSynced['data']> = {},
) =>
  applicationEvent<ResourceSynced>('ResourceSynced', {
    application: 'web',
    operationId,
    taskId: `Sync:0:${name}`,
    resource: { group: '', kind: 'ConfigMap', namespace: 'web', name },
    phase: 'Sync',
    wave: 0,
    result,
    ...over,
  });
const succeeded = (operationId: string, revision = 'r1') =>
  applicationEvent('SyncOperationSucceeded', {
    application: 'web',
    operationId,
    revision,
    message: 'successfully synced',
    startedAt: at(2),
    finishedAt: at(9),
  });
const failed = (operationId: string, retryInMs?: number) =>
  applicationEvent('SyncOperationFailed', {
    application: 'web',
    operationId,
    revision: 'r1',
    message: 'boom',
    phase: 'Failed',
    startedAt: at(2),
    finishedAt: at(3),
    attempt: 1,
    ...(retryInMs !== undefined ? { retryInMs } : {}),
  });
const health = (
  to: 'Healthy' | 'Degraded' | 'Progressing',
  unhealthy: Array<{ name: string; message?: string }> = [],
) =>
  applicationEvent('HealthStatusChanged', {
    application: 'web',
    from: 'Unknown',
    to,
    unhealthy: unhealthy.map((u) => ({
      group: 'apps',
      kind: 'Deployment',
      namespace: 'web',
      name: u.name,
      status: 'Degraded' as const,
      ...(u.message ? { message: u.message } : {}),
    })),
  });

describe('evolveApplication: one fold for the API, the notifier and the deciders', () => {
  it("a requested sync is Argo CD's top-level operation until it starts, then the running operationState", () => {
    const pending = given(created(), requested('op1', { prune: true }));
    expect(pending.operation).toMatchObject({
      sync: { prune: true, dryRun: false },
      initiatedBy: { username: 'alice', automated: false },
      operationId: 'op1',
      trigger: 'manual',
    });
    expect(pending.status.operationState).toBeUndefined();
    expect(pending.openOperation?.operationId).toBe('op1');

    const running = given(created(), requested('op1'), started('op1', 'abc'));
    expect(running.operation).toBeNull();
    expect(running.status.operationState).toMatchObject({
      phase: 'Running',
      startedAt: at(2),
      syncResult: { revision: 'abc' },
      operation: { operationId: 'op1' },
    });
  });

  it("a manual sync's infos and retryStrategy (Argo CD's Operation.info and .retry) are the operation's, for the worker's retries (#23.5)", () => {
    const retry = { limit: 2, backoff: { duration: '1s', factor: 2, maxDuration: '5s' } };
    const info = [{ name: 'ticket', value: 'CAB-42' }];
    const state = given(created(), requested('op-1', { info, retry }));
    expect(state.operation).toMatchObject({ info, retry });
    expect(state.openOperation?.request.retry).toEqual(retry);
    expect(toArgoApplication(state)?.operation).toMatchObject({ info, retry });
    const plain = given(created(), requested('op-1'));
    expect(plain.operation).not.toHaveProperty('retry');
    expect(plain.operation).not.toHaveProperty('info');
  });

  it('a success finishes the operation, adds history and a deployment, and frees the app for the next one', () => {
    const state = given(
      created(),
      requested('op1'),
      started('op1'),
      synced('op1', 'cm', 'created'),
      succeeded('op1'),
    );
    expect(state.status.operationState).toMatchObject({
      phase: 'Succeeded',
      message: 'successfully synced',
      startedAt: at(2),
      finishedAt: at(9),
      syncResult: { revision: 'r1' },
    });
    expect(state.status.history).toEqual([
      expect.objectContaining({
        id: 0,
        revision: 'r1',
        deployedAt: at(4),
        deployStartedAt: at(2),
        trigger: 'manual',
        initiatedBy: { username: 'alice', automated: false },
        source: manifest().spec['source'],
      }),
    ]);
    expect(state.deployments).toEqual([expect.objectContaining({ revision: 'r1', deployedAt: at(4) })]);
    expect(state.openOperation).toBeNull();
    expect(state.lastFinishedSync).toMatchObject({
      operationId: 'op1',
      outcome: 'Succeeded',
      revision: 'r1',
    });
  });

  it('history keeps revisionHistoryLimit entries (10 by default), for the API and the notifier alike', () => {
    const ops = Array.from({ length: 4 }, (_, i) => [
      requested(`op${i}`),
      started(`op${i}`, `r${i}`),
      succeeded(`op${i}`, `r${i}`),
    ]);
    const limited = given(created({ revisionHistoryLimit: 2 }), ...ops.flat());
    expect(limited.status.history.map((h) => [h.id, h.revision])).toEqual([
      [2, 'r2'],
      [3, 'r3'],
    ]);
    expect(limited.deployments.map((d) => d.revision)).toEqual(['r2', 'r3']);
    const many = Array.from({ length: 12 }, (_, i) => [
      requested(`o${i}`),
      started(`o${i}`, `s${i}`),
      succeeded(`o${i}`, `s${i}`),
    ]);
    expect(given(created(), ...many.flat()).status.history).toHaveLength(10);
  });

  it('a dry run leaves no history, no deployment and no inventory', () => {
    const state = given(
      created(),
      requested('dry', { dryRun: true }),
      started('dry'),
      synced('dry', 'cm', 'created'),
      succeeded('dry'),
    );
    expect(state.status.history).toEqual([]);
    expect(state.deployments).toEqual([]);
    expect(state.inventory).toEqual([]);
    expect(state.lastFinishedSync).toBeNull();
    expect(state.status.operationState?.phase).toBe('Succeeded');
  });

  it('the inventory is what real syncs applied minus what they pruned; a CreateNamespace namespace is never in it', () => {
    const state = given(
      created(),
      requested('op1'),
      started('op1'),
      synced('op1', 'a', 'created'),
      synced('op1', 'b', 'configured'),
      synced('op1', 'ns', 'created', {
        resource: { group: '', kind: 'Namespace', name: 'web' },
        message: 'CreateNamespace=true',
      }),
      synced('op1', 'hook', 'created', { phase: 'PreSync' }),
      succeeded('op1'),
      requested('op2', { prune: true }),
      started('op2'),
      synced('op2', 'a', 'pruned'),
      succeeded('op2'),
    );
    expect(state.inventory).toEqual(['/ConfigMap/web/b']);
  });

  it('hooks are never inventory, whatever their phase; a resource moved to PreSync (a CRD) is', () => {
    const state = given(
      created(),
      requested('op1'),
      started('op1'),
      synced('op1', 'crd', 'created', { phase: 'PreSync', hook: false }),
      synced('op1', 'sync-hook', 'created', { phase: 'Sync', hook: true }),
      synced('op1', 'sync-hook', 'deleted', { phase: 'Sync', hook: true }),
      succeeded('op1'),
    );
    expect(state.inventory).toEqual(['/ConfigMap/web/crd']);
  });

  it('a waiting operation shows what it waits for as its message until its next task (#14.3)', () => {
    const waiting = applicationEvent('SyncOperationWaiting', {
      application: 'web',
      operationId: 'op1',
      waitingFor: 'health',
      message: 'waiting for healthy state of apps/Deployment/api',
      resources: [{ group: 'apps', kind: 'Deployment', namespace: 'web', name: 'api' }],
    });
    const state = given(created(), requested('op1'), started('op1'), waiting);
    expect(state.status.operationState).toMatchObject({
      phase: 'Running',
      message: 'waiting for healthy state of apps/Deployment/api',
    });
    expect(state.openOperation?.waiting).toEqual({
      waitingFor: 'health',
      message: 'waiting for healthy state of apps/Deployment/api',
    });
    const moved = given(created(), requested('op1'), started('op1'), waiting, synced('op1', 'a', 'created'));
    expect(moved.status.operationState?.message).toBe('one or more tasks are running');
    expect(moved.openOperation?.waiting).toBeUndefined();
  });

  it('a prune confirmation is remembered with who gave it, for the open operation only (#22.14)', () => {
    const confirm = (operationId: string) =>
      applicationEvent('PruneConfirmed', { application: 'web', operationId, via: 'api' });
    expect(given(created(), requested('op1'), confirm('op1')).openOperation?.pruneConfirmed).toEqual({
      at: at(2),
      by: 'alice',
    });
    expect(
      given(created(), requested('op1'), confirm('other')).openOperation?.pruneConfirmed,
    ).toBeUndefined();
  });

  it('a failure with a retry keeps the operation open and Running; the next attempt keeps the first start', () => {
    const retrying = given(created(), requested('op1'), started('op1'), failed('op1', 5000));
    expect(retrying.openOperation).toMatchObject({
      retries: 1,
      retryPending: { retryInMs: 5000, failedAt: at(3) },
    });
    expect(retrying.status.operationState).toMatchObject({
      phase: 'Running',
      message: 'boom',
      retryCount: 1,
    });
    const again = given(
      created(),
      requested('op1'),
      started('op1'),
      failed('op1', 5000),
      started('op1', 'r1', 2),
    );
    expect(again.openOperation?.retryPending).toBeUndefined();
    expect(again.status.operationState).toMatchObject({ phase: 'Running', startedAt: at(2), retryCount: 1 });
    const final = given(created(), requested('op1'), started('op1'), failed('op1'));
    expect(final.openOperation).toBeNull();
    expect(final.lastFinishedSync).toMatchObject({ outcome: 'Failed', revision: 'r1' });
    expect(final.status.operationState?.phase).toBe('Failed');
  });

  it('terminate marks the running operation Terminating, then Failed when it stops', () => {
    const terminating = given(
      created(),
      requested('op1'),
      started('op1'),
      applicationEvent('TerminateRequested', { application: 'web', operationId: 'op1' }),
    );
    expect(terminating.openOperation?.terminateRequested).toBe(true);
    expect(terminating.status.operationState?.phase).toBe('Terminating');
    const stopped = given(
      created(),
      requested('op1'),
      started('op1'),
      applicationEvent('TerminateRequested', { application: 'web', operationId: 'op1' }),
      applicationEvent('SyncOperationTerminated', {
        application: 'web',
        operationId: 'op1',
        message: 'Operation terminated',
        finishedAt: at(5),
      }),
    );
    expect(stopped.status.operationState).toMatchObject({ phase: 'Failed', message: 'Operation terminated' });
    expect(stopped.lastFinishedSync?.outcome).toBe('Terminated');
  });

  it('status.resources carries each out-of-sync or unhealthy resource with both statuses', () => {
    const state = given(
      created(),
      applicationEvent('SyncStatusChanged', {
        application: 'web',
        from: 'Unknown',
        to: 'OutOfSync',
        revision: 'r1',
        outOfSync: [
          {
            group: '',
            kind: 'ConfigMap',
            namespace: 'web',
            name: 'old',
            status: 'OutOfSync',
            requiresPruning: true,
          },
          { group: 'apps', kind: 'Deployment', namespace: 'web', name: 'api', status: 'OutOfSync' },
        ],
      }),
      health('Degraded', [{ name: 'api', message: 'crash loop' }, { name: 'worker' }]),
    );
    expect(state.status.resources).toEqual([
      {
        group: '',
        kind: 'ConfigMap',
        namespace: 'web',
        name: 'old',
        status: 'OutOfSync',
        requiresPruning: true,
      },
      {
        group: 'apps',
        kind: 'Deployment',
        namespace: 'web',
        name: 'api',
        status: 'OutOfSync',
        health: { status: 'Degraded', message: 'crash loop' },
      },
      {
        group: 'apps',
        kind: 'Deployment',
        namespace: 'web',
        name: 'worker',
        status: 'Synced',
        health: { status: 'Degraded' },
      },
    ]);
    expect(state.status.sync).toEqual({ status: 'OutOfSync', revision: 'r1' });
    expect(state.status.health).toEqual({ status: 'Degraded', lastTransitionTime: at(2) });
    const healed = given(
      created(),
      health('Degraded', [{ name: 'worker' }]),
      applicationEvent('HealthStatusChanged', {
        application: 'web',
        from: 'Degraded',
        to: 'Healthy',
        unhealthy: [],
      }),
    );
    expect(healed.status.resources).toEqual([]);
  });

  it('HealthDetailsChanged rewrites the message and status.resources, keeping the status and its transition time', () => {
    const resource = (message: string) => ({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'web',
      name: 'api',
      status: 'Synced' as const,
      health: { status: 'Progressing' as const, message },
    });
    const state = given(
      created(),
      applicationEvent('HealthStatusChanged', {
        application: 'web',
        from: 'Unknown',
        to: 'Progressing',
        message: '0 of 1',
        unhealthy: [],
        resources: [resource('0 of 1')],
      }),
      applicationEvent('HealthDetailsChanged', {
        application: 'web',
        status: 'Progressing',
        message: '0 of 2',
        unhealthy: [],
        resources: [resource('0 of 2')],
      }),
    );
    expect(state.status.health).toEqual({
      status: 'Progressing',
      lastTransitionTime: at(1),
      message: '0 of 2',
    });
    expect(state.status.resources).toEqual([resource('0 of 2')]);
    expect(state.status.reconciledAt).toBe(at(2));
  });

  it('status.resources is the full list a transition carries: every managed resource, Synced ones too', () => {
    const resources = [
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'web',
        name: 'api',
        status: 'Synced' as const,
        health: { status: 'Healthy' as const },
        syncWave: 1,
      },
      {
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'web',
        name: 'config',
        status: 'Synced' as const,
      },
      {
        group: 'batch',
        version: 'v1',
        kind: 'Job',
        namespace: 'web',
        name: 'migrate',
        status: 'OutOfSync' as const,
        hook: true,
        health: { status: 'Missing' as const },
      },
    ];
    const state = given(
      created(),
      health('Degraded', [{ name: 'api', message: 'crash loop' }]),
      applicationEvent('SyncStatusChanged', {
        application: 'web',
        from: 'OutOfSync',
        to: 'Synced',
        revision: 'r1',
        outOfSync: [],
        resources,
      }),
    );
    expect(state.status.resources.map((r) => `${r.kind}/${r.name}:${r.status}`)).toEqual([
      'ConfigMap/config:Synced',
      'Deployment/api:Synced',
      'Job/migrate:OutOfSync',
    ]);
    expect(state.status.resources[1]).toEqual(resources[0]);
    expect(state.status.resources[2]).toMatchObject({ hook: true, health: { status: 'Missing' } });
    // The next health transition carries the list again, with the health of each resource then.
    const later = given(
      created(),
      applicationEvent('HealthStatusChanged', {
        application: 'web',
        from: 'Healthy',
        to: 'Progressing',
        unhealthy: [],
        resources: [{ ...resources[0]!, health: { status: 'Progressing', message: 'rolling out' } }],
      }),
    );
    expect(later.status.resources).toEqual([
      { ...resources[0], health: { status: 'Progressing', message: 'rolling out' } },
    ]);
  });

  it('a deployment counts as healthy when Healthy is seen while it is the latest; auto-rollback marks it', () => {
    const state = given(created(), requested('op1'), started('op1'), succeeded('op1'), health('Healthy'));
    expect(state.deployments[0]).toMatchObject({ wasHealthy: true, rolledBack: false });
    const rolled = given(
      created(),
      requested('op1'),
      started('op1', 'bad'),
      succeeded('op1', 'bad'),
      health('Degraded'),
      applicationEvent('AutoRollbackTriggered', {
        application: 'web',
        failedRevision: 'bad',
        rollbackTo: 'good',
        historyId: 0,
        operationId: 'op2',
        reason: 'Degraded',
      }),
    );
    expect(rolled.deployments[0]).toMatchObject({ wasHealthy: false, rolledBack: true });
    expect(rolled.rolledBackRevisions).toEqual(['bad']);
  });

  it('self-heal attempts count up until the app is Synced again', () => {
    const state = given(
      created(),
      requested('a', { trigger: 'self-heal', initiatedBy: { automated: true } }),
      failed('a'),
      requested('b', { trigger: 'self-heal', initiatedBy: { automated: true } }),
    );
    expect(state.selfHealAttempts).toBe(2);
    const synced = given(
      created(),
      requested('a', { trigger: 'self-heal', initiatedBy: { automated: true } }),
      failed('a'),
      applicationEvent('SyncStatusChanged', {
        application: 'web',
        from: 'OutOfSync',
        to: 'Synced',
        revision: 'r1',
        outOfSync: [],
      }),
    );
    expect(synced.selfHealAttempts).toBe(0);
  });

  it('deletion keeps the manifest and what the incarnation deployed for the cascade; re-creation starts over', () => {
    const deleted = given(
      created(),
      requested('op1'),
      started('op1'),
      synced('op1', 'a', 'created'),
      succeeded('op1'),
      applicationEvent('ApplicationDeleted', { application: 'web', cascade: true }),
    );
    expect(deleted.exists).toBe(false);
    expect(deleted.deletion).toEqual({ at: at(5), cascade: true, resourcesDeleted: false });
    expect(deleted.manifest?.metadata.name).toBe('web');
    expect(deleted.incarnationInventory).toEqual(['/ConfigMap/web/a']);
    expect(toArgoApplication(deleted)?.metadata.deletionTimestamp).toBe(at(5));

    const recreated = given(
      created(),
      requested('op1'),
      started('op1'),
      synced('op1', 'a', 'created'),
      succeeded('op1'),
      applicationEvent('ApplicationDeleted', { application: 'web', cascade: false }),
      created(),
    );
    expect(recreated.exists).toBe(true);
    expect(recreated.deletion).toBeNull();
    expect(recreated.status.history).toEqual([]);
    expect(recreated.incarnationInventory).toEqual([]);
    // What the first incarnation left in the cluster is still found (and shown as to prune).
    expect(recreated.inventory).toEqual(['/ConfigMap/web/a']);
  });

  it('a multi-source app reports revisions, as Argo CD does', () => {
    const state = given(
      created({ source: undefined, sources: [{ repoURL: 'https://git.example.com/a.git', path: '.' }] }),
      applicationEvent('RevisionResolved', {
        application: 'web',
        revision: 'abc',
        previousRevision: null,
        targetRevision: 'main',
        commit: { author: 'Ann <ann@example.com>', message: 'fix' },
      }),
    );
    expect(state.status.sync).toEqual({ status: 'Unknown', revisions: ['abc'] });
    expect(state.commits).toEqual({ abc: { author: 'Ann <ann@example.com>', message: 'fix' } });
  });

  it('the Argo CD resource: metadata defaults, the pending operation and the later of two reconcile times', () => {
    const state = given(created(), requested('op1'));
    const app = toArgoApplication(state, { reconciledAt: new Date(T0 + 60_000) })!;
    expect(app.metadata).toMatchObject({
      name: 'web',
      namespace: 'argocd',
      labels: {},
      annotations: {},
      creationTimestamp: at(0),
      generation: 2,
    });
    expect(app.operation?.operationId).toBe('op1');
    expect(app.status.reconciledAt).toBe(at(60));
    expect(toArgoApplication(given())).toBeUndefined();
  });

  it('folds what the log holds without throwing, even events missing their lists (bulk-loaded rows)', () => {
    const bare = (type: string, data: Record<string, unknown>) =>
      ({ type, schemaVersion: 1, data }) as unknown as ApplicationEvent;
    const state = given(
      created(),
      bare('SyncStatusChanged', { application: 'web', from: 'Unknown', to: 'OutOfSync' }),
      bare('HealthStatusChanged', { application: 'web', from: 'Unknown', to: 'Degraded' }),
      bare('SyncOperationSucceeded', { application: 'web', operationId: 'nobody' }),
      bare('SomethingFromTheFuture', { application: 'web' }),
    );
    expect(state.status.sync.status).toBe('OutOfSync');
    expect(state.status.health.status).toBe('Degraded');
    expect(state.streamVersion).toBe(5);
  });

  it('state stays bounded however many operations the stream holds', () => {
    const ops = Array.from({ length: 200 }, (_, i) => [
      requested(`op${i}`),
      started(`op${i}`, `r${i}`),
      synced(`op${i}`, `cm${i % 3}`, 'configured'),
      succeeded(`op${i}`, `r${i}`),
    ]);
    const state = given(created(), ...ops.flat());
    expect(state.finishedOperations.length).toBeLessThanOrEqual(20);
    expect(state.deployments).toHaveLength(10);
    expect(state.status.history).toHaveLength(10);
    expect(state.inventory).toHaveLength(3);
    expect(JSON.stringify(state).length).toBeLessThan(20_000);
  });
});
