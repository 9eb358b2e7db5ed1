import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notifier's tables: per-app Argo-shaped state and trigger state (written with the `notifier`
 * subscription checkpoint), the delivery outbox, and versioned notification configs stored through the API.
 */
export class Notifications1764100000002 implements MigrationInterface {
  name = 'Notifications1764100000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifier_app_state (
        application     text PRIMARY KEY,
        -- The Application as Argo CD would show it (metadata/spec/status): what triggers and templates read.
        app             jsonb NOT NULL,
        -- @berth/notifications TriggerState: edge conditions currently true, delivered oncePer values.
        trigger_state   jsonb NOT NULL DEFAULT '{"active":{},"delivered":{}}'::jsonb,
        -- Commit info from RevisionResolved events, by revision, for .repo.GetCommitMetadata.
        commits         jsonb NOT NULL DEFAULT '{}'::jsonb,
        event_position  bigint NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE notification_deliveries (
        id                  text PRIMARY KEY,
        application         text NOT NULL,
        trigger             text NOT NULL,
        condition_index     integer NOT NULL,
        condition_key       text NOT NULL,
        once_per            text,
        templates           jsonb NOT NULL,
        service             text NOT NULL,
        recipient           text NOT NULL,
        -- queued -> sending -> sent | failed (queued again after a retryable failure)
        status              text NOT NULL DEFAULT 'queued'
                            CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
        attempts            integer NOT NULL DEFAULT 0,
        last_response_code  integer,
        last_error          text,
        event_position      bigint NOT NULL,
        -- The app as it was when the trigger fired; templates are rendered from it at send time.
        app_snapshot        jsonb NOT NULL,
        enqueued_at         timestamptz,
        claimed_by          text,
        claimed_at          timestamptz,
        sent_at             timestamptz,
        created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at          timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(
      `CREATE INDEX notification_deliveries_page_idx ON notification_deliveries (created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX notification_deliveries_app_idx ON notification_deliveries (application, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX notification_deliveries_open_idx ON notification_deliveries (status) WHERE status IN ('queued', 'sending')`,
    );
    await q.query(`
      CREATE TABLE notification_config (
        version     serial PRIMARY KEY,
        yaml        text NOT NULL,
        created_by  text NOT NULL DEFAULT 'anonymous',
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS notification_config`);
    await q.query(`DROP TABLE IF EXISTS notification_deliveries`);
    await q.query(`DROP TABLE IF EXISTS notifier_app_state`);
  }
}
