import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each notification secret may be sent (docs/security.md): the hosts of the services that used it
 * when the notifier was given its value. `value_digest` (scrypt, salted) tells a new value from the one
 * bound, without storing the value.
 */
export class NotificationSecretBindings1764200000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_secret_bindings (
        key           text PRIMARY KEY,
        value_digest  text NOT NULL,
        hosts         text[] NOT NULL,
        bound_by      text NOT NULL,
        bound_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS notification_secret_bindings`);
  }
}
