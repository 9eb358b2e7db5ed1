import type { ApplicationState } from '../application/application.state';
import { DomainError } from '../errors/domain-error';
import { applicationEvent, type ApplicationEvent, type SyncRequested } from '../events/application.events';
import type {
  SyncApprovalExpired,
  SyncApprovalRequested,
  SyncApproved,
  SyncRejected,
} from '../events/approval.events';
import type { SyncApprovalRequirement } from '../project/sync-approvals';

/** What the project asks of a sync being requested now, for the decider (time is passed in, never read). */
export interface SyncApprovalGate {
  requirement: SyncApprovalRequirement;
  now: Date;
}

/** A person's answer to the sync waiting for approval (the RBAC `approve` right was checked before). */
export type SyncApprovalCommand =
  | {
      type: 'ApproveSync';
      approvedBy: string;
      reason?: string;
      /** The operation the approver looked at; another one open now is refused. */
      operationId?: string;
      now: Date;
    }
  | { type: 'RejectSync'; rejectedBy: string; reason: string; operationId?: string; now: Date };

/**
 * The SyncApprovalRequested that follows the SyncRequested `request` when the project gates the app. A dry
 * run changes nothing in the cluster, so it never waits (people preview a change before asking for approval).
 */
export function approvalRequestedEvents(
  state: ApplicationState,
  request: SyncRequested['data'],
  requestedBy: string,
  gate: SyncApprovalGate | undefined,
): ApplicationEvent[] {
  if (!gate || request.dryRun) return [];
  return [
    applicationEvent<SyncApprovalRequested>('SyncApprovalRequested', {
      application: state.name,
      operationId: request.operationId,
      project: state.project,
      requestedBy,
      requiredApprovals: gate.requirement.requiredApprovals,
      expiresAt: new Date(gate.now.getTime() + gate.requirement.expiresAfterMs).toISOString(),
      policies: gate.requirement.policies,
    }),
  ];
}

/**
 * An approval or a rejection of the open operation's pending approval. Refused (DomainError) when nothing
 * waits, when the operation is not the one the person looked at, when the requester approves their own sync,
 * or when the same person approves twice. A request that has expired records its expiry instead (the caller
 * answers that nothing is pending any more).
 */
export function decideSyncApproval(
  command: SyncApprovalCommand,
  state: ApplicationState,
): ApplicationEvent[] {
  if (!state.exists)
    throw new DomainError(
      'NotFound',
      `application "${state.name}" not found; list them with GET /api/v1/applications`,
    );
  const open = state.openOperation;
  const approval = open?.approval;
  if (!open || !approval || approval.phase !== 'Pending') {
    throw new DomainError(
      'Conflict',
      !open
        ? `application "${state.name}" has no operation waiting for approval`
        : !approval
          ? `operation ${open.operationId} of "${state.name}" does not wait for approval: the project's spec.syncApprovals did not select the app when it was requested`
          : `operation ${open.operationId} of "${state.name}" is already approved (${approval.approvals.map((a) => a.approvedBy).join(', ')}); it runs`,
      open ? { operationId: open.operationId } : undefined,
    );
  }
  if (command.operationId !== undefined && command.operationId !== open.operationId)
    throw new DomainError(
      'Conflict',
      `operation ${command.operationId} of "${state.name}" is not the one waiting for approval (${open.operationId}); look at the app again`,
      { operationId: open.operationId },
    );
  if (open.terminateRequested)
    throw new DomainError(
      'Conflict',
      `operation ${open.operationId} of "${state.name}" is being terminated; nothing waits for approval`,
      { operationId: open.operationId },
    );
  const expired = expiredApprovalEvents(state, command.now);
  if (expired.length > 0) return expired;
  const base = { application: state.name, operationId: open.operationId };
  if (command.type === 'RejectSync')
    return [
      applicationEvent<SyncRejected>('SyncRejected', {
        ...base,
        rejectedBy: command.rejectedBy,
        reason: command.reason,
      }),
    ];
  const who = command.approvedBy;
  if (who === approval.requestedBy)
    throw new DomainError(
      'Forbidden',
      `${who} requested operation ${open.operationId} of "${state.name}" and cannot approve it: ${approval.requiredApprovals} other ${approval.requiredApprovals === 1 ? 'person' : 'people'} holding the approve right must`,
      { operationId: open.operationId },
    );
  if (approval.approvals.some((a) => a.approvedBy === who))
    throw new DomainError(
      'Conflict',
      `${who} already approved operation ${open.operationId} of "${state.name}" (${approval.approvals.length} of ${approval.requiredApprovals}); each approval must come from another person`,
      { operationId: open.operationId },
    );
  return [
    applicationEvent<SyncApproved>('SyncApproved', {
      ...base,
      approvedBy: who,
      ...(command.reason ? { reason: command.reason } : {}),
      approvals: approval.approvals.length + 1,
      requiredApprovals: approval.requiredApprovals,
    }),
  ];
}

/** SyncApprovalExpired for the open operation when its pending approval's time is up at `now`. */
export function expiredApprovalEvents(state: ApplicationState, now: Date): ApplicationEvent[] {
  const open = state.openOperation;
  const approval = open?.approval;
  if (!open || !approval || approval.phase !== 'Pending' || open.terminateRequested) return [];
  if (now.getTime() < Date.parse(approval.expiresAt)) return [];
  return [
    applicationEvent<SyncApprovalExpired>('SyncApprovalExpired', {
      application: state.name,
      operationId: open.operationId,
      expiresAt: approval.expiresAt,
      approvedBy: approval.approvals.map((a) => a.approvedBy),
      requiredApprovals: approval.requiredApprovals,
    }),
  ];
}

/** When the open operation's pending approval expires, if it has one (the worker compares again then). */
export function pendingApprovalExpiry(
  state: ApplicationState,
): { operationId: string; at: Date } | undefined {
  const open = state.openOperation;
  if (!open?.approval || open.approval.phase !== 'Pending' || open.terminateRequested) return undefined;
  return { operationId: open.operationId, at: new Date(open.approval.expiresAt) };
}
