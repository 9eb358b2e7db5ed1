import { Controller, Get, Query } from '@nestjs/common';
import { DomainError } from '@berth/domain';
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

/**
 * The audit log over HTTP: the `audit_log` view, newest first, with keyset pagination on the
 * global position (a cursor, not an offset, so page 1,000 costs what page 1 costs).
 */
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly ctx: SchedulerContext) {}

  @Get()
  async query(@Query() q: AuditQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.application) add('application = ?', q.application);
    if (q.type) add('event_type = ?', q.type);
    if (q.actor) add('actor = ?', q.actor);
    if (q.since) add('time >= ?', parseTime('since', q.since));
    if (q.until) add('time < ?', parseTime('until', q.until));
    if (q.cursor) {
      if (!/^\d+$/.test(q.cursor))
        throw new DomainError('Invalid', 'cursor: pass the nextCursor value of the previous page');
      add('position < ?', q.cursor);
    }
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new DomainError('Invalid', `limit: "${q.limit}" must be a whole number from 1 to 1000`);
    }
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

function parseTime(field: string, text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new DomainError(
      'Invalid',
      `${field}: "${text}" is not a time; use RFC 3339, e.g. 2026-11-24T00:00:00Z`,
    );
  }
  return date;
}
