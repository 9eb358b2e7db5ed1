import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../errors/domain-error';
import type { ApplicationEvent, ApplicationManifest } from '../events/application.events';
import { decideApplication, type ApplicationCommand } from './application.decide';
import { foldApplication, type RecordedApplicationEvent } from './application.evolve';

const recorded = (events: ApplicationEvent[]): RecordedApplicationEvent[] =>
  events.map((event, i) => ({
    ...event,
    streamVersion: i + 1,
    recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    metadata: { actor: 'alice' },
  }));

/** A successful sync of `revision` (one history entry). */
const deployed = (operationId: string, revision: string): ApplicationEvent[] => [
  {
    type: 'SyncRequested',
    schemaVersion: 1,
    data: {
      application: 'guestbook',
      operationId,
      prune: false,
      dryRun: false,
      initiatedBy: { automated: false },
    },
  },
  {
    type: 'SyncOperationStarted',
    schemaVersion: 1,
    data: {
      application: 'guestbook',
      operationId,
      revision,
      planId: 'p',
      attempt: 1,
      dryRun: false,
      taskCount: 0,
    },
  },
  {
    type: 'SyncOperationSucceeded',
    schemaVersion: 1,
    data: { application: 'guestbook', operationId, revision, message: 'ok', startedAt: '', finishedAt: '' },
  },
];

const manifest = (targetRevision = 'HEAD', project = 'default'): ApplicationManifest => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'guestbook', namespace: 'argocd' },
  spec: {
    project,
    source: {
      repoURL: 'https://github.com/argoproj/argocd-example-apps.git',
      targetRevision,
      path: 'guestbook',
    },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
  },
});

const created: ApplicationEvent = {
  type: 'ApplicationCreated',
  schemaVersion: 1,
  data: { application: 'guestbook', project: 'default', manifest: manifest() },
};
const syncRequested: ApplicationEvent = {
  type: 'SyncRequested',
  schemaVersion: 1,
  data: {
    application: 'guestbook',
    operationId: 'op-1',
    prune: false,
    dryRun: false,
    initiatedBy: { username: 'alice', automated: false },
  },
};
const deleted: ApplicationEvent = {
  type: 'ApplicationDeleted',
  schemaVersion: 1,
  data: { application: 'guestbook', cascade: true },
};

