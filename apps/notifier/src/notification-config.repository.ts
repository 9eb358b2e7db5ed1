import type { DataSource, EntityManager } from 'typeorm';

/** One notifications config stored through the API. */
export interface StoredNotificationsConfig {
  version: number;
  yaml: string;
}

/** Table `notification_config`: versioned configs stored with PUT /api/v1/notifications/config. */
export class NotificationConfigRepository {
  constructor(private readonly dataSource: DataSource) {}

  async newest(): Promise<StoredNotificationsConfig | undefined> {
    const rows: StoredNotificationsConfig[] = await this.dataSource.query(
      `SELECT version, yaml FROM notification_config ORDER BY version DESC LIMIT 1`,
    );
    return rows[0];
  }

  /** Stores `yaml` as the next version (in the caller's transaction) and returns that version. */
  async insert(manager: EntityManager, yaml: string, createdBy: string): Promise<number> {
    const rows: Array<{ version: number }> = await manager.query(
      `INSERT INTO notification_config (yaml, created_by) VALUES ($1, $2) RETURNING version`,
      [yaml, createdBy],
    );
    return rows[0]!.version;
  }
}
