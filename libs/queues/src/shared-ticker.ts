import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

export interface SharedTickerOptions {
  /** A connection made with createRedis (BullMQ blocks on it; it waits for Redis to come back). */
  connection: Redis;
  prefix: string;
  /** The queue the ticks go through, one per timer (e.g. PERIODIC_REFRESH_TICKS). */
  queue: string;
  /** Time between two ticks. Replicas that disagree: the last one to start wins. */
  everyMs: number;
  /** One round of work. An error is the handler's to report: the next tick comes all the same. */
  onTick: () => Promise<void>;
  /**
   * How often the job scheduler is written again (default 30 s), so ticks resume by themselves
   * after Redis lost it (FLUSHALL, a restart without persistence). Rewriting keeps the next tick's time.
   */
  rescheduleEveryMs?: number;
}

/**
 * A timer shared by every replica of a process, with no leader: a BullMQ job scheduler puts one
 * tick job per interval in a queue, and whichever replica takes it runs the round. Nothing to hold,
 * so nothing to lose when a replica, Postgres or Redis goes away: a replica killed mid-round is
 * replaced by BullMQ's stalled-job check, and while Redis is away there are no ticks (nor anything a
 * round could enqueue). Two rounds may still overlap (one that outlasts the interval): the work a
 * round enqueues must be idempotent (deterministic job ids). docs/adr/0004-periodic-refresh-without-leader.md
 */
export class SharedTicker {
  private readonly queue: Queue;
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private readonly onReady = () => void this.schedule();

  constructor(private readonly options: SharedTickerOptions) {
    const { connection, prefix } = options;
    this.queue = new Queue(options.queue, { connection, prefix });
    // The connection's own listener logs an outage once; BullMQ would report every reconnect attempt.
    this.queue.on('error', () => undefined);
    this.worker = new Worker(options.queue, () => options.onTick(), {
      connection,
      prefix,
      concurrency: 1,
      autorun: true,
    });
    this.worker.on('error', () => undefined);
    connection.on('ready', this.onReady);
    this.timer = setInterval(this.onReady, options.rescheduleEveryMs ?? 30_000);
    this.timer.unref();
    void this.schedule();
  }

  /** Creates or updates the job scheduler; nothing to do while Redis is away (done again once it is back). */
  private async schedule(): Promise<void> {
    if (this.options.connection.status !== 'ready') return;
    await this.queue
      .upsertJobScheduler(
        'tick',
        { every: this.options.everyMs },
        { name: 'tick', opts: { removeOnComplete: true, removeOnFail: true } },
      )
      .catch(() => undefined);
  }

  /** Stops taking ticks (a round in progress finishes); the job scheduler stays for the other replicas. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.options.connection.off('ready', this.onReady);
    await this.worker.close();
    await this.queue.close();
  }
}