/** given(events).when(command).then(events | error code) */
const cases: Array<{
  name: string;
  given: ApplicationEvent[];
  when: ApplicationCommand;
  then: Array<Partial<ApplicationEvent>> | string;
}> = [
  {
    name: 'creating a new application records it with its project',
    given: [],
    when: { type: 'CreateApplication', manifest: manifest('main', 'team-a') },
    then: [
      {
        type: 'ApplicationCreated',
        data: { application: 'guestbook', project: 'team-a', manifest: manifest('main', 'team-a') },
      },
    ],
  },
  {
    name: 'a sync a window refuses is recorded, with what was asked and why, and changes nothing else',
    given: [created],
    when: {
      type: 'RefuseSync',
      refused: {
        trigger: 'manual',
        dryRun: false,
        refusedBy: 'sync-window',
        message: 'cannot sync: blocked by sync window: syncWindows[0] (deny "0 22 * * *" for 8h) is open',
        windows: [0],
      },
    },
    then: [
      {
        type: 'SyncRefused',
        data: {
          application: 'guestbook',
          trigger: 'manual',
          dryRun: false,
          refusedBy: 'sync-window',
          message: 'cannot sync: blocked by sync window: syncWindows[0] (deny "0 22 * * *" for 8h) is open',
          windows: [0],
        },
      },
    ],
  },
  {
    name: 'refusing a sync of an app that does not exist is NotFound',
    given: [],
    when: {
      type: 'RefuseSync',
      refused: { trigger: 'manual', dryRun: false, refusedBy: 'sync-window', message: 'x', windows: [] },
    },
    then: 'NotFound',
  },
  {
    name: 'creating twice is refused',
    given: [created],
    when: { type: 'CreateApplication', manifest: manifest() },
    then: 'AlreadyExists',
  },
  {
    name: 'creating with upsert on an existing app with a new spec is an update',
    given: [created],
    when: { type: 'CreateApplication', manifest: manifest('v2'), upsert: true },
    then: [{ type: 'ApplicationSpecChanged' }],
  },
  {
    name: 'an app can be created again after it was deleted',
    given: [created, deleted],
    when: { type: 'CreateApplication', manifest: manifest() },
    then: [{ type: 'ApplicationCreated' }],
  },
  {
    name: 'an update names the paths that changed',
    given: [created],
    when: { type: 'UpdateApplication', manifest: manifest('v1.2.0') },
    then: [
      {
        type: 'ApplicationSpecChanged',
        data: {
          application: 'guestbook',
          project: 'default',
          manifest: manifest('v1.2.0'),
          changedPaths: ['spec.source'],
        },
      },
    ],
  },
  {
    name: 'an update with the same spec appends nothing',
    given: [created],
    when: { type: 'UpdateApplication', manifest: manifest() },
    then: [],
  },
  {
    name: 'a change computed from the generation the app is at is recorded (PATCH)',
    given: [created],
    when: { type: 'UpdateApplication', manifest: manifest('v2'), basedOnGeneration: 1 },
    then: [{ type: 'ApplicationSpecChanged' }],
  },
  {
    name: 'a change computed from an older generation is a Conflict: another change came first (PATCH)',
    given: [created, created],
    when: { type: 'UpdateApplication', manifest: manifest('v2'), basedOnGeneration: 1 },
    then: 'Conflict',
  },
  {
    name: 'updating a missing app is NotFound',
    given: [],
    when: { type: 'UpdateApplication', manifest: manifest() },
    then: 'NotFound',
  },
  {
    name: 'updating a deleted app is NotFound',
    given: [created, deleted],
    when: { type: 'UpdateApplication', manifest: manifest() },
    then: 'NotFound',
  },
  {
    name: 'deleting records the cascade choice',
    given: [created],
    when: { type: 'DeleteApplication', cascade: false },
    then: [{ type: 'ApplicationDeleted', data: { application: 'guestbook', cascade: false } }],
  },
  {
    name: 'deleting a missing app is NotFound',
    given: [],
    when: { type: 'DeleteApplication', cascade: true },
    then: 'NotFound',
  },
  {
    name: 'a hard refresh is recorded as hard',
    given: [created],
    when: { type: 'RequestRefresh', hard: true },
    then: [{ type: 'RefreshRequested', data: { application: 'guestbook', hard: true } }],
  },
  {
    name: 'a sync request carries who asked and what to sync',
    given: [created],
    when: {
      type: 'RequestSync',
      operationId: 'op-1',
      prune: false,
      dryRun: false,
      initiatedBy: { username: 'alice', automated: false },
    },
    then: [syncRequested],
  },
  {
    name: 'a second sync while one is pending is refused',
    given: [created, syncRequested],
    when: {
      type: 'RequestSync',
      operationId: 'op-2',
      prune: false,
      dryRun: false,
      initiatedBy: { automated: true },
    },
    then: 'OperationInProgress',
  },
  {
    name: 'a rollback re-deploys the revision of that history entry',
    given: [created, ...deployed('d0', 'aaa'), ...deployed('d1', 'bbb')],
    when: {
      type: 'RequestRollback',
      operationId: 'op-9',
      historyId: 1,
      prune: false,
      dryRun: false,
      initiatedBy: { username: 'alice', automated: false },
    },
    then: [
      {
        type: 'SyncRequested',
        data: {
          application: 'guestbook',
          operationId: 'op-9',
          revision: 'bbb',
          trigger: 'rollback',
          rollbackOf: 1,
          prune: false,
          dryRun: false,
          initiatedBy: { username: 'alice', automated: false },
        },
      },
    ],
  },
  {
    name: 'a rollback is refused while auto-sync is on (it would sync straight back)',
    given: [
      {
        ...created,
        data: {
          ...created.data,
          manifest: {
            ...manifest(),
            spec: { ...manifest().spec, syncPolicy: { automated: { prune: true } } },
          },
        },
      },
    ],
    when: {
      type: 'RequestRollback',
      operationId: 'op-9',
      historyId: 0,
      prune: false,
      dryRun: false,
      initiatedBy: { automated: false },
    },
    then: 'Invalid',
  },
  {
    name: 'a rollback to an unknown history entry is NotFound',
    given: [created],
    when: {
      type: 'RequestRollback',
      operationId: 'op-9',
      historyId: 7,
      prune: false,
      dryRun: false,
      initiatedBy: { automated: false },
    },
    then: 'NotFound',
  },
  {
    name: 'terminate names the running operation',
    given: [created, syncRequested],
    when: { type: 'TerminateOperation' },
    then: [{ type: 'TerminateRequested', data: { application: 'guestbook', operationId: 'op-1' } }],
  },
  {
    name: 'terminate with nothing running is refused',
    given: [created],
    when: { type: 'TerminateOperation' },
    then: 'Invalid',
  },
  {
    name: 'confirming pruning names the open operation (#22.14)',
    given: [created, syncRequested],
    when: { type: 'ConfirmPrune' },
    then: [{ type: 'PruneConfirmed', data: { application: 'guestbook', operationId: 'op-1', via: 'api' } }],
  },
  {
    name: 'confirming pruning twice records it once',
    given: [
      created,
      syncRequested,
      {
        type: 'PruneConfirmed',
        schemaVersion: 1,
        data: { application: 'guestbook', operationId: 'op-1', via: 'api' },
      },
    ],
    when: { type: 'ConfirmPrune' },
    then: [],
  },
  {
    name: 'confirming pruning with nothing running is refused',
    given: [created],
    when: { type: 'ConfirmPrune' },
    then: 'Invalid',
  },
  {
    name: "Argo CD's deletion-approved annotation (argocd app confirm-deletion) confirms the open operation's pruning",
    given: [created, syncRequested],
    when: { type: 'UpdateApplication', manifest: approved('2026-01-01T00:00:05Z') },
    then: [
      { type: 'ApplicationSpecChanged' },
      {
        type: 'PruneConfirmed',
        data: { application: 'guestbook', operationId: 'op-1', via: 'deletion-approved-annotation' },
      },
    ],
  },
  {
    name: 'a deletion-approved time before the operation was requested confirms nothing',
    given: [created, syncRequested],
    when: { type: 'UpdateApplication', manifest: approved('2025-12-31T00:00:00Z') },
    then: [{ type: 'ApplicationSpecChanged' }],
  },
];

function approved(time: string): ApplicationManifest {
  const m = manifest();
  return { ...m, metadata: { ...m.metadata, annotations: { 'argocd.argoproj.io/deletion-approved': time } } };
}

describe('decideApplication', () => {
  it.each(cases)('$name', ({ given, when, then }) => {
    const state = foldApplication('guestbook', recorded(given));
    if (typeof then === 'string') {
      let error: unknown;
      try {
        decideApplication(when, state);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe(then);
      expect((error as DomainError).message).toContain('guestbook');
      return;
    }
    const events = decideApplication(when, state);
    expect(events).toHaveLength(then.length);
    then.forEach((expected, i) => expect(events[i]).toMatchObject(expected));
  });
});

describe('the state deciders see', () => {
  it('tracks existence, project and the open operation; deletion keeps the manifest for the cascade', () => {
    expect(foldApplication('guestbook', recorded([created, syncRequested]))).toMatchObject({
      exists: true,
      project: 'default',
      openOperation: { operationId: 'op-1' },
    });
    expect(foldApplication('guestbook', recorded([created, syncRequested, deleted]))).toMatchObject({
      exists: false,
      manifest: { metadata: { name: 'guestbook' } },
      openOperation: null,
    });
  });
});
