import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { withLogContext, type RedisClient } from '@berth/infra';
import type { AppLock } from './app-lock';
import type { JobPayloads, QueueName } from './queue-names';

/**
 * How fast a job of a dead worker (kill -9, OOM kill, lost node) is handed to another worker; the
 * arithmetic and why it stays safe are in docs/adr/0003-one-operation-per-app.md. BullMQ's defaults
 * (30 s lock, 30 s stalled check) left an operation `Running` for up to a minute before anyone
 * looked at it again.
 */
export const APP_JOB_TIMINGS = {
  /** BullMQ job lock, renewed every half of it while the job runs (BullMQ default 30 s). */
  lockDurationMs: 6_000,
  /** How often a worker looks for active jobs whose lock expired (BullMQ default 30 s). */
  stalledIntervalMs: 3_000,
  /**
   * Deliveries of a job whose worker vanished before it fails (BullMQ default 1). Two: one worker
   * killed, plus one stall mistaken for a death (a pause longer than half the lock). Jobs are
   * idempotent; a failed sync job is re-enqueued by the app's next refresh (resumeIfOrphaned).
   */
  maxStalledCount: 2,
} as const;

export interface AppJobWorkerOptions {
  connection: RedisClient;
  prefix: string;
  concurrency: number;
  lock: AppLock;
  /** How long a job waits before it tries again when another worker holds the app. Default 250 ms. */
  busyRetryMs?: number;
  /**
   * Called when a job starts with how long it waited since it was due (queued, or its delay over), for
   * metrics: the time an app's refresh or sync spent behind others and behind a busy app.
   */
  onStarted?: (queue: QueueName, waitMs: number) => void;
  /** Called with each finished job's duration, for metrics. */
  onFinished?: (queue: QueueName, durationMs: number, failed: boolean) => void;
  /** Overrides of APP_JOB_TIMINGS (tests). */
  timings?: Partial<typeof APP_JOB_TIMINGS>;
}

/**
 * A BullMQ worker for jobs that concern one application. It holds the app's lock while the
 * handler runs, so at most one refresh or sync per app runs at a time across every worker
 * process; a job that finds the app busy is put back, delayed, without counting as an attempt.
 */
export class AppJobWorker<Q extends QueueName> {
  readonly worker: Worker<JobPayloads[Q]>;

  constructor(
    readonly queue: Q,
    handler: (data: JobPayloads[Q], job: Job<JobPayloads[Q]>) => Promise<unknown>,
    private readonly options: AppJobWorkerOptions,
  ) {
    this.worker = new Worker<JobPayloads[Q]>(
      queue,
      async (job, token) => {
        const application = (job.data as { application?: unknown }).application;
        if (typeof application !== 'string' || application === '') {
          throw new UnrecoverableError(`job ${job.id} on ${queue} has no application name; it was dropped`);
        }
        // Every line logged while the job runs names the app and the operation (a sync's id is the
        // correlation id its events carry) or the job; the processor adds the actor once it knows it.
        const operationId = (job.data as { operationId?: unknown }).operationId;
        const correlationId = typeof operationId === 'string' ? operationId : `${queue}:${job.id ?? ''}`;
        return withLogContext({ application, correlationId }, () =>
          this.run(job, token, application, handler),
        );
      },
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: options.concurrency,
        autorun: true,
        lockDuration: options.timings?.lockDurationMs ?? APP_JOB_TIMINGS.lockDurationMs,
        stalledInterval: options.timings?.stalledIntervalMs ?? APP_JOB_TIMINGS.stalledIntervalMs,
        maxStalledCount: options.timings?.maxStalledCount ?? APP_JOB_TIMINGS.maxStalledCount,
      },
    );
    this.worker.on('error', () => undefined); // connection blips: BullMQ reconnects by itself
  }

  private async run(
    job: Job<JobPayloads[Q]>,
    token: string | undefined,
    application: string,
    handler: (data: JobPayloads[Q], job: Job<JobPayloads[Q]>) => Promise<unknown>,
  ): Promise<unknown> {
    const options = this.options;
    const queue = this.queue;
    const lock = await options.lock.tryAcquire(application);
    if (!lock) {
      await job.moveToDelayed(Date.now() + (options.busyRetryMs ?? 250), token);
      throw new DelayedError();
    }
    const started = Date.now();
    options.onStarted?.(queue, Math.max(0, started - job.timestamp - (job.opts.delay ?? 0)));
    let failed = false;
    try {
      return await handler(job.data, job);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      await lock.release().catch(() => undefined);
      options.onFinished?.(queue, Date.now() - started, failed);
    }
  }

  /** Graceful shutdown: stop taking jobs and wait for the running ones to finish. */
  async close(): Promise<void> {
    await this.worker.close();
  }
}
