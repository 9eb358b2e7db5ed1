import { QUEUE } from '@berth/queues';
import {
  DINGTALK_RATE_LIMIT,
  type NotificationsConfig,
  rateLimitFor,
  SLACK_RATE_LIMIT,
} from '@berth/notifications';
import { DelayedError, Queue, Worker } from 'bullmq';
import type { RedisClient } from '@berth/infra';
import type { DeliverySender } from './delivery.sender';
import type { NotificationDeliveriesRepository, OpenDelivery } from './notification-deliveries.repository';
import type { NotifierMetrics } from './notifier.metrics';
import { RedisRateLimiter } from './redis-rate-limiter';

export interface NotifyJob {
  deliveryId: string;
}

/**
 * How fast the deliveries a dead notifier (kill -9, OOM kill, lost node) was sending are sent by another:
 * within about 11 s (arithmetic in apps/notifier/README.md, "Delivery guarantee"; measured by
 * test/notifier/notifier-killed-mid-send.e2e-spec.ts). BullMQ's defaults (30 s lock, 30 s stalled check) plus
 * the former fixed 120 s claim left such a delivery waiting two minutes.
 */
export const DELIVERY_TAKEOVER_TIMINGS = {
  /**
   * A `sending` claim not renewed for this long is abandoned. The sender renews it every third of it while a
   * send runs, so only a notifier that stopped (or paused for 7 s and more) loses its claim; a slow receiver
   * does not (each request is bounded at 10 s anyway).
   */
  claimTimeoutMs: 10_000,
  /** BullMQ job lock, renewed every half of it while the job runs (BullMQ default 30 s). */
  lockDurationMs: 6_000,
  /** How often a worker looks for active jobs whose lock expired (BullMQ default 30 s). */
  stalledIntervalMs: 3_000,
  /**
   * Deliveries of a job whose worker vanished before BullMQ fails it (default 1): one death plus one stall
   * mistaken for one. A job failed that way is re-enqueued by the reconciler (every 30 s).
   */
  maxStalledCount: 2,
} as const;

export interface NotifyQueueOptions {
  prefix: string;
  concurrency: number;
  maxAttempts: number;
  /** First retry delay; doubles on every attempt (BullMQ exponential backoff). */
  retryBaseDelayMs: number;
  /** A `sending` claim not renewed for this long is re-enqueued by the reconciler. */
  claimTimeoutMs: number;
  config: () => NotificationsConfig | undefined;
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
}

/**
 * The `notify` BullMQ queue: one job per delivery row (jobId = delivery id, so enqueueing twice is harmless),
 * delayed by the per-destination rate limiter. Postgres holds the truth; the reconciler puts back jobs Redis lost.
 */
export class NotifyQueue {
  readonly queue: Queue<NotifyJob>;
  private worker: Worker<NotifyJob> | undefined;
  private workerConnection: RedisClient | undefined;
  /** Shared by every notifier replica through Redis. */
  private readonly limiters: Map<string, RedisRateLimiter>;

  constructor(
    private readonly deliveries: NotificationDeliveriesRepository,
    private readonly connection: RedisClient,
    private readonly options: NotifyQueueOptions,
  ) {
    this.queue = new Queue<NotifyJob>(QUEUE.notify, { connection, prefix: options.prefix });
    // The connection's listener (createRedis) logs a Redis outage once; BullMQ would print every retry.
    this.queue.on('error', () => undefined);
    this.limiters = new Map([
      ['slack', new RedisRateLimiter(connection, options.prefix, SLACK_RATE_LIMIT)],
      ['dingtalk', new RedisRateLimiter(connection, options.prefix, DINGTALK_RATE_LIMIT)],
    ]);
  }

