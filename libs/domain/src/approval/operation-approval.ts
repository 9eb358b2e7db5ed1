import type { OpenOperation } from '../application/application.state';
import type { OperationApproval } from '../application/application.status';

/**
 * A gated sync that may not start yet: its approval is pending and nobody asked to terminate it. The worker
 * leaves such an operation alone; the scheduler enqueues it once the last approval is recorded.
 */
export function awaitsApproval(op: OpenOperation | null | undefined): boolean {
  return op?.approval?.phase === 'Pending' && !op.terminateRequested;
}

/**
 * `status.operationState.message` of a gated sync, for people looking at the app (Argo CD's UI shows it under
 * "Syncing"): how many approvals it has, who gave them, and, while pending, who asked and until when.
 */
export function approvalMessage(approval: OperationApproval): string {
  const approvers = approval.approvals.map((a) => a.approvedBy);
  const count = `${approvers.length} of ${approval.requiredApprovals}`;
  switch (approval.phase) {
    case 'Pending': {
      const by = approvers.length > 0 ? `approved by ${approvers.join(', ')}; ` : '';
      return `waiting for approval: ${count} (${by}requested by ${approval.requestedBy}, expires ${approval.expiresAt})`;
    }
    case 'Approved':
      return `approved by ${approvers.join(', ')} (${count}): the sync starts`;
    case 'Rejected':
      return `sync rejected by ${approval.rejectedBy ?? 'an approver'}: ${approval.reason ?? ''}`;
    case 'Expired':
      return `sync approval expired at ${approval.expiresAt}: ${count} approvals${approvers.length > 0 ? ` (${approvers.join(', ')})` : ''}`;
    case 'Terminated':
      return `terminated while waiting for approval (${count})`;
  }
}
