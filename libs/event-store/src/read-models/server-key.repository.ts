import type { DataSource } from 'typeorm';

/**
 * The token signing key Berth generated itself (table `auth_server_key`, one row), for installations that
 * do not set `BERTH_SERVER_SECRET_KEY`. The first process to start stores its candidate; every other one
 * (and every later start) reads that one, so all replicas sign and verify with the same key.
 */
export class ServerKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores `candidate` unless a key is stored already; answers the stored key. */
  async storeOnce(candidate: string): Promise<string> {
    await this.dataSource.query(
      `INSERT INTO auth_server_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
      [candidate],
    );
    const rows: Array<{ key: string }> = await this.dataSource.query(
      `SELECT key FROM auth_server_key WHERE id = 1`,
    );
    return rows[0]!.key;
  }

  /** The stored value; undefined before the first start. */
  async current(): Promise<string | undefined> {
    const rows: Array<{ key: string }> = await this.dataSource.query(
      `SELECT key FROM auth_server_key WHERE id = 1`,
    );
    return rows[0]?.key;
  }

  /** Replaces the stored value (re-sealed with a new BERTH_SECRET_KEY by `npm run rotate-secrets`). */
  async replace(value: string): Promise<void> {
    await this.dataSource.query(`UPDATE auth_server_key SET key = $1 WHERE id = 1`, [value]);
  }
}