  /** Starts processing jobs with `sender`. */
  startWorker(sender: DeliverySender, metrics: NotifierMetrics): void {
    this.workerConnection = this.connection.duplicate();
    this.worker = new Worker<NotifyJob>(
      QUEUE.notify,
      async (job, token) => {
        const outcome = await sender.process(job.data.deliveryId);
        if (outcome.kind === 'skipped') return;
        if (outcome.kind === 'busy') {
          // Not an attempt: look again when the other notifier's claim would expire, in case it died.
          await job.moveToDelayed(Date.now() + outcome.retryAfterMs, token);
          throw new DelayedError();
        }
        metrics.deliveries.inc({
          service: outcome.service,
          outcome: outcome.kind === 'sent' && outcome.alreadyDelivered ? 'already_delivered' : outcome.kind,
        });
        if (outcome.kind !== 'retry') return;
        if (outcome.retryAfterMs !== undefined) {
          // Honour Retry-After exactly (not the exponential backoff), and hold back the destination's next jobs.
          this.backOff(outcome.service, outcome.recipient, outcome.retryAfterMs);
          await job.moveToDelayed(Date.now() + outcome.retryAfterMs, token);
          throw new DelayedError();
        }
        throw new Error(outcome.reason);
      },
      {
        connection: this.workerConnection,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency,
        lockDuration: DELIVERY_TAKEOVER_TIMINGS.lockDurationMs,
        stalledInterval: DELIVERY_TAKEOVER_TIMINGS.stalledIntervalMs,
        maxStalledCount: DELIVERY_TAKEOVER_TIMINGS.maxStalledCount,
      },
    );
    this.worker.on('error', (err) => {
      // While Redis is away every reconnect attempt is an error here; the outage is logged once already.
      if (this.connection.status === 'ready') this.options.log?.('error', `notify worker: ${err.message}`);
    });
    this.worker.on('failed', (job, err) => {
      if (job) this.options.log?.('warn', `delivery ${job.data.deliveryId} attempt failed: ${err.message}`);
    });
  }

  /** Enqueues rows that were never enqueued (right after the planner's transaction committed). */
  async enqueueNew(): Promise<number> {
    const rows = await this.deliveries.listUnenqueued(1000);
    for (const row of rows) await this.add(row);
    return rows.length;
  }

  /**
   * Re-enqueues every open row whose job is gone or finished: queued rows Redis lost, and `sending` rows whose
   * claim expired (the notifier that claimed them died mid-send).
   */
  async reconcile(): Promise<number> {
    const rows = await this.deliveries.listOpen(this.options.claimTimeoutMs, 5000);
    let added = 0;
    for (const row of rows) {
      const job = await this.queue.getJob(row.id);
      if (job) {
        const state = await job.getState();
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
        await job.remove().catch(() => undefined);
      }
      await this.add(row);
      added++;
    }
    return added;
  }

  async close(): Promise<void> {
    // Worker.close waits for jobs in flight to finish.
    await this.worker?.close();
    await this.workerConnection?.quit().catch(() => undefined);
    await this.queue.close();
  }

  private async add(row: OpenDelivery): Promise<void> {
    await this.queue.add(
      'notify',
      { deliveryId: row.id },
      {
        jobId: row.id,
        delay: await this.reserve(row),
        attempts: this.options.maxAttempts,
        backoff: { type: 'exponential', delay: this.options.retryBaseDelayMs },
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 24 * 3600, count: 5000 },
      },
    );
    await this.deliveries.markEnqueued(row.id);
  }

  private async reserve(row: OpenDelivery): Promise<number> {
    const service = this.options.config()?.services[row.service];
    const limit = service ? rateLimitFor(service, row.recipient) : undefined;
    if (!limit) return 0;
    return (await this.limiters.get(service!.type)?.reserve(limit.key)) ?? 0;
  }

  private backOff(serviceName: string, recipient: string, retryAfterMs: number): void {
    const service = this.options.config()?.services[serviceName];
    const limit = service ? rateLimitFor(service, recipient) : undefined;
    if (limit)
      void this.limiters
        .get(service!.type)
        ?.backOff(limit.key, retryAfterMs)
        .catch(() => undefined);
  }
}
