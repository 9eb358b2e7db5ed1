import type { ResourceRow } from './resource-rows';
import { renderTable } from './table';

/** Argo CD's `ResourceNode`, the fields the tree view reads (`GET .../resource-tree`). */
export interface TreeNode {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Absent for a managed resource missing from the cluster. */
  uid?: string;
  parentRefs?: Array<{ uid: string }>;
  health?: { status?: string };
}

export const TREE_HEADERS = ['KIND/NAME', 'STATUS', 'HEALTH', 'MESSAGE'];

/**
 * `argocd app get -o tree`: each resource of the app with what it owns below it (Deployment -> ReplicaSet ->
 * Pod), drawn with `├─`/`└─` and `│ ` as Argo CD's printPrefix draws them. A node the app's resource table
 * knows (by kind/name, as Argo CD matches) shows its status, health and message; an owned one only its
 * health. Siblings are sorted by kind and name (Argo CD walks a Go map: its order changes run to run).
 */
export function formatResourceTree(nodes: TreeNode[], rows: ResourceRow[]): string {
  const byUid = new Map(nodes.map((n) => [idOf(n), n]));
  const children = new Map<string, TreeNode[]>();
  const roots: TreeNode[] = [];
  for (const node of nodes) {
    const parents = (node.parentRefs ?? []).filter((p) => byUid.has(p.uid) && p.uid !== idOf(node));
    if (parents.length === 0) roots.push(node);
    // A node with several owners is drawn under the first, once.
    else children.set(parents[0]!.uid, [...(children.get(parents[0]!.uid) ?? []), node]);
  }
  const state = new Map(rows.map((r) => [`${r.kind}/${r.name}`, r]));
  const table: string[][] = [];
  const seen = new Set<string>();
  const walk = (node: TreeNode, lead: string, connector: string): void => {
    if (seen.has(idOf(node))) return;
    seen.add(idOf(node));
    const known = state.get(`${node.kind}/${node.name}`);
    table.push([
      `${lead}${connector}${node.kind}/${node.name}`,
      known?.status ?? '',
      known ? known.health : (node.health?.status ?? ''),
      known?.message ?? '',
    ]);
    const below = sorted(children.get(idOf(node)) ?? []);
    below.forEach((child, i) => {
      const last = i === below.length - 1;
      // What this node's own connector leaves for the lines below it: a pipe while it has siblings after it.
      const nextLead = connector === '' ? lead : `${lead}${connector === '├─' ? '│ ' : '  '}`;
      walk(child, nextLead, last ? '└─' : '├─');
    });
  };
  for (const root of sorted(roots)) walk(root, '', '');
  return renderTable(TREE_HEADERS, table);
}

/** A node's identity: its uid, or, for a resource missing from the cluster, its kind and name. */
function idOf(node: TreeNode): string {
  return node.uid ?? `${node.group ?? ''}/${node.kind}/${node.namespace ?? ''}/${node.name}`;
}

function sorted(nodes: TreeNode[]): TreeNode[] {
  return [...nodes].sort(
    (a, b) =>
      a.kind.localeCompare(b.kind) ||
      (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
      a.name.localeCompare(b.name),
  );
}
