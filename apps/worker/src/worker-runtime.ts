import { AppJobWorker, AppLock, createRedis, QUEUE, type RedisTarget } from '@berth/queues';
import { Logger } from '@nestjs/common';
import { extendLogContext, type BerthMetrics, type RedisClient } from '@berth/infra';
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
  private readonly connections: RedisClient[] = [];
  private readonly logger = new Logger('worker');
  private workers: Array<AppJobWorker<'refresh'> | AppJobWorker<'sync'>> = [];

  constructor(
    deps: WorkerDeps,
    private readonly options: WorkerRuntimeOptions,
  ) {
    this.refresh = new RefreshProcessor(deps);
    this.sync = new SyncProcessor(deps);
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
      onFinished: (queue: string, ms: number, failed: boolean) =>
        this.options.metrics?.jobDuration.observe({ queue, outcome: failed ? 'failed' : 'ok' }, ms / 1000),
    };
    this.workers = [
      new AppJobWorker(
        QUEUE.refresh,
        async (data) => {
          // The actor of what a refresh appends (status changes, an auto-sync it starts).
          extendLogContext({ actor: 'system:refresh' });
          const result = await this.refresh.process(data);
          // One line per reconciliation, as Argo CD's controller logs "Reconciliation completed" (debug).
          this.logger.debug(
            `refresh (${data.reason}) done: ${result.syncStatus ?? 'Unknown'}/${result.healthStatus ?? 'Unknown'}` +
              (result.appended.length > 0 ? `; appended ${result.appended.join(', ')}` : ''),
          );
          return result;
        },
        { ...common, connection: connection() },
      ),
      new AppJobWorker(
        QUEUE.sync,
        async (data) => {
          const outcome = await this.sync.process(data);
          this.logger.log(`sync operation ${data.operationId}: ${outcome}`);
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
    for (const c of this.connections.splice(0)) c.disconnect();
  }
}
