import { AuthorizeInHandler, CurrentIdentity, type Identity } from '@berth/auth';
import { DomainError } from '@berth/domain';
import type { AuditLogPage } from '@berth/event-store';
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
 * The audit log over HTTP: the `audit_log` view newest first, paged with a cursor (AuditLogRepository).
 * An empty parameter filters nothing, as an absent one.
 */
// Who may read it: the whole log (every application, project, repository, cluster and account) needs
// `applications, get, */*` (role:readonly and role:admin hold it); one application's rows
// (`?application=NAME`) need `applications, get, <project>/<app>`, as its own `.../audit` route.
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly ctx: SchedulerContext) {}

  @AuthorizeInHandler('applications, get, */* for the whole log; <project>/<app> with ?application=')
  @Get()
  async query(
    @ValidQuery(AUDIT_QUERY) q: AuditQuery,
    @CurrentIdentity() who: Identity,
  ): Promise<AuditLogPage> {
    const everything = await this.ctx.authorizer.may(who, 'applications', 'get', '*/*');
    if (!everything) {
      if (!q.application)
        throw new DomainError(
          'Forbidden',
          `permission denied: the whole audit log needs applications, get, */* (sub: ${who.subject}); ask for one application with ?application=NAME, or GET /api/v1/applications/NAME/audit`,
        );
      const project = await this.ctx.applications.projectOf(q.application);
      await this.ctx.authorizer.assert(who, 'applications', 'get', `${project ?? '*'}/${q.application}`);
    }
    return this.ctx.auditLog.page({
      application: q.application || undefined,
      eventType: q.type || undefined,
      actor: q.actor || undefined,
      since: q.since ? parseRfc3339(q.since) : undefined,
      until: q.until ? parseRfc3339(q.until) : undefined,
      before: q.cursor || undefined,
      limit: q.limit === undefined ? 100 : Number(q.limit),
    });
  }
}
