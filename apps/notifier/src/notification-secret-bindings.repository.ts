import type { DataSource, EntityManager } from 'typeorm';

/** Where one notification secret may be sent, and a salted digest of the value it was bound with. */
export interface SecretBinding {
  key: string;
  /** `scrypt$<salt>$<hash>`: tells a new value from the bound one without keeping the value. */
  valueDigest: string;
  hosts: string[];
}

/** Table `notification_secret_bindings` (docs/security.md): shared by every notifier replica. */
export class NotificationSecretBindingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<SecretBinding[]> {
    const rows: Array<{ key: string; value_digest: string; hosts: string[] }> = await this.dataSource.query(
      `SELECT key, value_digest, hosts FROM notification_secret_bindings`,
    );
    return rows.map((r) => ({ key: r.key, valueDigest: r.value_digest, hosts: r.hosts }));
  }

  /** Binds (or re-binds) a secret; `boundBy` says which config did. In the caller's transaction when given. */
  async bind(binding: SecretBinding, boundBy: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO notification_secret_bindings (key, value_digest, hosts, bound_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET value_digest = $2, hosts = $3, bound_by = $4, bound_at = now()`,
      [binding.key, binding.valueDigest, binding.hosts, boundBy],
    );
  }
}
