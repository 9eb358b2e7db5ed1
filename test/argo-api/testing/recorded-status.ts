import { applicationAggregate, applicationStreamId, type ApplicationEvent } from '@berth/domain';
import type { SchedulerContext } from '../../../apps/scheduler/src/scheduler.context';

/**
 * Gives an app the status a worker would have recorded: one successful sync to `revision` (deploying
 * `resources`), then its sync and health statuses. Written through the command path, as fixtures.
 */
export async function recordSyncedStatus(
  ctx: SchedulerContext,
  app: string,
  status: {
    revision: string;
    sync: 'Synced' | 'OutOfSync';
    health: 'Healthy' | 'Progressing' | 'Degraded';
    resources?: Array<{ group: string; kind: string; namespace?: string; name: string }>;
  },
): Promise<void> {
  const operationId = `op-${status.revision.slice(0, 8)}`;
  const events: ApplicationEvent[] = [
    {
      type: 'SyncRequested',
      schemaVersion: 1,
      data: { application: app, operationId, prune: false, dryRun: false, initiatedBy: { automated: false } },
    },
    ...(status.resources ?? []).map((resource, i): ApplicationEvent => ({
      type: 'ResourceSynced',
      schemaVersion: 1,
      data: {
        application: app,
        operationId,
        taskId: `task-${i}`,
        resource,
        phase: 'Sync',
        wave: 0,
        result: 'created',
        hook: false,
      },
    })),
    {
      type: 'SyncOperationSucceeded',
      schemaVersion: 1,
      data: {
        application: app,
        operationId,
        revision: status.revision,
        message: 'successfully synced',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:00:01Z',
      },
    },
    {
      type: 'SyncStatusChanged',
      schemaVersion: 1,
      data: { application: app, from: 'Unknown', to: status.sync, revision: status.revision, outOfSync: [] },
    },
    {
      type: 'HealthStatusChanged',
      schemaVersion: 1,
      data: { application: app, from: 'Unknown', to: status.health, unhealthy: [] },
    },
  ];
  await ctx.commands.handle(applicationAggregate, applicationStreamId(app), () => events, {
    actor: 'system:test',
  });
}
