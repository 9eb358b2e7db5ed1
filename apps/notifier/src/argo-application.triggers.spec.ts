import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  type ApplicationEvent,
  type ApplicationManifest,
  type ArgoApplication,
  foldApplication,
  type RecordedApplicationEvent,
  type RecordedEvent,
  toArgoApplication,
} from '@berth/domain';
import { evaluateTriggers, parseNotificationsConfigOrThrow } from '@berth/notifications';

const manifest: ApplicationManifest = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'guestbook',
    labels: { team: 'web' },
    annotations: { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'deploys' },
  },
  spec: {
    project: 'default',
    source: { repoURL: 'https://github.com/acme/guestbook.git', path: 'guestbook', targetRevision: 'HEAD' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
    revisionHistoryLimit: 3,
  },
};
const REV = '4f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4';

let position = 0n;
function rec(event: Omit<ApplicationEvent, 'schemaVersion'>, at: string, actor = 'alice'): RecordedEvent {
  position++;
  return {
    position,
    transactionId: position,
    streamId: 'application-guestbook',
    streamVersion: Number(position),
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: { actor },
    recordedAt: new Date(at),
  };
}

/** What notification triggers and templates see: the one fold of the app, as an Argo CD Application. */
function fold(events: RecordedEvent[]): { app: ArgoApplication } | undefined {
  const app = toArgoApplication(
    foldApplication('guestbook', events as unknown as RecordedApplicationEvent[]),
  );
  return app && { app };
}

const created = rec(
  { type: 'ApplicationCreated', data: { application: 'guestbook', project: 'default', manifest } },
  '2026-01-10T11:00:00Z',
);
const syncRequested = rec(
  {
    type: 'SyncRequested',
    data: {
      application: 'guestbook',
      operationId: 'op1',
      prune: false,
      dryRun: false,
      initiatedBy: { username: 'bob', automated: false },
    },
  },
  '2026-01-10T11:57:49Z',
);
const started = rec(
  {
    type: 'SyncOperationStarted',
    data: {
      application: 'guestbook',
      operationId: 'op1',
      revision: REV,
      planId: 'p',
      attempt: 1,
      dryRun: false,
      taskCount: 2,
    },
  },
  '2026-01-10T11:57:50Z',
);
const succeeded = rec(
  {
    type: 'SyncOperationSucceeded',
    data: {
      application: 'guestbook',
      operationId: 'op1',
      revision: REV,
      message: 'successfully synced (all tasks run)',
      startedAt: '2026-01-10T11:57:50Z',
      finishedAt: '2026-01-10T11:58:00Z',
    },
  },
  '2026-01-10T11:58:00Z',
);
const synced = rec(
  {
    type: 'SyncStatusChanged',
    data: { application: 'guestbook', from: 'OutOfSync', to: 'Synced', revision: REV, outOfSync: [] },
  },
  '2026-01-10T11:58:01Z',
);
const healthy = rec(
  {
    type: 'HealthStatusChanged',
    data: { application: 'guestbook', from: 'Progressing', to: 'Healthy', unhealthy: [] },
  },
  '2026-01-10T11:58:05Z',
);
const failed = rec(
  {
    type: 'SyncOperationFailed',
    data: {
      application: 'guestbook',
      operationId: 'op1',
      revision: REV,
      message: 'one or more objects failed to apply',
      phase: 'Failed',
      startedAt: '2026-01-10T11:57:50Z',
      finishedAt: '2026-01-10T11:58:00Z',
      attempt: 1,
    },
  },
  '2026-01-10T11:58:00Z',
);
const deleted = rec(
  { type: 'ApplicationDeleted', data: { application: 'guestbook', cascade: true } },
  '2026-01-11T00:00:00Z',
);
const condition = rec(
  {
    type: 'ConditionRaised',
    data: { application: 'guestbook', conditionType: 'ComparisonError', message: 'repo unreachable' },
  },
  '2026-01-10T11:30:00Z',
);

