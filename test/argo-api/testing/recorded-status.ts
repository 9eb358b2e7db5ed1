import { applicationAggregate, applicationStreamId, type ApplicationEvent } from '@berth/domain';
import type { KubeObject } from '@berth/domain';
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

/**
 * Creates app `name` through the API (project default, destination namespace `namespace`, an unreachable
 * repository: nothing renders it) and records it as synced with the Deployment `web` it deployed, as the
 * fixture of the specs that read the destination cluster (events, logs, tree).
 */
export async function createSyncedWebApp(
  scheduler: {
    http: { post(path: string): { send(body: object): PromiseLike<{ status: number }> } };
    ctx: SchedulerContext;
  },
  name: string,
  options: {
    namespace?: string;
    /** What else it deployed, besides the Deployment `web`. */
    alsoDeployed?: Array<{ group: string; kind: string; namespace?: string; name: string }>;
  } = {},
): Promise<void> {
  const namespace = options.namespace ?? name;
  const created = await scheduler.http.post('/api/v1/applications').send({
    metadata: { name },
    spec: {
      project: 'default',
      source: { repoURL: `https://git.example.com/org/${name}.git`, targetRevision: 'HEAD', path: 'web' },
      destination: { server: 'https://kubernetes.default.svc', namespace },
    },
  });
  if (created.status !== 200) throw new Error(`create ${name}: ${created.status}`);
  await recordSyncedStatus(scheduler.ctx, name, {
    revision: 'c'.repeat(40),
    sync: 'Synced',
    health: 'Healthy',
    resources: [
      { group: 'apps', kind: 'Deployment', namespace, name: 'web' },
      ...(options.alsoDeployed ?? []),
    ],
  });
}

/** The Deployment `web` (one nginx replica) those specs deploy to the sandbox in `namespace`. */
export function webDeployment(namespace: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  };
}
