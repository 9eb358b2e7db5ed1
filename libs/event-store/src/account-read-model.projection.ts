import type { AccountState } from '@berth/domain';
import type { EntityManager } from 'typeorm';
import type { StateProjection } from './state-projection';

/**
 * `accounts` (when the password last changed), `account_tokens` (API keys by id) and `revoked_tokens`
 * (session tokens logged out before their expiry), written from an account's folded state; every
 * process's token check reads them for each request (TokenStandingCache).
 */
export class AccountReadModelProjection implements StateProjection<AccountState> {
  readonly name = 'accounts';
  readonly version = 1;
  readonly tables = ['accounts', 'account_tokens', 'revoked_tokens'] as const;

  async apply(manager: EntityManager, state: AccountState): Promise<void> {
    await manager.query(
      `INSERT INTO accounts (name, password_mtime, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (name) DO UPDATE SET password_mtime = EXCLUDED.password_mtime, updated_at = now()`,
      [state.name, state.passwordMtime],
    );
    await manager.query(`DELETE FROM account_tokens WHERE account = $1`, [state.name]);
    if (state.tokens.length > 0)
      await manager.query(
        `INSERT INTO account_tokens (account, id, issued_at, expires_at)
         SELECT $1, t.id, t.issued_at, t.expires_at
         FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS t(id, issued_at, expires_at)`,
        [
          state.name,
          state.tokens.map((t) => t.id),
          state.tokens.map((t) => t.issuedAt),
          state.tokens.map((t) => t.expiresAt ?? null),
        ],
      );
    await manager.query(`DELETE FROM revoked_tokens WHERE account = $1`, [state.name]);
    if (state.revoked.length > 0)
      await manager.query(
        `INSERT INTO revoked_tokens (account, id, expires_at)
         SELECT $1, r.id, r.expires_at FROM unnest($2::text[], $3::bigint[]) AS r(id, expires_at)`,
        [state.name, state.revoked.map((r) => r.id), state.revoked.map((r) => r.expiresAt)],
      );
  }
}
