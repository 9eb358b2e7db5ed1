import { describe, expect, it } from '@jest/globals';
import { applicationEvent, type ApplicationEvent } from '../events/application.events';
import type { ResourceSynced } from '../events/reconcile.events';
import {
  inventoryOf,
  lastFinishedSync,
  openOperation,
  selfHealAttemptsOf,
  syncOperationsOf,
} from './operation-history';
import type { StreamEntry } from './stream-entry';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const entries = (...events: ApplicationEvent[]): StreamEntry[] =>
  events.map((event, i) => ({ event, recordedAt: at(i) }));

const requested = (operationId: string, over: Record<string, unknown> = {}) =>
  applicationEvent('SyncRequested', {
    application: 'web',
    operationId,
    prune: false,
    dryRun: false,
    initiatedBy: { automated: false },
    ...over,
  });
const started = (operationId: string, attempt = 1) =>
  applicationEvent('SyncOperationStarted', {
    application: 'web',
    operationId,
    revision: 'r1',
    planId: 'p',
    attempt,
    dryRun: false,
    taskCount: 2,
  });
const synced = (operationId: string, name: string, result: string, kind = 'ConfigMap') =>
  applicationEvent<ResourceSynced>('ResourceSynced', {
    application: 'web',
    operationId,
    taskId: `Sync:0:apply:/${kind}/ns/${name}`,
    resource: { group: '', kind, namespace: 'ns', name },
    phase: 'Sync',
    wave: 0,
    result,
  });
const succeeded = (operationId: string) =>
  applicationEvent('SyncOperationSucceeded', {
    application: 'web',
    operationId,
    revision: 'r1',
    message: 'ok',
    startedAt: '',
    finishedAt: '',
  });

describe('operation history from the stream', () => {
  it('the inventory is what real syncs applied minus what they pruned', () => {
    const log = entries(
      requested('op1'),
      started('op1'),
      synced('op1', 'a', 'created'),
      synced('op1', 'b', 'created'),
      succeeded('op1'),
      requested('op2', { dryRun: true }),
      started('op2'),
      synced('op2', 'c', 'created'),
      succeeded('op2'),
      requested('op3'),
      started('op3'),
      synced('op3', 'a', 'pruned'),
      synced('op3', 'b', 'unchanged'),
      succeeded('op3'),
    );
    expect(inventoryOf(syncOperationsOf(log))).toEqual(['/ConfigMap/ns/b']);
  });

  it('a namespace created by CreateNamespace=true is not in the inventory, so it is never pruned', () => {
    const createNamespace = applicationEvent<ResourceSynced>('ResourceSynced', {
      application: 'web',
      operationId: 'op1',
      taskId: 'Sync:0:create:/Namespace//ns',
      resource: { group: '', kind: 'Namespace', name: 'ns' },
      phase: 'Sync',
      wave: 0,
      result: 'created',
      message: 'CreateNamespace=true',
    });
    const log = entries(
      requested('op1'),
      started('op1'),
      createNamespace,
      synced('op1', 'a', 'created'),
      succeeded('op1'),
    );
    expect(inventoryOf(syncOperationsOf(log))).toEqual(['/ConfigMap/ns/a']);
  });

  it('a retried operation starts a new attempt: earlier ResourceSynced belong to the failed one', () => {
    const log = entries(
      requested('op1'),
      started('op1'),
      synced('op1', 'a', 'created'),
      applicationEvent('SyncOperationFailed', {
        application: 'web',
        operationId: 'op1',
        revision: 'r1',
        message: 'x',
        phase: 'Failed',
        startedAt: '',
        finishedAt: '',
        retryInMs: 5000,
        attempt: 1,
      }),
    );
    const [op] = syncOperationsOf(log);
    expect(op).toMatchObject({ retries: 1, retryPending: { retryInMs: 5000 } });
    expect(op?.outcome).toBeUndefined();
    expect(openOperation(syncOperationsOf(log))?.operationId).toBe('op1');
    const restarted = syncOperationsOf([...log, { event: started('op1', 2), recordedAt: at(9) }])[0];
    expect(restarted?.synced).toEqual([]);
    expect(restarted?.retryPending).toBeUndefined();
  });

  it('the last finished sync ignores dry runs', () => {
    const log = entries(
      requested('op1'),
      started('op1'),
      succeeded('op1'),
      requested('op2', { dryRun: true }),
      succeeded('op2'),
    );
    expect(lastFinishedSync(syncOperationsOf(log))?.operationId).toBe('op1');
    expect(lastFinishedSync(syncOperationsOf(log))?.finishedAt).toEqual(at(2));
  });

  it('self-heal attempts count up until the app is seen Synced', () => {
    const selfHeal = (id: string) =>
      requested(id, { trigger: 'self-heal', initiatedBy: { automated: true } });
    const toSynced = applicationEvent('SyncStatusChanged', {
      application: 'web',
      from: 'OutOfSync',
      to: 'Synced',
      revision: 'r1',
      outOfSync: [],
    });
    expect(selfHealAttemptsOf(entries(selfHeal('a'), selfHeal('b')))).toBe(2);
    expect(selfHealAttemptsOf(entries(selfHeal('a'), toSynced))).toBe(0);
    expect(selfHealAttemptsOf(entries(selfHeal('a'), toSynced, selfHeal('c')))).toBe(1);
  });
});