describe('the Application notification triggers see (evolveApplication + toArgoApplication)', () => {
  it('shapes a created app like an Argo CD Application', () => {
    const app = fold([created])!.app;
    expect(app.metadata).toEqual({
      name: 'guestbook',
      namespace: 'argocd',
      labels: { team: 'web' },
      annotations: manifest.metadata.annotations,
      creationTimestamp: '2026-01-10T11:00:00.000Z',
      generation: 1,
    });
    expect(app.spec).toEqual(manifest.spec);
    expect(app.status.sync.status).toBe('Unknown');
    expect(app.status.operationState).toBeUndefined();
  });

  it.each([
    {
      name: 'running operation keeps initiator and the revision it resolved to',
      events: [created, syncRequested, started],
      expected: {
        phase: 'Running',
        startedAt: '2026-01-10T11:57:50.000Z',
        operation: {
          sync: { prune: false, dryRun: false },
          initiatedBy: { username: 'bob', automated: false },
        },
        syncResult: { revision: REV },
      },
    },
    {
      name: 'succeeded operation records syncResult and finish time',
      events: [created, syncRequested, started, succeeded],
      expected: {
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: '2026-01-10T11:57:50Z',
        finishedAt: '2026-01-10T11:58:00Z',
        syncResult: { revision: REV },
      },
    },
    {
      name: 'failed operation',
      events: [created, syncRequested, started, failed],
      expected: {
        phase: 'Failed',
        message: 'one or more objects failed to apply',
        syncResult: { revision: REV },
      },
    },
  ])('operationState: $name', ({ events, expected }) => {
    expect(fold(events)!.app.status.operationState).toMatchObject(expected);
  });

  it('records sync, health, conditions, history and deletion', () => {
    const view = fold([created, condition, syncRequested, started, succeeded, synced, healthy, deleted])!;
    expect(view.app.status.sync).toEqual({ status: 'Synced', revision: REV });
    expect(view.app.status.health).toEqual({
      status: 'Healthy',
      lastTransitionTime: '2026-01-10T11:58:05.000Z',
    });
    expect(view.app.status.conditions).toEqual([
      {
        type: 'ComparisonError',
        message: 'repo unreachable',
        lastTransitionTime: '2026-01-10T11:30:00.000Z',
      },
    ]);
    expect(view.app.status.history?.map((h) => h.revision)).toEqual([REV]);
    expect(view.app.metadata.deletionTimestamp).toBe('2026-01-11T00:00:00.000Z');
    expect(view.app.operation).toBeUndefined();
  });

  it('reports multi-source revisions as revisions, like Argo CD', () => {
    const multi = rec(
      {
        type: 'ApplicationCreated',
        data: {
          application: 'guestbook',
          project: 'default',
          manifest: {
            ...manifest,
            spec: { ...manifest.spec, source: undefined, sources: [{ repoURL: 'a' }, { repoURL: 'b' }] },
          },
        },
      },
      '2026-01-10T11:00:00Z',
    );
    const app = fold([multi, syncRequested, started, succeeded])!.app;
    expect(app.status.operationState?.syncResult).toEqual({ revisions: [REV] });
  });

  it('feeds the Argo CD catalog triggers unchanged', () => {
    const install = readFileSync(
      join(process.cwd(), 'libs', 'notifications', 'testdata', 'catalog', 'install.yaml'),
      'utf8',
    );
    const config = parseNotificationsConfigOrThrow(install);
    const fired = (events: RecordedEvent[]) =>
      evaluateTriggers(config, fold(events)!.app, undefined, { now: Date.parse('2026-01-11T01:00:00Z') })
        .fire.map((f) => f.trigger)
        .sort();
    // A new app's sync status is Unknown until the first comparison, so on-sync-status-unknown fires too.
    expect(fired([created, syncRequested, started])).toEqual([
      'on-created',
      'on-sync-running',
      'on-sync-status-unknown',
    ]);
    expect(fired([created, syncRequested, started, succeeded, synced, healthy])).toEqual([
      'on-created',
      'on-deployed',
      'on-sync-succeeded',
    ]);
    expect(fired([created, synced, syncRequested, started, failed])).toEqual([
      'on-created',
      'on-sync-failed',
    ]);
    expect(fired([created, synced, deleted])).toEqual(['on-created', 'on-deleted']);
  });
});
