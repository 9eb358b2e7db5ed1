import type { DataSource, EntityManager } from 'typeorm';

/** A row of `clusters`: the registration, its sealed kubeconfig (never in the log) and the last connection check. */
export interface ClusterRow {
  name: string;
  server: string;
  auth_type: string;
  sealed_config: string | null;
  /** Argo CD's project-scoped cluster: only this project's Applications use it. Null: any project may. */
  project: string | null;
  connection_state: Record<string, unknown>;
  created_at: Date;
}

/**
 * The `clusters` table. Written beside each ClusterAdded / ClusterRemoved in the append's transaction (the
 * credentials' only store), so it is not rebuilt from the log; `connection_state` is a reading, not an event.
 */
export class ClustersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Name, server and project of every registered cluster (AppProject destinations name either; a
   * project-scoped cluster serves its project only).
   */
  async destinations(): Promise<Array<{ name: string; server: string; project?: string }>> {
    const rows: Array<{ name: string; server: string; project: string | null }> = await this.dataSource.query(
      `SELECT name, server, project FROM clusters ORDER BY name`,
    );
    return rows.map((r) => ({
      name: r.name,
      server: r.server,
      ...(r.project ? { project: r.project } : {}),
    }));
  }

  async find(name: string): Promise<ClusterRow | undefined> {
    const rows: ClusterRow[] = await this.dataSource.query(`SELECT * FROM clusters WHERE name = $1`, [name]);
    return rows[0];
  }

  /** The cluster registered with that API server URL (stored without a trailing slash). */
  async findByServer(server: string): Promise<ClusterRow | undefined> {
    const rows: ClusterRow[] = await this.dataSource.query(`SELECT * FROM clusters WHERE server = $1`, [
      server.replace(/\/+$/, ''),
    ]);
    return rows[0];
  }

  /** The cluster of that name, and any other cluster registered with that server. */
  async findByNameOrServer(name: string, server: string): Promise<ClusterRow[]> {
    return this.dataSource.query(`SELECT * FROM clusters WHERE name = $1 OR server = $2`, [name, server]);
  }

  async list(): Promise<ClusterRow[]> {
    return this.dataSource.query(`SELECT * FROM clusters ORDER BY name`);
  }

  async save(
    manager: EntityManager,
    r: {
      name: string;
      server: string;
      authType: string;
      project: string | null;
      sealedConfig: string;
      connectionState: object;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO clusters (name, server, auth_type, project, sealed_config, connection_state) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (name) DO UPDATE SET server = EXCLUDED.server, auth_type = EXCLUDED.auth_type, project = EXCLUDED.project,
         sealed_config = EXCLUDED.sealed_config, connection_state = EXCLUDED.connection_state, updated_at = now()`,
      [r.name, r.server, r.authType, r.project, r.sealedConfig, JSON.stringify(r.connectionState)],
    );
  }

  async recordConnection(name: string, connectionState: object): Promise<void> {
    await this.dataSource.query(
      `UPDATE clusters SET connection_state = $2::jsonb, updated_at = now() WHERE name = $1`,
      [name, JSON.stringify(connectionState)],
    );
  }

  async remove(manager: EntityManager, name: string): Promise<void> {
    await manager.query(`DELETE FROM clusters WHERE name = $1`, [name]);
  }
}
