import type { AccountToken } from '@berth/domain';
import type { DataSource, EntityManager } from 'typeorm';

/** What the token checks need to know about every account, read at once (a process's token cache). */
/** One token's standing, read for one request (while the cache cannot be trusted). */
export interface TokenStanding {
  passwordMtime: number | null;
  apiKeyExists: boolean;
  revoked: boolean;
}

/**
 * Local accounts' read models (`accounts`, `account_tokens`, `revoked_tokens`, written by
 * AccountReadModelProjection) and the password hashes (`account_passwords`), which never enter the log.
 */
export class AccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The bcrypt hash of an account's password; undefined when none was ever set. */
  async passwordHash(account: string): Promise<string | undefined> {
    const rows: Array<{ password_hash: string }> = await this.dataSource.query(
      `SELECT password_hash FROM account_passwords WHERE account = $1`,
      [account],
    );
    return rows[0]?.password_hash;
  }

  /** Stores a new hash in the transaction of the `AccountPasswordChanged` event. */
  async savePasswordHash(manager: EntityManager, account: string, hash: string): Promise<void> {
    await manager.query(
      `INSERT INTO account_passwords (account, password_hash, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (account) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
      [account, hash],
    );
  }

  /** API keys of an account, newest first (Argo CD's order). */
  async tokensOf(account: string): Promise<AccountToken[]> {
    const rows: Array<{ id: string; issued_at: string; expires_at: string | null }> =
      await this.dataSource.query(
        `SELECT id, issued_at, expires_at FROM account_tokens WHERE account = $1 ORDER BY issued_at DESC, id`,
        [account],
      );
    return rows.map((r) => ({
      id: r.id,
      issuedAt: Number(r.issued_at),
      ...(r.expires_at !== null ? { expiresAt: Number(r.expires_at) } : {}),
    }));
  }

  async standingOf(account: string, id: string): Promise<TokenStanding> {
    const rows: Array<{ password_mtime: string | null; api_key: boolean; revoked: boolean }> =
      await this.dataSource.query(
        `SELECT (SELECT password_mtime FROM accounts WHERE name = $1) AS password_mtime,
                EXISTS (SELECT 1 FROM account_tokens WHERE account = $1 AND id = $2) AS api_key,
                EXISTS (SELECT 1 FROM revoked_tokens WHERE account = $1 AND id = $2) AS revoked`,
        [account, id],
      );
    const row = rows[0];
    return {
      passwordMtime: row?.password_mtime != null ? Number(row.password_mtime) : null,
      apiKeyExists: row?.api_key ?? false,
      revoked: row?.revoked ?? false,
    };
  }
}
