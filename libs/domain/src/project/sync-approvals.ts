import type { SyncApproval } from './app-project.types';
import { selectsApp, type SelectedApp } from './app-selector';
import type { ClusterRef } from './known-cluster';
import { approvalExpiryMs, MAX_REQUIRED_APPROVALS } from './sync-approval.validator';

/** A request waits this long for its approvals when the entry does not say (`expiresAfter`). */
export const DEFAULT_APPROVAL_EXPIRY = '24h';

/** What the project asks of one app's syncs: how many approvers, for how long, and which entries say so. */
export interface SyncApprovalRequirement {
  requiredApprovals: number;
  /** How long a request waits for its approvals, in ms. */
  expiresAfterMs: number;
  /** The entries of `spec.syncApprovals` that select the app (their indexes). */
  policies: number[];
}

/**
 * The approvals a sync of `target` needs under the project's `spec.syncApprovals`, or undefined when no entry
 * selects it. Several entries: the strictest of each, the most approvers and the shortest wait. An entry
 * stored before it was validated never weakens the gate: an unreadable `requiredApprovals` counts as 1 (or
 * the maximum, if above it), an unreadable `expiresAfter` as the default.
 */
export function syncApprovalRequirementFor(
  approvals: readonly SyncApproval[] | undefined,
  target: SelectedApp,
  clusters: readonly ClusterRef[] = [],
): SyncApprovalRequirement | undefined {
  const defaultMs = approvalExpiryMs(DEFAULT_APPROVAL_EXPIRY)!;
  let requirement: SyncApprovalRequirement | undefined;
  (approvals ?? []).forEach((entry, index) => {
    if (!selectsApp(entry, target, clusters)) return;
    const required = Number.isInteger(entry.requiredApprovals)
      ? Math.min(Math.max(entry.requiredApprovals!, 1), MAX_REQUIRED_APPROVALS)
      : 1;
    const expiresAfterMs =
      (typeof entry.expiresAfter === 'string' ? approvalExpiryMs(entry.expiresAfter) : undefined) ??
      defaultMs;
    requirement = requirement
      ? {
          requiredApprovals: Math.max(requirement.requiredApprovals, required),
          expiresAfterMs: Math.min(requirement.expiresAfterMs, expiresAfterMs),
          policies: [...requirement.policies, index],
        }
      : { requiredApprovals: required, expiresAfterMs, policies: [index] };
  });
  return requirement;
}
