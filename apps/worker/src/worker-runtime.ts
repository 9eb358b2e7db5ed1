import { AppJobWorker, AppLock, createRedis, QUEUE } from '@berth/queues';
import { type BerthMetrics } from '@berth/infra';
import type { Redis } from 'ioredis';
import { RefreshProcessor } from './refresh.processor';
import { SyncProcessor } from './sync.processor';
import type { WorkerDeps } from './worker-deps';

export interface WorkerRuntimeOptions {
  redisUrl: string;
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
  private readonly connections: Redis[] = [];
  private workers: Array<AppJobWorker<'refresh'> | AppJobWorker<'sync'>> = [];

  constructor(
    private readonly deps: WorkerDeps,
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
      new AppJobWorker(QUEUE.refresh, (data) => this.refresh.process(data), {
        ...common,
        connection: connection(),
      }),
      new AppJobWorker(QUEUE.sync, (data) => this.sync.process(data), {
        ...common,
        connection: connection(),
      }),
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
