import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log: the source of truth and the audit log. See docs/adr/0002-event-store.md.
 *
 * - `position` is a bigserial: unique and increasing, but sequence values are taken at insert time
 *   and become visible at commit time, so position 11 can become visible before position 10.
 *   `transaction_id` (xid8) is recorded so subscribers can read the log in a way that never skips
 *   (see readAll in libs/infra/src/event-store/postgres-event-store.ts).
 * - `streams` holds each stream's current version: an append updates it with the expected version
 *   in the WHERE clause, so of two concurrent appends with the same expected version exactly one wins.
 */
export class EventStore1764100000000 implements MigrationInterface {
  name = 'EventStore1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE streams (
        stream_id   text PRIMARY KEY,
        version     integer NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE events (
        position        bigserial PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text NOT NULL,
        stream_version  integer NOT NULL,
        type            text NOT NULL,
        schema_version  integer NOT NULL DEFAULT 1,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
      )`);
    // Subscribers read in (transaction_id, position) order.
    await q.query(`CREATE INDEX events_transaction_position_idx ON events (transaction_id, position)`);
    // Time-range audit queries. A BTREE, not BRIN: BRIN ranges filled after the last summarization
    // match everything (measured at 10M rows: an 11 s lossy scan), and the log grows constantly.
    await q.query(`CREATE INDEX events_recorded_at_idx ON events (recorded_at)`);
    // "Everything alice did": actor filters, newest first.
    await q.query(`CREATE INDEX events_actor_position_idx ON events ((metadata->>'actor'), position DESC)`);
    await q.query(`CREATE INDEX events_type_position_idx ON events (type, position DESC)`);
    // One application's history, newest first: the audit query people run most.
    await q.query(
      `CREATE INDEX events_application_position_idx ON events ((data->>'application'), position DESC)`,
    );

    // Wake subscribers on commit (NOTIFY is delivered at commit); they poll as a fallback.
    await q.query(`
      CREATE FUNCTION berth_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('berth_events', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER events_notify AFTER INSERT ON events
      FOR EACH STATEMENT EXECUTE FUNCTION berth_notify_events()`);

    // Events are facts: never edited, never deleted.
    await q.query(`
      CREATE FUNCTION berth_events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % is not allowed on the event log', TG_OP;
      END $$`);
    await q.query(`
      CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION berth_events_are_immutable()`);

    await q.query(`
      CREATE TABLE subscription_checkpoints (
        subscription    text PRIMARY KEY,
        transaction_id  xid8 NOT NULL,
        position        bigint NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS subscription_checkpoints`);
    await q.query(`DROP TABLE IF EXISTS events`);
    await q.query(`DROP TABLE IF EXISTS streams`);
    await q.query(`DROP FUNCTION IF EXISTS berth_notify_events()`);
    await q.query(`DROP FUNCTION IF EXISTS berth_events_are_immutable()`);
  }
}
