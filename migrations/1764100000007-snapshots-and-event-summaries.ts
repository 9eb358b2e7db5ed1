import type { MigrationInterface, QueryRunner } from 'typeorm';
import { summarizeEvent } from '../libs/domain/src/events/event-catalog';
import { auditLogViewSql, EVENT_SUMMARY_FUNCTION_SQL } from './1764100000006-event-summary-function';

/**
 * The command path's snapshots, and the audit summary stored with each event.
 *
 * - `stream_snapshots`: the folded state of a stream at a version, written in the append's transaction, so a
 *   command reads one row and the events after it instead of the whole stream (docs/architecture.md).
 * - `events.summary`: the audit log's words, computed from the event catalog (libs/domain event-catalog.ts)
 *   when the event is appended. Existing rows are filled here from the same catalog; the SQL function that
 *   wrote the summaries at read time (1764100000006) is dropped, and `audit_log` reads the column.
 *   Filling a column the log did not have is not an edit of a fact: `data` and `metadata` stay as written;
 *   the immutability trigger is lifted for this one statement per batch and restored.
 * - `projection_versions`: which version of each read model the tables hold; `npm run migrate` rebuilds a
 *   read model from the log when its code has a newer version.
 */
export class SnapshotsAndEventSummaries1764100000007 implements MigrationInterface {
  name = 'SnapshotsAndEventSummaries1764100000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stream_snapshots (
        stream_id       text PRIMARY KEY,
        stream_version  integer NOT NULL,
        state_version   integer NOT NULL,
        state           jsonb NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON TABLE stream_snapshots IS 'Folded state of each stream at stream_version: a cache of the event log, rebuilt from it when missing.'`,
    );
    await q.query(`
      CREATE TABLE projection_versions (
        projection  text PRIMARY KEY,
        version     integer NOT NULL,
        rebuilt_at  timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`ALTER TABLE events ADD COLUMN summary text`);
    await q.query(`ALTER TABLE events DISABLE TRIGGER events_immutable`);
    let after = '0';
    for (;;) {
      // QueryRunner.query answers `any`: the row type is what the SELECT names.
      const rows = (await q.query(
        `SELECT position::text AS position, type, data FROM events WHERE position > $1 ORDER BY position LIMIT 2000`,
        [after],
      )) as Array<{ position: string; type: string; data: unknown }>;
      if (rows.length === 0) break;
      await q.query(
        `UPDATE events e SET summary = v.summary
         FROM unnest($1::bigint[], $2::text[]) AS v(position, summary) WHERE e.position = v.position`,
        [rows.map((r) => r.position), rows.map((r) => summarizeEvent(r))],
      );
      after = rows[rows.length - 1]!.position;
    }
    await q.query(`ALTER TABLE events ENABLE TRIGGER events_immutable`);

    // Rows written outside Berth's store (a bulk load) have no summary: their type stands in.
    await q.query(auditLogViewSql('COALESCE(e.summary, e.type)'));
    await q.query(`DROP FUNCTION IF EXISTS berth_event_summary(text, jsonb)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(EVENT_SUMMARY_FUNCTION_SQL);
    await q.query(auditLogViewSql('berth_event_summary(e.type, e.data)'));
    await q.query(`ALTER TABLE events DROP COLUMN summary`);
    await q.query(`DROP TABLE IF EXISTS projection_versions`);
    await q.query(`DROP TABLE IF EXISTS stream_snapshots`);
  }
}
