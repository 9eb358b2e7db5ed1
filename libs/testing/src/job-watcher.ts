import { type Queue, QueueEvents, type RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** A job that reached a final state: `completed`, or `failed` for good (no attempt left). */
export interface FinishedJob<D = unknown> {
  id: string;
  outcome: 'completed' | 'failed';
  /** The job's name and data, read when its event arrived; undefined when the job was already removed. */
  name: string | undefined;
  data: D | undefined;
  returnvalue: unknown;
  failedReason: string | undefined;
}

export interface AwaitJobOptions {
  /** Give up after this long, in ms. Default 10_000. */
  timeout?: number;
  /** What the test waits for, named in the timeout error. Default "a matching job". */
  what?: string;
  /** Only jobs finished after this `mark()`; default: any job finished since the watcher started. */
  since?: number;
}

interface Waiter<D> {
  matches: (job: FinishedJob<D>) => boolean;
  since: number;
  resolve: (job: FinishedJob<D>) => void;
}

/**
 * Every job of one queue that finishes from now on, as BullMQ's own QueueEvents reports it (the
 * queue's Redis event stream: no polling). Start it before the work that enqueues the job; then
 * `awaitJob` resolves with the first matching job that finished, whether before or after the call,
 * so no finish between "enqueue" and "wait" is missed.
 *
 *     const refreshes = await watchJobs(queues.refresh);
 *     await queues.requestRefresh({ application: 'web', hard: false, reason: 'test' });
 *     await refreshes.awaitJob((j) => j.data?.application === 'web');
 *     await refreshes.close();
 *
 * A job that is retried is reported once, when it completes or fails for the last time; a job put
 * back while its app is busy (moveToDelayed) is not finished.
 */
export class JobWatcher<D = unknown> {
  /** Finished jobs, in the order their events arrived. */
  readonly finished: FinishedJob<D>[] = [];
  private readonly waiters = new Set<Waiter<D>>();
  private handling: Promise<void> = Promise.resolve();

  private constructor(
    private readonly queue: Queue<D>,
    private readonly events: QueueEvents,
  ) {
    events.on('completed', ({ jobId, returnvalue }) =>
      this.record(jobId, { outcome: 'completed', returnvalue, failedReason: undefined }),
    );
    events.on('failed', ({ jobId, failedReason }) =>
      this.record(jobId, { outcome: 'failed', returnvalue: undefined, failedReason }),
    );
    events.on('error', () => undefined); // a connection blip: QueueEvents reconnects and resumes from its last id
  }

  /** Starts listening; every job that finishes after this resolves is seen. */
  static async start<D>(queue: Queue<D>): Promise<JobWatcher<D>> {
    const options = connectionOptionsOf(queue);
    // The stream's current last id: QueueEvents reads from there, so nothing between now and its first read is lost.
    const reader = new Redis(options);
    const [latest] = await reader
      .xrevrange(queue.toKey('events'), '+', '-', 'COUNT', 1)
      .finally(() => reader.quit());
    const events = new QueueEvents(queue.name, {
      connection: options,
      prefix: queue.opts.prefix,
      lastEventId: latest?.[0] ?? '0-0',
    });
    await events.waitUntilReady();
    return new JobWatcher(queue, events);
  }

  /** A cursor for `awaitJob({ since })`: jobs that finish after this call. */
  mark(): number {
    return this.finished.length;
  }

  /** The first job matching `predicate` that finished (since `since`); rejects after `timeout` with what it saw. */
  awaitJob(
    predicate: (job: FinishedJob<D>) => boolean,
    { timeout = 10_000, what = 'a matching job', since = 0 }: AwaitJobOptions = {},
  ): Promise<FinishedJob<D>> {
    const seen = this.finished.slice(since).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<FinishedJob<D>>((resolve, reject) => {
      const waiter: Waiter<D> = {
        matches: predicate,
        since,
        resolve: (job) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(job);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const finished = this.finished.map(describe).join(', ') || 'none';
        reject(
          new Error(
            `no job on ${this.queue.name} finished within ${timeout} ms matching ${what} (finished: ${finished})`,
          ),
        );
      }, timeout);
      this.waiters.add(waiter);
    });
  }

  /** How many finished jobs (since `since`) match `predicate`. */
  count(predicate: (job: FinishedJob<D>) => boolean = () => true, since = 0): number {
    return this.finished.slice(since).filter(predicate).length;
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.handling;
  }

  /** Reads the job (name, data) and records it; one at a time, so `finished` keeps the events' order. */
  private record(
    id: string,
    outcome: Pick<FinishedJob<D>, 'outcome' | 'returnvalue' | 'failedReason'>,
  ): void {
    this.handling = this.handling.then(async () => {
      const job = await this.queue.getJob(id).catch(() => undefined);
      // The queue was opened for jobs of type D: its jobs' data is D (BullMQ types it as any).
      const data = job ? (job.data as unknown as D) : undefined;
      const name = job ? String(job.name) : undefined;
      const finished: FinishedJob<D> = { id, name, data, ...outcome };
      this.finished.push(finished);
      const index = this.finished.length - 1;
      for (const waiter of this.waiters)
        if (index >= waiter.since && waiter.matches(finished)) waiter.resolve(finished);
    });
  }
}

/** A finished job for an error message: id, outcome and (the start of) its data. */
function describe(job: FinishedJob<unknown>): string {
  const data = job.data === undefined ? '' : ` ${JSON.stringify(job.data).slice(0, 120)}`;
  return `${job.id}:${job.outcome}${data}`;
}

/** Shorthand for `JobWatcher.start(queue)`. */
export function watchJobs<D>(queue: Queue<D>): Promise<JobWatcher<D>> {
  return JobWatcher.start(queue);
}

/**
 * Where the queue's Redis is, for connections of our own: QueueEvents blocks on its connection, so it
 * must not share the queue's (BullMQ's rule), and closing the watcher must not close the queue's.
 */
function connectionOptionsOf(queue: Queue<unknown>): RedisOptions {
  const connection = queue.opts.connection;
  if (!(connection instanceof Redis))
    throw new Error(`watchJobs: queue ${queue.name} is not on an ioredis connection`);
  const { host, port, family, db, username, password, tls } = connection.options;
  return { host, port, family, db, username, password, tls, maxRetriesPerRequest: null };
}
