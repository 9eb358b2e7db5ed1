import { renderTable } from './table';

/** A node of Argo CD's `ApplicationTree`, the fields `argocd app resources` prints. */
export interface ResourcesNode {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
  parentRefs?: unknown[];
}

export const APP_RESOURCES_HEADERS = ['GROUP', 'KIND', 'NAMESPACE', 'NAME', 'ORPHANED'];

/**
 * `argocd app resources` (cmd/argocd/commands/app_resources.go `printResources`): without `--orphaned`, the
 * tree's top-level nodes (no parentRefs: the app's own resources, not the ReplicaSets and Pods below them)
 * marked `No`, then every orphaned node marked `Yes`; with `--orphaned`, the orphaned nodes only.
 */
export function formatAppResources(
  tree: { nodes?: ResourcesNode[]; orphanedNodes?: ResourcesNode[] },
  onlyOrphaned: boolean,
): string {
  const row = (n: ResourcesNode, orphaned: string) => [
    n.group ?? '',
    n.kind,
    n.namespace ?? '',
    n.name,
    orphaned,
  ];
  const rows = [
    ...(onlyOrphaned
      ? []
      : (tree.nodes ?? []).filter((n) => (n.parentRefs ?? []).length === 0).map((n) => row(n, 'No'))),
    ...(tree.orphanedNodes ?? []).map((n) => row(n, 'Yes')),
  ];
  return renderTable(APP_RESOURCES_HEADERS, rows);
}
