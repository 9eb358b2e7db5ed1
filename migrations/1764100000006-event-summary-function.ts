import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One SQL function writes the audit log's `summary` for every event type, so a new event type
 * changes the function and not the view. Covers the reconcile and sync events too, so
 * `SELECT time, actor, summary FROM audit_log WHERE application = 'x'` reads like a story.
 */
export const EVENT_SUMMARY_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION berth_event_summary(type text, d jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE type
    WHEN 'ApplicationCreated'      THEN 'created application ' || (d->>'application') || ' in project ' || (d->>'project')
    WHEN 'ApplicationSpecChanged'  THEN 'changed ' || COALESCE((SELECT string_agg(p, ', ') FROM jsonb_array_elements_text(d->'changedPaths') p), 'the spec')
    WHEN 'ApplicationDeleted'      THEN 'deleted application' || CASE WHEN (d->>'cascade')::boolean THEN ' and its resources' ELSE ' (resources kept)' END
    WHEN 'RefreshRequested'        THEN CASE WHEN (d->>'hard')::boolean THEN 'requested a hard refresh' ELSE 'requested a refresh' END
    WHEN 'SyncRequested'           THEN CASE COALESCE(d->>'trigger', '')
                                          WHEN 'rollback' THEN 'requested rollback to history ' || (d->>'rollbackOf') || ' (' || left(d->>'revision', 7) || ')'
                                          WHEN 'auto-rollback' THEN 'auto-rollback: requested sync back to ' || left(d->>'revision', 7)
                                          ELSE 'requested sync to ' || COALESCE(left(d->>'revision', 12), 'the target revision')
                                        END
                                        || CASE WHEN d ? 'resources' AND jsonb_typeof(d->'resources') = 'array'
                                                THEN ' (' || jsonb_array_length(d->'resources') || ' selected resources)' ELSE '' END
                                        || CASE WHEN (d->>'dryRun')::boolean THEN ' (dry run)' ELSE '' END
    WHEN 'TerminateRequested'      THEN 'asked to terminate operation ' || (d->>'operationId')
    WHEN 'RevisionResolved'        THEN 'target ' || (d->>'targetRevision') || ' now resolves to ' || left(d->>'revision', 7)
                                        || COALESCE(': ' || (d->'commit'->>'message'), '')
    WHEN 'SyncStatusChanged'       THEN 'sync status ' || (d->>'from') || ' -> ' || (d->>'to')
                                        || CASE WHEN jsonb_array_length(COALESCE(d->'outOfSync', '[]'::jsonb)) > 0
                                                THEN ' (' || jsonb_array_length(d->'outOfSync') || ' resources out of sync: '
                                                     || (SELECT string_agg((r->>'kind') || '/' || (r->>'name'), ', ') FROM (SELECT r FROM jsonb_array_elements(d->'outOfSync') r LIMIT 5) x) || ')'
                                                ELSE '' END
    WHEN 'HealthStatusChanged'     THEN 'health ' || (d->>'from') || ' -> ' || (d->>'to') || COALESCE(': ' || (d->>'message'), '')
    WHEN 'ConditionRaised'         THEN (d->>'conditionType') || ': ' || (d->>'message')
    WHEN 'ConditionCleared'        THEN (d->>'conditionType') || ' cleared'
    WHEN 'SyncOperationStarted'    THEN 'started sync to ' || left(d->>'revision', 7) || ' (' || (d->>'taskCount') || ' tasks'
                                        || CASE WHEN (d->>'attempt')::int > 1 THEN ', attempt ' || (d->>'attempt') ELSE '' END || ')'
    WHEN 'ResourceSynced'          THEN (d->'resource'->>'kind') || '/' || (d->'resource'->>'name') || ' ' || (d->>'result')
                                        || ' (' || (d->>'phase') || ', wave ' || (d->>'wave') || ')'
    WHEN 'SyncOperationSucceeded'  THEN 'synced to ' || left(d->>'revision', 7) || ': ' || (d->>'message')
    WHEN 'SyncOperationFailed'     THEN 'sync ' || lower(d->>'phase') || ': ' || (d->>'message')
                                        || CASE WHEN d ? 'retryInMs' THEN ' (retry in ' || ((d->>'retryInMs')::bigint / 1000) || ' s)' ELSE '' END
    WHEN 'SyncOperationTerminated' THEN 'sync terminated: ' || (d->>'message')
    WHEN 'AutoRollbackTriggered'   THEN 'auto-rollback: ' || (d->>'reason')
    WHEN 'ApplicationResourcesDeleted' THEN 'deleted the resources of the deleted application: '
                                        || (SELECT count(*) FROM jsonb_array_elements(d->'resources') r WHERE r->>'result' = 'deleted') || ' deleted, '
                                        || (SELECT count(*) FROM jsonb_array_elements(d->'resources') r WHERE r->>'result' = 'failed') || ' failed'
    ELSE COALESCE(d->>'summary', type)
  END
$$`;

export class EventSummaryFunction1764100000006 implements MigrationInterface {
  name = 'EventSummaryFunction1764100000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(EVENT_SUMMARY_FUNCTION_SQL);
    await q.query(auditLogViewSql('berth_event_summary(e.type, e.data)'));
  }

  async down(): Promise<void> {
    // The view of 1764100000005 is re-created by reverting that migration; the function may stay.
  }
}

/** The audit_log view (docs/audit-log.md) with `summary` computed by the given SQL expression. */
export function auditLogViewSql(summary: string): string {
  return `
      CREATE OR REPLACE VIEW audit_log AS
      SELECT
        e.recorded_at                                   AS time,
        e.metadata->>'actor'                            AS actor,
        e.data->>'application'                          AS application,
        e.type                                          AS event_type,
        ${summary} AS summary,
        e.metadata->>'reason'                           AS reason,
        e.data                                          AS data,
        e.metadata->>'correlationId'                    AS correlation_id,
        e.stream_id                                     AS stream_id,
        e.position                                      AS position
      FROM events e`;
}
