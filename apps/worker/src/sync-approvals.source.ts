import {
  type Application,
  DEFAULT_PROJECT_NAME,
  syncApprovalRequirementFor,
  type SyncApprovalRequirement,
} from '@berth/domain';
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER } from '@berth/kube';
import type { WorkerDeps } from './worker-deps';

/**
 * What the app's project asks of its automated syncs (docs/approvals.md), read fresh for each decision: the
 * approvals its `spec.syncApprovals` entries require of the app, or undefined when none selects it. Entries
 * naming clusters find the app's cluster by name or server, as sync windows do.
 */
export async function syncApprovalOf(
  deps: Pick<WorkerDeps, 'projects' | 'registeredClusters'>,
  app: Application,
): Promise<SyncApprovalRequirement | undefined> {
  const project = await deps.projects.find(app.spec.project || DEFAULT_PROJECT_NAME);
  const approvals = project?.spec.syncApprovals ?? [];
  if (approvals.length === 0) return undefined;
  const clusters = approvals.some((a) => (a.clusters ?? []).length > 0)
    ? [
        { name: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER },
        ...(await deps.registeredClusters.destinations()),
      ]
    : [];
  return syncApprovalRequirementFor(
    approvals,
    { name: app.metadata.name, destination: app.spec.destination },
    clusters,
  );
}
