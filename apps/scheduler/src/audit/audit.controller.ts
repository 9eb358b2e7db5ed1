import { Controller, Get } from '@nestjs/common';
import { parseRfc3339, queryInteger, queryPosition, queryText, queryTime } from '../http/request-checks';
import { ValidQuery, type QuerySchema } from '../http/request-pipes';
import { SchedulerContext } from '../scheduler.context';

interface AuditQuery {
  application?: string;
  type?: string;
  actor?: string;
  since?: string;
  until?: string;
  limit?: string;
  cursor?: string;
}

/** Every parameter checked by type and range: a date or position Postgres cannot hold was a 500. */
export const AUDIT_QUERY: QuerySchema = {
  application: queryText(253),
  type: queryText(100),
  actor: queryText(1024),
  since: queryTime,
  until: queryTime,
  limit: queryInteger(1, 1000),
  cursor: queryPosition,
};

/**
 * The audit log over HTTP: the `audit_log` view, newest first, with keyset pagination on the
 * global position (a cursor, not an offset, so page 1,000 costs what page 1 costs).
 */
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly ctx: SchedulerContext) {}

  @Get()
  async query(@ValidQuery(AUDIT_QUERY) q: AuditQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.application) add('application = ?', q.application);
    if (q.type) add('event_type = ?', q.type);
    if (q.actor) add('actor = ?', q.actor);
    if (q.since) add('time >= ?', parseRfc3339(q.since));
    if (q.until) add('time < ?', parseRfc3339(q.until));
    if (q.cursor) add('position < ?', q.cursor);
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    params.push(limit + 1);
    const rows: Array<Record<string, unknown> & { position: string }> = await this.ctx.dataSource.query(
      `SELECT time, actor, application, event_type, summary, reason, data, correlation_id, position
       FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY position DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      items: page,
      nextCursor: rows.length > limit ? page[page.length - 1]!.position : null,
    };
  }
}
