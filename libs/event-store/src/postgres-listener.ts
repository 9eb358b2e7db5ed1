import { Client } from 'pg';

export interface PostgresListenerOptions {
  /** Connection string of the LISTEN connection (a pooled connection cannot LISTEN). */
  databaseUrl: string;
  /** The NOTIFY channel: a plain SQL identifier chosen by Berth, never user input. */
  channel: string;
  /** Called for every notification on the channel. */
  onNotify: () => void;
  /**
   * Called once the connection is open again after it was lost: notifications sent meanwhile are gone,
   * so the caller catches up (reads what it may have missed).
   */
  onReconnected?: () => void;
  log?: (level: 'log' | 'warn', message: string) => void;
  /** First pause before reopening a lost connection; doubles up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A LISTEN connection that outlives Postgres restarts: when Postgres ends the session (57P01 on a
 * restart, a network reset) it is opened again with backoff until close() is called, and the caller is
 * told to catch up. Without it a restart left the notifier on its poll alone.
 */
export class PostgresListener {
  private client: Client | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;

  private constructor(private readonly options: PostgresListenerOptions) {
    if (!CHANNEL.test(options.channel)) throw new Error(`invalid NOTIFY channel name: ${options.channel}`);
  }

  /** Opens the connection; a first connection that fails throws (the process is starting and says so). */
  static async open(options: PostgresListenerOptions): Promise<PostgresListener> {
    const listener = new PostgresListener(options);
    await listener.connect();
    return listener;
  }

  /** True while a LISTEN connection is open. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl });
    // Both fire when the session ends; the first one schedules the reopening.
    const lost = (why: string) => this.lost(client, why);
    client.on('error', (error: Error) => lost(error.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.onNotify();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private lost(client: Client, why: string): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.options.log?.('warn', `LISTEN ${this.options.channel}: connection lost (${why}); opening it again`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const base = this.options.retryDelayMs ?? 500;
    const delay = Math.min(
      this.options.maxRetryDelayMs ?? 5_000,
      base * 2 ** Math.min(this.failedAttempts, 10),
    );
    this.retryTimer = setTimeout(() => void this.reconnect(), delay);
    this.retryTimer.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      await this.connect();
    } catch {
      this.failedAttempts++;
      this.scheduleReconnect();
      return;
    }
    if (this.closed) return;
    this.failedAttempts = 0;
    this.options.log?.('log', `LISTEN ${this.options.channel}: connection open again`);
    this.options.onReconnected?.();
  }
}
