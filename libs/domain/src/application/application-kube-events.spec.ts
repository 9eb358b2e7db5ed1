import { describe, expect, it } from '@jest/globals';
import { kubernetesEventOf } from './application-kube-events';

const app = { name: 'guestbook', namespace: 'argocd' };
const at = new Date('2026-03-04T05:06:07.891Z');

describe('kubernetesEventOf', () => {
  it("is the core/v1 Event Argo CD records on the Application, in its reason's words", () => {
    const event = kubernetesEventOf(app, {
      position: 255n,
      type: 'SyncOperationSucceeded',
      data: {
        application: 'guestbook',
        operationId: 'op',
        revision: 'a'.repeat(40),
        message: 'successfully synced',
        startedAt: '',
        finishedAt: '',
      },
      metadata: { actor: 'alice', reason: 'release 1.2', source: 'worker' },
      recordedAt: at,
    });
    expect(event).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: 'guestbook.ff',
        namespace: 'argocd',
        uid: 'berth-event-255',
        resourceVersion: '255',
        creationTimestamp: '2026-03-04T05:06:07Z',
        annotations: { user: 'alice', reason: 'release 1.2' },
      },
      involvedObject: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        name: 'guestbook',
        namespace: 'argocd',
      },
      reason: 'OperationCompleted',
      message: 'synced to aaaaaaa: successfully synced',
      source: { component: 'berth-worker' },
      firstTimestamp: '2026-03-04T05:06:07Z',
      lastTimestamp: '2026-03-04T05:06:07Z',
      count: 1,
      type: 'Normal',
      reportingComponent: 'berth-worker',
      reportingInstance: '',
    });
  });

  it.each([
    ['ApplicationCreated', 'ResourceCreated', 'Normal'],
    ['ApplicationSpecChanged', 'ResourceUpdated', 'Normal'],
    ['SyncRequested', 'OperationStarted', 'Normal'],
    ['SyncOperationFailed', 'OperationCompleted', 'Warning'],
    ['SyncRefused', 'SyncRefused', 'Warning'],
    ['PruneConfirmed', 'PruneConfirmed', 'Normal'],
  ])('%s is reason %s, type %s', (type, reason, eventType) => {
    const event = kubernetesEventOf(app, {
      position: 1n,
      type,
      data: {},
      metadata: { actor: 'system:test' },
      recordedAt: at,
    });
    expect([event.reason, event.type]).toEqual([reason, eventType]);
    // A summary that cannot be written from the data falls back to the type, never throws.
    expect(typeof event.message).toBe('string');
  });
});
