import type { DomainEvent } from './event-envelope';

/**
 * Facts of a gated sync (Berth's approvals, docs/approvals.md; Argo CD has none). The requested operation
 * does not start until enough people approve it; each approval and the outcome are facts of their own, with
 * the person in the event's metadata (the authenticated subject) and in `data`.
 */

/**
 * The sync requested just before (same operation) needs approval under the project's `spec.syncApprovals`:
 * it waits, Running with "waiting for approval: 0 of N", until approved, rejected, expired or terminated.
 */
export type SyncApprovalRequested = DomainEvent<
  'SyncApprovalRequested',
  {
    application: string;
    operationId: string;
    project: string;
    /** Who asked for the sync (an account, an SSO user, `system:auto-sync` ...): never one of its approvers. */
    requestedBy: string;
    requiredApprovals: number;
    /** When the request expires unless approved by then (RFC 3339). */
    expiresAt: string;
    /** The entries of the project's `spec.syncApprovals` that require it. */
    policies: number[];
  }
>;

/** One person approved the waiting sync. At `approvals == requiredApprovals` it is approved and may start. */
export type SyncApproved = DomainEvent<
  'SyncApproved',
  {
    application: string;
    operationId: string;
    /** The approver: the authenticated subject. */
    approvedBy: string;
    reason?: string;
    /** Distinct approvals counting this one. */
    approvals: number;
    requiredApprovals: number;
  }
>;

/** One person rejected the waiting sync: the operation ends (Failed) with this reason, nothing applied. */
export type SyncRejected = DomainEvent<
  'SyncRejected',
  {
    application: string;
    operationId: string;
    rejectedBy: string;
    reason: string;
  }
>;

/** The waiting sync was not approved in time: the operation ends (Failed), nothing applied. */
export type SyncApprovalExpired = DomainEvent<
  'SyncApprovalExpired',
  {
    application: string;
    operationId: string;
    expiresAt: string;
    /** Who had approved by then. */
    approvedBy: string[];
    requiredApprovals: number;
  }
>;

export type ApprovalEvent = SyncApprovalRequested | SyncApproved | SyncRejected | SyncApprovalExpired;
