import { AppJobWorker, AppLock, createRedis, QUEUE, type RedisTarget } from '@berth/queues';
import { Logger } from '@nestjs/common';
import {
  extendLogContext,
  runInAppScope,
  type AppScope,
  type BerthMetrics,
  type RedisClient,
} from '@berth/infra';
import { ApplicationSetProcessor } from './applicationset.processor';
import { RefreshProcessor } from './refresh.processor';
import { SyncProcessor } from './sync.processor';
import type { WorkerDeps } from './worker-deps';

export interface WorkerRuntimeOptions {
  /** REDIS_URL, or the config's Redis settings with their topology (Cluster, Sentinel). */
  redisUrl: RedisTarget;
  /** BullMQ prefix: the same as the scheduler's. */
  prefix: string;
  /** Jobs per queue run at once in this process (different apps; one app is never run twice at once). */
  concurrency: number;
  metrics?: BerthMetrics;
}

/**
 * The worker's queue consumers: one BullMQ worker for refresh and one for sync, each on its own
 * Redis connection (BullMQ blocks on it), both holding the per-app lock while a job runs.
 */
export class WorkerRuntime {
  readonly refresh: RefreshProcessor;
  readonly sync: SyncProcessor;
  readonly applicationSets: ApplicationSetProcessor;
  private readonly connections: RedisClient[] = [];
  private readonly logger = new Logger('worker');
  private workers: Array<AppJobWorker<'refresh'> | AppJobWorker<'sync'> | AppJobWorker<'applicationset'>> =
    [];

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: WorkerRuntimeOptions,
  ) {
    this.refresh = new RefreshProcessor(deps);
    this.sync = new SyncProcessor(deps);
    this.applicationSets = new ApplicationSetProcessor(deps);
  }

  start(): void {
    const connection = () => {
      const c = createRedis(this.options.redisUrl, 'berth-worker');
      this.connections.push(c);
      return c;
    };
    const lock = new AppLock(connection(), this.options.prefix);
    const common = {
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
      lock,
      onStarted: (queue: string, waitMs: number) =>
        this.options.metrics?.jobWait.observe({ queue }, waitMs / 1000),
      onFinished: (queue: string, ms: number, failed: boolean) =>
        this.options.metrics?.jobDuration.observe({ queue, outcome: failed ? 'failed' : 'ok' }, ms / 1000),
    };
    const metrics = this.options.metrics?.argocd;
    this.workers = [
      new AppJobWorker(
        QUEUE.refresh,
        (data) =>
          inAppScope(data.application, async (scope) => {
            // The actor of what a refresh appends (status changes, an auto-sync it starts).
            extendLogContext({ actor: 'system:refresh' });
            const started = performance.now();
            try {
              const result = await this.refresh.process(data);
              // One line per reconciliation, as Argo CD's controller logs "Reconciliation completed" (debug).
              this.logger.debug(
                `refresh (${data.reason}) done: ${result.syncStatus ?? 'Unknown'}/${result.healthStatus ?? 'Unknown'}` +
                  (result.appended.length > 0 ? `; appended ${result.appended.join(', ')}` : ''),
              );
              return result;
            } finally {
              // Argo CD's reconcile histogram: one comparison of an app with its cluster, failed or not.
              metrics?.appReconcile.observe(
                { namespace: scope.namespace ?? '', dest_server: scope.destServer ?? '' },
                (performance.now() - started) / 1000,
              );
            }
          }),
        { ...common, connection: connection() },
      ),
      new AppJobWorker(
        QUEUE.sync,
        (data) =>
          inAppScope(data.application, async (scope) => {
            const outcome = await this.sync.process(data);
            this.logger.log(`sync operation ${data.operationId}: ${outcome}`);
            // Argo CD counts an operation when it completes (Succeeded, Failed, Error); a terminated one is Failed.
            const phase =
              outcome === 'Succeeded'
                ? 'Succeeded'
                : outcome === 'Failed'
                  ? (scope.operationPhase ?? 'Failed')
                  : outcome === 'Terminated'
                    ? 'Failed'
                    : undefined;
            if (phase) {
              metrics?.appSync.inc({
                namespace: scope.namespace ?? '',
                name: scope.name,
                project: scope.project ?? '',
                dest_server: scope.destServer ?? '',
                phase,
                dry_run: String(scope.dryRun ?? false),
              });
            }
            return outcome;
          }),
        { ...common, connection: connection() },
      ),
      new AppJobWorker(
        QUEUE.applicationset,
        async (data) => {
          extendLogContext({ actor: `system:applicationset:${data.applicationSet}` });
          const outcome = await this.applicationSets.process(data);
          const changes = [
            ...outcome.created.map((n) => `created ${n}`),
            ...outcome.updated.map((n) => `updated ${n}`),
            ...outcome.deleted.map((n) => `deleted ${n}`),
          ];
          this.logger.log(
            `applicationset ${data.applicationSet} (${data.reason}): ${outcome.applications.length} applications` +
              (changes.length > 0 ? `; ${changes.join(', ')}` : '') +
              (outcome.errors.length > 0 ? `; errors: ${outcome.errors.join('; ')}` : ''),
          );
          return outcome;
        },
        { ...common, connection: connection() },
      ),
    ];
  }

  /** Graceful stop: no new jobs; waits for the running ones to finish (a sync resumes elsewhere otherwise). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers = [];
    // Watches stop and cluster leases are handed over at once, not after their TTL.
    await this.deps.liveState?.stop();
    for (const c of this.connections.splice(0)) c.disconnect();
  }
}

/** Runs one job with its app as the current app scope (labels of the Kubernetes requests it makes). */
function inAppScope<T>(application: string, work: (scope: AppScope) => Promise<T>): Promise<T> {
  const scope: AppScope = { name: application };
  return runInAppScope(scope, () => work(scope));
}
