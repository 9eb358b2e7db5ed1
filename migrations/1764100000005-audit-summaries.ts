import type { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS_BEFORE = `
  e.recorded_at                                   AS time,
  e.metadata->>'actor'                            AS actor,
  e.data->>'application'                          AS application,
  e.type                                          AS event_type,`;

const COLUMNS_AFTER = `
  e.metadata->>'reason'                           AS reason,
  e.data                                          AS data,
  e.metadata->>'correlationId'                    AS correlation_id,
  e.stream_id                                     AS stream_id,
  e.position                                      AS position
FROM events e`;

/** The summaries of 1764100000001, unchanged. */
const EXISTING_SUMMARIES = `
    WHEN 'ApplicationCreated'     THEN 'created application ' || (e.data->>'application') || ' in project ' || (e.data->>'project')
    WHEN 'ApplicationSpecChanged' THEN 'changed ' || (SELECT string_agg(p, ', ') FROM jsonb_array_elements_text(e.data->'changedPaths') p)
    WHEN 'ApplicationDeleted'     THEN 'deleted application' || CASE WHEN (e.data->>'cascade')::boolean THEN ' and its resources' ELSE ' (resources kept)' END
    WHEN 'RefreshRequested'       THEN CASE WHEN (e.data->>'hard')::boolean THEN 'requested a hard refresh' ELSE 'requested a refresh' END
    WHEN 'SyncRequested'          THEN 'requested sync to ' || COALESCE(e.data->>'revision', 'the target revision')
                                       || CASE WHEN (e.data->>'dryRun')::boolean THEN ' (dry run)' ELSE '' END`;

/**
 * audit_log summaries for the App of Apps, cascade deletion and rollback events (docs/rollback.md,
 * docs/app-of-apps.md): the view is re-created with the same columns and more CASE arms.
 */
export class AuditSummaries1764100000005 implements MigrationInterface {
  name = 'AuditSummaries1764100000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE VIEW audit_log AS
      SELECT ${COLUMNS_BEFORE}
        CASE e.type ${EXISTING_SUMMARIES}
          WHEN 'AutoRollbackTriggered'  THEN 'auto-rollback: ' || (e.data->>'reason')
          WHEN 'ApplicationResourcesDeleted' THEN 'deleted the resources of the deleted application: '
                                             || (SELECT count(*) FROM jsonb_array_elements(e.data->'resources') r WHERE r->>'result' = 'deleted') || ' deleted, '
                                             || (SELECT count(*) FROM jsonb_array_elements(e.data->'resources') r WHERE r->>'result' = 'failed') || ' failed'
          ELSE COALESCE(e.data->>'summary', e.type)
        END                                             AS summary,${COLUMNS_AFTER}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE VIEW audit_log AS
      SELECT ${COLUMNS_BEFORE}
        CASE e.type ${EXISTING_SUMMARIES}
          ELSE COALESCE(e.data->>'summary', e.type)
        END                                             AS summary,${COLUMNS_AFTER}`);
  }
}
