import type { AccountsRepository, TokenStanding } from '@berth/event-store';

export interface TokenStandingCacheOptions {
  accounts: AccountsRepository;
}

/**
 * What every request's token check needs from Postgres (is the token revoked, does the API key still
 * exist, when did the password last change), read for each request: one indexed query. A cache dropped by
 * LISTEN/NOTIFY was tried and refused: the notification reaches another process a moment after the
 * logout's commit, and a request arriving in that moment was served with the revoked token (the
 * authentication spec caught it under load). "Revoked everywhere at once" needs the read.
 */
export class TokenStandingCache {
  private constructor(private readonly options: TokenStandingCacheOptions) {}

  static async open(options: TokenStandingCacheOptions): Promise<TokenStandingCache> {
    return Promise.resolve(new TokenStandingCache(options));
  }

  async standingOf(account: string, id: string): Promise<TokenStanding> {
    return this.options.accounts.standingOf(account, id);
  }

  async close(): Promise<void> {
    // Holds no connection of its own.
  }
}
