import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models, updated in the same transaction as the append (inline projections), plus the
 * `audit_log` view documented in docs/audit-log.md.
 */
export class ApplicationsReadModel1764100000001 implements MigrationInterface {
  name = 'ApplicationsReadModel1764100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE applications (
        name            text PRIMARY KEY,
        project         text NOT NULL,
        manifest        jsonb NOT NULL,
        sync_status     text NOT NULL DEFAULT 'Unknown',
        health_status   text NOT NULL DEFAULT 'Unknown',
        revision        text,
        status          jsonb NOT NULL DEFAULT '{}'::jsonb,
        operation       jsonb,
        stream_version  integer NOT NULL,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL,
        -- When a worker last compared the app with the cluster. Not an event: a refresh that finds
        -- nothing new must not write to the log.
        reconciled_at   timestamptz
      )`);
    await q.query(`CREATE INDEX applications_project_idx ON applications (project)`);

    await q.query(`
      CREATE VIEW audit_log AS
      SELECT
        e.recorded_at                                   AS time,
        e.metadata->>'actor'                            AS actor,
        e.data->>'application'                          AS application,
        e.type                                          AS event_type,
        CASE e.type
          WHEN 'ApplicationCreated'     THEN 'created application ' || (e.data->>'application') || ' in project ' || (e.data->>'project')
          WHEN 'ApplicationSpecChanged' THEN 'changed ' || (SELECT string_agg(p, ', ') FROM jsonb_array_elements_text(e.data->'changedPaths') p)
          WHEN 'ApplicationDeleted'     THEN 'deleted application' || CASE WHEN (e.data->>'cascade')::boolean THEN ' and its resources' ELSE ' (resources kept)' END
          WHEN 'RefreshRequested'       THEN CASE WHEN (e.data->>'hard')::boolean THEN 'requested a hard refresh' ELSE 'requested a refresh' END
          WHEN 'SyncRequested'          THEN 'requested sync to ' || COALESCE(e.data->>'revision', 'the target revision')
                                             || CASE WHEN (e.data->>'dryRun')::boolean THEN ' (dry run)' ELSE '' END
          ELSE COALESCE(e.data->>'summary', e.type)
        END                                             AS summary,
        e.metadata->>'reason'                           AS reason,
        e.data                                          AS data,
        e.metadata->>'correlationId'                    AS correlation_id,
        e.stream_id                                     AS stream_id,
        e.position                                      AS position
      FROM events e`);
    await q.query(
      `COMMENT ON VIEW audit_log IS 'Who did what to which application, when and why: one row per event. See docs/audit-log.md.'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS audit_log`);
    await q.query(`DROP TABLE IF EXISTS applications`);
  }
}
