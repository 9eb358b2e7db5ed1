import { describe, expect, it } from '@jest/globals';
import { EVENT_CATALOG, schemaVersionOf, summarizeEvent, upcastEvent } from './event-catalog';

describe('the event catalog', () => {
  it("summarizes events in the audit log's words", () => {
    expect(
      summarizeEvent({
        type: 'SyncRequested',
        data: {
          application: 'web',
          operationId: 'o',
          revision: 'a'.repeat(40),
          prune: false,
          dryRun: true,
          initiatedBy: { automated: false },
        },
      }),
    ).toBe('requested sync to aaaaaaaaaaaa (dry run)');
    expect(
      summarizeEvent({
        type: 'SyncStatusChanged',
        data: {
          application: 'web',
          from: 'Synced',
          to: 'OutOfSync',
          revision: 'r',
          outOfSync: Array.from({ length: 6 }, (_, i) => ({
            group: '',
            kind: 'ConfigMap',
            name: `c${i}`,
            status: 'OutOfSync',
          })),
        },
      }),
    ).toBe(
      'sync status Synced -> OutOfSync (6 resources out of sync: ConfigMap/c0, ConfigMap/c1, ConfigMap/c2, ConfigMap/c3, ConfigMap/c4)',
    );
    expect(
      summarizeEvent({
        type: 'RepositoryAdded',
        data: { repository: 'https://bot@git.example.com/a.git', type: 'git', credentialType: 'https' },
      }),
    ).toBe('added git repository https://git.example.com/a.git (https credentials)');
    expect(
      summarizeEvent({
        type: 'HealthDetailsChanged',
        data: {
          application: 'root',
          status: 'Progressing',
          message: 'Waiting for rollout to finish: 0 of 2 updated replicas are available...',
          unhealthy: [
            {
              group: 'argoproj.io',
              kind: 'Application',
              name: 'shop',
              status: 'Progressing',
              message: 'rolling',
            },
          ],
          resources: [],
        },
      }),
    ).toBe(
      'health Progressing: Waiting for rollout to finish: 0 of 2 updated replicas are available... (Application/shop Progressing: rolling)',
    );
  });

  it('names the type of an event it cannot summarize instead of failing', () => {
    expect(summarizeEvent({ type: 'SomethingNew', data: {} })).toBe('SomethingNew');
    expect(summarizeEvent({ type: 'ResourceSynced', data: {} })).toBe('ResourceSynced');
  });

  it('upcasts version 1 project and registry events, which carried their summary in the data', () => {
    const old = {
      type: 'ProjectCreated',
      schemaVersion: 1,
      data: { project: 'p', manifest: {}, summary: 'created project p' },
    };
    expect(upcastEvent(old)).toEqual({
      type: 'ProjectCreated',
      schemaVersion: 2,
      data: { project: 'p', manifest: {} },
    });
    const current = { type: 'ProjectCreated', schemaVersion: 2, data: { project: 'p', manifest: {} } };
    expect(upcastEvent(current)).toBe(current);
    expect(schemaVersionOf('ProjectCreated')).toBe(2);
  });

  it('refuses to read a version it has no upcaster for, naming the type and version', () => {
    const saved = EVENT_CATALOG.ClusterRemoved;
    try {
      (EVENT_CATALOG as unknown as Record<string, unknown>)['ClusterRemoved'] = { ...saved, version: 3 };
      expect(() =>
        upcastEvent({
          type: 'ClusterRemoved',
          schemaVersion: 1,
          data: { cluster: 'c', server: 's', summary: 'x' },
        }),
      ).toThrow(/ClusterRemoved version 2 cannot be read: no upcaster to version 3/);
    } finally {
      (EVENT_CATALOG as unknown as Record<string, unknown>)['ClusterRemoved'] = saved;
    }
  });
});
