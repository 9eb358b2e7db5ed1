import type { RecordedEvent } from '@berth/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { START_OF_LOG, type Checkpoint } from './checkpoint';
import { describeLogBlocker, type PostgresEventStore } from './postgres-event-store';
import { PostgresListener } from './postgres-listener';

export interface SubscriptionOptions {
  /** Persisted checkpoint name: one per logical subscriber (e.g. `notifier`). */
  name: string;
  /** Connection string for the LISTEN connection (a pooled connection cannot LISTEN). */
  databaseUrl: string;
  /** Poll interval when no notification arrives (fallback for lost NOTIFYs). Default 1000 ms. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Where the LISTEN connection's loss and return are told, and a log held back by a transaction. */
  log?: (level: 'log' | 'warn', message: string) => void;
  /**
   * Events that wait this long behind a transaction in flight (see PostgresEventStore.heldBackBy) are
   * told once through `log`, naming the transaction, and again when it ended. Default 10 s.
   */
  heldBackWarnMs?: number;
}

/** How often an idle subscriber asks whether committed events wait behind a transaction in flight. */
const HELD_BACK_CHECK_MS = 2_000;

/**
 * A catch-up subscriber of the event log. It handles each batch and saves its checkpoint in the
 * same transaction as the handler's writes, so after a crash it neither skips nor repeats.
 * LISTEN/NOTIFY wakes it when events are appended; it polls as well, in case a NOTIFY is lost.
 */
export class EventLogSubscription {
  private listener: PostgresListener | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Every batch runs on this chain, one at a time: background wake-ups and drain() never overlap. */
  private chain: Promise<unknown> = Promise.resolve();
  private wakeScheduled = false;
  /** Since when committed events have waited behind a transaction in flight (undefined: they do not). */
  private heldBackSince: number | undefined;
  private heldBackCheckedAt = 0;
  private heldBackTold: string | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
    private readonly options: SubscriptionOptions,
    private readonly handle: (events: readonly RecordedEvent[], manager: EntityManager) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    // Polling goes on while the LISTEN connection is away; when it is back, catch up at once.
    this.listener = await PostgresListener.open({
      databaseUrl: this.options.databaseUrl,
      channel: 'berth_events',
      onNotify: () => this.wake(),
      onReconnected: () => this.wake(),
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs ?? 1000);
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    await this.chain;
    await this.listener?.close();
  }

  /** Resolves when everything committed so far has been handled. For tests and shutdown. */
  async drain(): Promise<void> {
    for (;;) {
      const handled = await this.exclusive(() => this.pumpOnce());
      if (handled === 0) return;
    }
  }

  /** How long committed events have waited behind a transaction in flight, in seconds (0: they do not). */
  heldBackSeconds(now = Date.now()): number {
    return this.heldBackSince === undefined ? 0 : (now - this.heldBackSince) / 1000;
  }

  async checkpoint(): Promise<Checkpoint> {
    const rows: Array<{ transaction_id: string; position: string }> = await this.dataSource.query(
      `SELECT transaction_id::text AS transaction_id, position FROM subscription_checkpoints WHERE subscription = $1`,
      [this.options.name],
    );
    const row = rows[0];
    return row ? { transactionId: BigInt(row.transaction_id), position: BigInt(row.position) } : START_OF_LOG;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private wake(): void {
    if (!this.running || this.wakeScheduled) return;
    this.wakeScheduled = true;
    this.exclusive(async () => {
      this.wakeScheduled = false;
      while (this.running && (await this.pumpOnce()) > 0) {
        /* keep reading while there is a backlog */
      }
    }).catch(() => {
      // A failed batch is retried on the next wake-up; its checkpoint was not saved.
    });
  }

  private async pumpOnce(): Promise<number> {
    const from = await this.checkpoint();
    const events = await this.store.readAll(from, this.options.batchSize ?? 200);
    if (events.length === 0) {
      await this.watchHorizon(from);
      return 0;
    }
    const last = events[events.length - 1]!;
    await this.dataSource.transaction(async (manager) => {
      await this.handle(events, manager);
      // Guarded by the old value so two replicas of one subscriber cannot both commit a batch.
      const saved: unknown[] = await manager.query(
        `INSERT INTO subscription_checkpoints (subscription, transaction_id, position)
         VALUES ($1, $2::text::xid8, $3)
         ON CONFLICT (subscription) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, updated_at = now()
         WHERE subscription_checkpoints.transaction_id = $4::text::xid8 AND subscription_checkpoints.position = $5
         RETURNING subscription`,
        [
          this.options.name,
          last.transactionId.toString(),
          last.position.toString(),
          from.transactionId.toString(),
          from.position.toString(),
        ],
      );
      if (saved.length === 0)
        throw new Error(
          `subscription ${this.options.name}: checkpoint moved by another replica; batch rolled back`,
        );
    });
    return events.length;
  }

  /**
   * A long transaction anywhere on the server stops the log here without an error (readAll hands out
   * nothing past it): said once when it has lasted `heldBackWarnMs`, naming it, and once when it ended,
   * so a stalled notifier is never silent. Checked at most every 2 s, and only when there is nothing to read.
   */
  private async watchHorizon(from: Checkpoint): Promise<void> {
    const now = Date.now();
    if (now - this.heldBackCheckedAt < HELD_BACK_CHECK_MS) return;
    this.heldBackCheckedAt = now;
    const blocker = await this.store.heldBackBy(from).catch(() => undefined);
    const name = this.options.name;
    if (!blocker) {
      if (this.heldBackTold !== undefined)
        this.options.log?.(
          'log',
          `subscription ${name}: the event log moves again after ${Math.round(this.heldBackSeconds(now))} s held back`,
        );
      this.heldBackSince = undefined;
      this.heldBackTold = undefined;
      return;
    }
    this.heldBackSince ??= now;
    const description = describeLogBlocker(blocker);
    if (
      now - this.heldBackSince < (this.options.heldBackWarnMs ?? 10_000) ||
      this.heldBackTold === description
    )
      return;
    this.heldBackTold = description;
    this.options.log?.(
      'warn',
      `subscription ${name}: events committed ${Math.round(this.heldBackSeconds(now))} s ago wait behind ${description}. PostgreSQL orders the log by transaction, so nothing after it is handed out until it ends`,
    );
  }
}
