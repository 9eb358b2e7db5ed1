import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../errors/domain-error';
import {
  applicationEvent,
  type ApplicationEvent,
  type ApplicationManifest,
} from '../events/application.events';
import { summarizeEvent } from '../events/event-catalog';
import { kubernetesEventOf } from './application-kube-events';
import { toArgoApplication } from './argo-application';
import { decideApplication, type ApplicationCommand } from './application.decide';
import { foldApplication, type RecordedApplicationEvent } from './application.evolve';

// A person changed a live object of the app through the API: the change is one event of the app, and the
// fold (the API's and the notifier's view of the app) does not change for it.

const manifest: ApplicationManifest = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'shop' },
  spec: { project: 'default', destination: { namespace: 'shop' } },
};
const resource = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web' };

const recorded = (events: ApplicationEvent[]): RecordedApplicationEvent[] =>
  events.map((event, i) => ({
    ...event,
    streamVersion: i + 1,
    recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    metadata: { actor: 'alice' },
  }));
const given = (events: ApplicationEvent[]) => foldApplication('shop', recorded(events));
const created = applicationEvent('ApplicationCreated', { application: 'shop', project: 'default', manifest });

describe('changes of live objects', () => {
  it.each<[ApplicationCommand, ApplicationEvent, string, string]>([
    [
      { type: 'RecordResourceAction', run: { resource, action: 'restart', changed: true } },
      applicationEvent('ResourceActionRun', {
        application: 'shop',
        resource,
        action: 'restart',
        changed: true,
      }),
      "ran action restart on apps/Deployment 'web' in shop",
      'ResourceActionRan',
    ],
    [
      { type: 'RecordResourcePatch', patch: { resource, patchType: 'merge' } },
      applicationEvent('LiveResourcePatched', { application: 'shop', resource, patchType: 'merge' }),
      "patched apps/Deployment 'web' in shop (merge patch)",
      'ResourceUpdated',
    ],
    [
      {
        type: 'RecordResourceDeletion',
        deletion: { resource, propagationPolicy: 'Orphan', force: false },
      },
      applicationEvent('LiveResourceDeleted', {
        application: 'shop',
        resource,
        propagationPolicy: 'Orphan',
        force: false,
      }),
      "deleted apps/Deployment 'web' in shop (dependents orphaned)",
      'ResourceDeleted',
    ],
  ])('%j is recorded, summarized, and leaves the app as it was', (command, event, summary, reason) => {
    const before = given([created]);
    const events = decideApplication(command, before);
    expect(events).toEqual([event]);
    const after = foldApplication('shop', recorded([created, ...events]));
    expect({ ...after, streamVersion: 0, updatedAt: '' }).toEqual({
      ...before,
      streamVersion: 0,
      updatedAt: '',
    });
    // The Application a client (and the notifier's triggers) sees is the same but for its generation.
    const view = (state: typeof before) => {
      const app = toArgoApplication(state)!;
      return { ...app, metadata: { ...app.metadata, generation: 0 } };
    };
    expect(view(after)).toEqual(view(before));
    const [last] = recorded([event]);
    const full = { ...last!, position: 7n, metadata: { actor: 'alice', reason: 'stuck pods' } };
    expect(summarizeEvent(full)).toBe(summary);
    const kube = kubernetesEventOf({ name: 'shop', namespace: 'argocd' }, full);
    expect([kube.reason, kube.type, kube.metadata.annotations]).toEqual([
      reason,
      'Normal',
      { user: 'alice', reason: 'stuck pods' },
    ]);
  });

  it('an app that does not exist: 404', () => {
    expect(() =>
      decideApplication(
        { type: 'RecordResourceAction', run: { resource, action: 'restart', changed: true } },
        given([]),
      ),
    ).toThrow(DomainError);
  });
});
