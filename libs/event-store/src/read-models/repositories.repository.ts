import type { DataSource, EntityManager } from 'typeorm';

/** A row of `repositories`: the registration and its sealed credentials (never in the log: docs/secrets.md). */
export interface RepositoryRow {
  url: string;
  normalized_url: string;
  name: string | null;
  type: string;
  project: string | null;
  credential_type: string;
  username: string | null;
  sealed_credentials: string | null;
  connection_state: Record<string, unknown>;
  created_at: Date;
}

export interface RepositoryRecord {
  url: string;
  normalizedUrl: string;
  name: string | null;
  type: string;
  project: string | null;
  credentialType: string;
  username: string | null;
  sealedCredentials: string | null;
  connectionState: Record<string, unknown>;
}

/**
 * The `repositories` table. Written beside each RepositoryAdded / RepositoryRemoved in the append's
 * transaction (the credentials' only store), so it is not rebuilt from the log.
 */
export class RepositoriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(normalizedUrl: string): Promise<RepositoryRow | undefined> {
    const rows: RepositoryRow[] = await this.dataSource.query(
      `SELECT * FROM repositories WHERE normalized_url = $1`,
      [normalizedUrl],
    );
    return rows[0];
  }

  async list(): Promise<RepositoryRow[]> {
    return this.dataSource.query(`SELECT * FROM repositories ORDER BY url`);
  }

  async save(manager: EntityManager, r: RepositoryRecord): Promise<void> {
    await manager.query(
      `INSERT INTO repositories (url, normalized_url, name, type, project, credential_type, username, sealed_credentials, connection_state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
       ON CONFLICT (normalized_url) DO UPDATE SET url = EXCLUDED.url, name = EXCLUDED.name, type = EXCLUDED.type,
         project = EXCLUDED.project, credential_type = EXCLUDED.credential_type, username = EXCLUDED.username,
         sealed_credentials = EXCLUDED.sealed_credentials, connection_state = EXCLUDED.connection_state, updated_at = now()`,
      [
        r.url,
        r.normalizedUrl,
        r.name,
        r.type,
        r.project,
        r.credentialType,
        r.username,
        r.sealedCredentials,
        JSON.stringify(r.connectionState),
      ],
    );
  }

  async remove(manager: EntityManager, normalizedUrl: string): Promise<void> {
    await manager.query(`DELETE FROM repositories WHERE normalized_url = $1`, [normalizedUrl]);
  }
}
