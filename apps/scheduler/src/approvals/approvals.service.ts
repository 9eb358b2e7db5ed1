import {
  applicationAggregate,
  applicationStreamId,
  decideApplication,
  DEFAULT_PROJECT_NAME,
  DomainError,
  type ApplicationState,
  type EventMetadata,
  type SyncApprovalCommand,
} from '@berth/domain';
import type { Identity } from '@berth/auth';
import { APPROVE_ACTION } from '@berth/rbac';
import { argoApplicationOfRecord } from '@berth/event-store';
import { Injectable } from '@nestjs/common';
import { metadataOf, type RequestActor } from '../http/request-actor';
import { SchedulerContext } from '../scheduler.context';
import type { ApprovalRequestBody } from './approval-requests.schema';

/** The actor of an expiry noticed when someone answers too late: Berth's rule, not the late answerer. */
const EXPIRY_ACTOR = 'system:approval-expiry';

/**
 * Approvals of gated syncs (docs/approvals.md): a person holding `applications, approve, <project>/<app>`
 * approves or rejects the sync waiting for approval. The decision (self-approval, a second approval by the
 * same person, nothing pending, expiry) is the domain's; the right is checked here, with the RBAC policy in
 * force. The last approval enqueues the sync, which then runs as any other.
 */
@Injectable()
export class ApprovalsService {
  constructor(private readonly ctx: SchedulerContext) {}

  approve(name: string, body: ApprovalRequestBody, identity: Identity, who: RequestActor) {
    return this.answer(name, identity, who, body.reason, (now) => ({
      type: 'ApproveSync',
      approvedBy: who.actor,
      ...(body.reason ? { reason: body.reason } : {}),
      ...(body.operationId ? { operationId: body.operationId } : {}),
      now,
    }));
  }

  reject(
    name: string,
    body: ApprovalRequestBody & { reason: string },
    identity: Identity,
    who: RequestActor,
  ) {
    return this.answer(name, identity, who, body.reason, (now) => ({
      type: 'RejectSync',
      rejectedBy: who.actor,
      reason: body.reason,
      ...(body.operationId ? { operationId: body.operationId } : {}),
      now,
    }));
  }

  private async answer(
    name: string,
    identity: Identity,
    who: RequestActor,
    reason: string | undefined,
    command: (now: Date) => SyncApprovalCommand,
  ) {
    await this.assertMayApprove(name, identity);
    // The last approval enqueues the sync: with Redis away, refuse before recording anything (503).
    await this.ctx.queues.assertAvailable();
    const metadata: EventMetadata = { ...metadataOf(who), ...(reason ? { reason } : {}) };
    const { state, events } = await this.ctx.commands.handle(
      applicationAggregate,
      applicationStreamId(name),
      (current) => decideApplication(command(this.ctx.now()), current),
      (event) =>
        event.type === 'SyncApprovalExpired'
          ? {
              actor: EXPIRY_ACTOR,
              reason: `not approved by ${event.data.expiresAt}`,
              correlationId: event.data.operationId,
              source: 'scheduler',
            }
          : metadata,
    );
    const expired = events.find((e) => e.type === 'SyncApprovalExpired');
    if (expired) {
      const data = expired.data as { operationId: string; expiresAt: string };
      throw new DomainError(
        'Conflict',
        `the approval of operation ${data.operationId} of "${name}" expired at ${data.expiresAt}: the sync ended without running; request it again`,
        { operationId: data.operationId },
      );
    }
    const approved = approvedOperation(state);
    if (approved && events.some((e) => e.type === 'SyncApproved'))
      await this.ctx.queues.requestSync({ application: name, operationId: approved });
    const record = await this.ctx.applications.find(name);
    const application = record ? argoApplicationOfRecord(record) : undefined;
    return {
      operationId: (events[0]?.data as { operationId?: string } | undefined)?.operationId,
      approval: application?.status.operationState?.approval,
      application,
    };
  }

  /**
   * 403 unless the caller holds `applications, approve, <project>/<app>` (docs/rbac.md): the built-in
   * role:admin does, role:readonly does not; a project role may grant it in its own project. An anonymous
   * caller never approves: an approval names who gave it. (PermissionGuard checked the same right before;
   * this runs on the record the answer is decided on.)
   */
  private async assertMayApprove(name: string, identity: Identity): Promise<void> {
    const record = await this.ctx.applications.find(name);
    if (!record)
      throw new DomainError(
        'NotFound',
        `application "${name}" not found; list them with GET /api/v1/applications`,
      );
    const object = `${record.project || DEFAULT_PROJECT_NAME}/${name}`;
    if (identity.kind === 'anonymous')
      throw new DomainError(
        'Forbidden',
        `permission denied: applications, ${APPROVE_ACTION}, ${object}: anonymous callers cannot approve or reject syncs; log in`,
      );
    await this.ctx.authorizer.assert(identity, 'applications', APPROVE_ACTION, object);
  }
}

/** The open operation once its approvals are complete (it may start), if that is where it stands. */
function approvedOperation(state: ApplicationState): string | undefined {
  const open = state.openOperation;
  return open?.approval?.phase === 'Approved' && !open.terminateRequested ? open.operationId : undefined;
}
