import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppLock } from './app-lock';
import type { JobPayloads, QueueName } from './queue-names';

export interface AppJobWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  lock: AppLock;
  /** How long a job waits before it tries again when another worker holds the app. Default 250 ms. */
  busyRetryMs?: number;
  /** Called with each finished job's duration, for metrics. */
  onFinished?: (queue: QueueName, durationMs: number, failed: boolean) => void;
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
        const lock = await options.lock.tryAcquire(application);
        if (!lock) {
          await job.moveToDelayed(Date.now() + (options.busyRetryMs ?? 250), token);
          throw new DelayedError();
        }
        const started = Date.now();
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
      },
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: options.concurrency,
        autorun: true,
      },
    );
    this.worker.on('error', () => undefined); // connection blips: BullMQ reconnects by itself
  }

  /** Graceful shutdown: stop taking jobs and wait for the running ones to finish. */
  async close(): Promise<void> {
    await this.worker.close();
  }
}
