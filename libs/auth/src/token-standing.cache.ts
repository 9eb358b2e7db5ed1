import {
  ACCOUNTS_CHANGED_CHANNEL,
  type AccountsRepository,
  type AccountsTokenState,
  PostgresListener,
  type TokenStanding,
  tokenKey,
} from '@berth/event-store';

export interface TokenStandingCacheOptions {
  accounts: AccountsRepository;
  /** For the LISTEN connection. */
  databaseUrl: string;
  nowSeconds: () => number;
  log?: (level: 'log' | 'warn', message: string) => void;
  /** Re-read even without a notification this often (a safety net; default 60 s). */
  maxAgeMs?: number;
}

/**
 * What every request's token check needs from Postgres (revoked session tokens, existing API keys, password
 * change times), held in memory and dropped the moment another process changes an account: the change's
 * transaction notifies `berth_accounts_changed` (AccountReadModelProjection) and Postgres delivers that to
 * every listening process at commit. A request that comes while the cache is being read again waits for the
 * fresh read; while the LISTEN connection is down (a notification could be missed) every request asks
 * Postgres itself. So no process serves a token another one has revoked.
 */
export class TokenStandingCache {
  private state: AccountsTokenState | undefined;
  private readAt = 0;
  /** Bumped by every notification: a read that started before one is not trusted. */
  private generation = 0;
  private reading: Promise<AccountsTokenState | undefined> | undefined;

  private constructor(
    private readonly options: TokenStandingCacheOptions,
    private listener?: PostgresListener,
  ) {}

  static async open(options: TokenStandingCacheOptions): Promise<TokenStandingCache> {
    const cache = new TokenStandingCache(options);
    cache.listener = await PostgresListener.open({
      databaseUrl: options.databaseUrl,
      channel: ACCOUNTS_CHANGED_CHANNEL,
      onNotify: () => cache.invalidate(),
      onReconnected: () => cache.invalidate(),
      log: options.log,
    });
    return cache;
  }

  /** Forgets what it knew: the next check reads again. */
  invalidate(): void {
    this.generation++;
    this.state = undefined;
  }

  async standingOf(account: string, id: string): Promise<TokenStanding> {
    const state = this.listener?.listening ? await this.current() : undefined;
    if (!state) return this.options.accounts.standingOf(account, id);
    const key = tokenKey(account, id);
    return {
      passwordMtime: state.passwordMtimes.get(account) ?? null,
      apiKeyExists: state.apiKeys.has(key),
      revoked: state.revoked.has(key),
    };
  }

  async close(): Promise<void> {
    await this.listener?.close();
  }

  /** The cached state, read again when dropped or old; undefined when reads keep being overtaken by changes. */
  private async current(): Promise<AccountsTokenState | undefined> {
    const maxAge = this.options.maxAgeMs ?? 60_000;
    if (this.state && Date.now() - this.readAt < maxAge) return this.state;
    for (let attempt = 0; attempt < 3; attempt++) {
      const generation = this.generation;
      this.reading ??= this.read();
      const read = await this.reading;
      if (read && generation === this.generation) return read;
    }
    return undefined;
  }

  private async read(): Promise<AccountsTokenState | undefined> {
    const generation = this.generation;
    const startedAt = Date.now();
    try {
      const state = await this.options.accounts.tokenState(this.options.nowSeconds());
      // A notification during the read: the read may predate the change; the caller reads again.
      if (generation !== this.generation) return undefined;
      this.state = state;
      this.readAt = startedAt;
      return state;
    } finally {
      this.reading = undefined;
    }
  }
}
