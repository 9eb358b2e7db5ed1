import { PostgresListener } from '@berth/event-store';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerContext } from '../scheduler.context';

/**
 * Tells the scheduler's readers of the event log that something was appended: one LISTEN connection per
 * process (`berth_events`, notified at every commit, whichever process appended), opened when the first
 * reader subscribes. A lost connection is reopened and every reader is woken to catch up.
 */
@Injectable()
export class EventLogWakeups implements OnModuleDestroy {
  private readonly logger = new Logger('event-log');
  private readonly readers = new Set<() => void>();
  private listener: Promise<PostgresListener> | undefined;

  constructor(private readonly ctx: SchedulerContext) {}

  /** Calls `wake` after each commit to the log until the returned function is called. */
  async subscribe(wake: () => void): Promise<() => void> {
    this.listener ??= PostgresListener.open({
      // LISTEN holds a session: behind PgBouncer in transaction mode it must reach Postgres itself.
      databaseUrl: this.ctx.config.databaseListenUrl,
      channel: 'berth_events',
      onNotify: () => this.wakeAll(),
      onReconnected: () => this.wakeAll(),
      log: (level, message) => this.logger[level](message),
    });
    try {
      await this.listener;
    } catch (error) {
      // Not opened: the next reader tries again.
      this.listener = undefined;
      throw error;
    }
    this.readers.add(wake);
    return () => this.readers.delete(wake);
  }

  async onModuleDestroy(): Promise<void> {
    this.readers.clear();
    const listener = this.listener;
    this.listener = undefined;
    await (await listener?.catch(() => undefined))?.close();
  }

  private wakeAll(): void {
    for (const wake of this.readers) wake();
  }
}
