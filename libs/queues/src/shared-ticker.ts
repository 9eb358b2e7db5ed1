import { Queue, Worker } from 'bullmq';
import type { RedisClient } from '@berth/infra';

/** The job scheduler's id and its jobs' name, in the ticker's own queue. */
const TICK = 'tick';

export interface SharedTickerOptions {
  /** A connection made with createRedis (BullMQ blocks on it; it waits for Redis to come back). */
  connection: RedisClient;
  prefix: string;
  /** The queue the ticks go through, one per timer (e.g. PERIODIC_REFRESH_TICKS). */
  queue: string;
  /** Time between two ticks. Replicas that disagree rewrite it in turn: give them the same. */
  everyMs: number;
  /**
   * One round of work, given the time the tick was due (its slot: one job per slot across replicas).
   * An error is the handler's to report: the next tick comes all the same.
   */
  onTick: (dueAt: number) => Promise<void>;
  /**
   * How often the ticker checks that Redis still has the job scheduler (default 30 s; also at every
   * reconnect), so ticks resume by themselves after Redis lost it (FLUSHALL, a restart without persistence).
   */
  rescheduleEveryMs?: number;
}

/**
 * A timer shared by every replica of a process, with no leader: a BullMQ job scheduler puts one
 * tick job per interval in a queue, and whichever replica takes it runs the round. Nothing to hold,
 * so nothing to lose when a replica, Postgres or Redis goes away: a replica killed mid-round is
 * replaced by BullMQ's stalled-job check, and while Redis is away there are no ticks (nor anything a
 * round could enqueue). A tick may still come twice (two replicas creating the scheduler at the same
 * moment) and rounds may overlap (one that outlasts the interval): the work a round enqueues must be
 * idempotent (deterministic job ids). docs/adr/0004-periodic-refresh-without-leader.md
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
    this.worker = new Worker(options.queue, (job) => options.onTick(job.opts.prevMillis ?? job.timestamp), {
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

  /**
   * Creates the job scheduler when Redis has none (first start, FLUSHALL, a restart without
   * persistence) or one with another interval. An existing one is left alone: writing it while its
   * tick runs would add an extra tick. Nothing to do while Redis is away (done once it is back).
   */
  private async schedule(): Promise<void> {
    if (this.options.connection.status !== 'ready') return;
    try {
      const current = await this.queue.getJobScheduler(TICK);
      if (current?.every === this.options.everyMs) return;
      await this.queue.upsertJobScheduler(
        TICK,
        { every: this.options.everyMs },
        { name: TICK, opts: { removeOnComplete: true, removeOnFail: true } },
      );
    } catch {
      // Redis went away meanwhile: the next 'ready' or timer round does it.
    }
  }

  /**
   * Stops taking ticks (a round in progress finishes); the job scheduler stays for the other
   * replicas. Without Redis a graceful close would wait for it to come back: the worker is closed at
   * once then (a round cut short is not lost: the next tick runs another).
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.options.connection.off('ready', this.onReady);
    const redisAway = this.options.connection.status !== 'ready';
    await this.worker.close(redisAway);
    await this.queue.close();
  }
}
