import type { DataSource } from 'typeorm';

/** One row of the `audit_log` view (docs/audit-log.md): who did what to which application, when and why. */
export interface AuditLogEntry {
  time: Date;
  actor: string | null;
  /** The actor's SSO groups when it made the request (null for local accounts and system actors). */
  actor_groups: string[] | null;
  application: string | null;
  event_type: string;
  summary: string;
  reason: string | null;
  data: unknown;
  correlation_id: string | null;
  /** The event's global position: the page cursor. A string, since it may exceed 2^53. */
  position: string;
}

/** Which rows of the audit log to read; every field but `limit` is optional and they combine with AND. */
export interface AuditLogQuery {
  application?: string;
  eventType?: string;
  actor?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** Only events before this position: the previous page's `nextCursor`. */
  before?: string;
  limit: number;
}

export interface AuditLogPage {
  items: AuditLogEntry[];
  /** The position to pass as `before` for the next (older) page, or null on the last page. */
  nextCursor: string | null;
}

/**
 * Reads the `audit_log` view newest first with keyset pagination on the global position (a cursor,
 * not an offset, so page 1,000 costs what page 1 costs).
 */
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async page(query: AuditLogQuery): Promise<AuditLogPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, value: unknown) => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    if (query.application !== undefined) add('application = ?', query.application);
    if (query.eventType !== undefined) add('event_type = ?', query.eventType);
    if (query.actor !== undefined) add('actor = ?', query.actor);
    if (query.since !== undefined) add('time >= ?', query.since);
    if (query.until !== undefined) add('time < ?', query.until);
    if (query.before !== undefined) add('position < ?', query.before);
    // One row more than asked tells whether another page follows.
    params.push(query.limit + 1);
    const rows: AuditLogEntry[] = await this.dataSource.query(
      `SELECT time, actor, actor_groups, application, event_type, summary, reason, data, correlation_id, position
       FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY position DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.position : null };
  }
}
