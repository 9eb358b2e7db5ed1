import { groupOf, type KubeObject } from '../diff/kube-object';
import type { HealthStatus } from '../health/health-status';

/** Argo CD's `ResourceRef` as a node's parent: who owns it. */
export interface ResourceParentRef {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
}

/** Argo CD's `ResourceNode` (pkg/apis/application/v1alpha1/types.go), as its UI's tree reads it. */
export interface ResourceNode {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  parentRefs?: ResourceParentRef[];
  info?: Array<{ name: string; value: string }>;
  images?: string[];
  health?: { status: string; message?: string };
  createdAt?: string;
  resourceVersion: string;
}

/** Argo CD's `ApplicationTree`. */
export interface ApplicationTree {
  nodes: ResourceNode[];
  orphanedNodes: ResourceNode[];
  hosts: never[];
}

/** How far down ownerReferences the tree goes (Deployment -> ReplicaSet -> Pod is 2). */
const MAX_DEPTH = 8;

/**
 * The resource tree of an app (Argo CD's `getAppResources` over the cluster cache's owner index): the
 * managed objects, then every object among `candidates` owned, directly or through others, by one of
 * them, each with its parents, health, images and Argo CD's `info` lines (a Pod's status reason and
 * ready containers, a ReplicaSet's revision). Nodes in Argo CD's order: group, kind, namespace, name.
 */
export function resourceTreeOf(
  managed: readonly KubeObject[],
  candidates: readonly KubeObject[],
  healthOf: (obj: KubeObject) => HealthStatus | undefined,
): ApplicationTree {
  const byUid = new Map<string, KubeObject>();
  for (const obj of managed) byUid.set(uidOf(obj), obj);
  const ownedBy = new Map<string, KubeObject[]>();
  for (const obj of candidates) {
    for (const ref of ownerRefsOf(obj)) {
      const list = ownedBy.get(ref.uid) ?? [];
      list.push(obj);
      ownedBy.set(ref.uid, list);
    }
  }
  const included = new Map<string, KubeObject>(managed.map((o) => [uidOf(o), o]));
  let frontier = [...managed];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: KubeObject[] = [];
    for (const parent of frontier) {
      for (const child of ownedBy.get(uidOf(parent)) ?? []) {
        if (included.has(uidOf(child))) continue;
        included.set(uidOf(child), child);
        next.push(child);
      }
    }
    frontier = next;
  }
  const nodes = [...included.values()].map((obj) => nodeOf(obj, included, healthOf(obj)));
  // Code-unit order, not the locale's (which ignores the separators and would mix groups).
  nodes.sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : orderKey(a) > orderKey(b) ? 1 : 0));
  return { nodes, orphanedNodes: [], hosts: [] };
}

function nodeOf(
  obj: KubeObject,
  included: ReadonlyMap<string, KubeObject>,
  health: HealthStatus | undefined,
): ResourceNode {
  const parents = ownerRefsOf(obj)
    .filter((ref) => included.has(ref.uid))
    .map((ref) => ({
      group: groupOf(ref.apiVersion),
      kind: ref.kind,
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      name: ref.name,
      uid: ref.uid,
    }));
  const info = infoOf(obj);
  const images = imagesOf(obj);
  const createdAt = obj.metadata['creationTimestamp'];
  const slash = obj.apiVersion.indexOf('/');
  return {
    group: groupOf(obj.apiVersion),
    version: slash === -1 ? obj.apiVersion : obj.apiVersion.slice(slash + 1),
    kind: obj.kind,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name,
    uid: uidOf(obj),
    ...(parents.length > 0 ? { parentRefs: parents } : {}),
    ...(info.length > 0 ? { info } : {}),
    ...(images.length > 0 ? { images } : {}),
    ...(health
      ? { health: { status: health.status, ...(health.message ? { message: health.message } : {}) } }
      : {}),
    ...(typeof createdAt === 'string' ? { createdAt } : {}),
    resourceVersion:
      typeof obj.metadata['resourceVersion'] === 'string' ? obj.metadata['resourceVersion'] : '',
  };
}

function orderKey(n: ResourceNode): string {
  return `${n.group}\u0000${n.kind}\u0000${n.namespace ?? ''}\u0000${n.name}`;
}

function uidOf(obj: KubeObject): string {
  const uid = obj.metadata['uid'];
  return typeof uid === 'string'
    ? uid
    : `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function ownerRefsOf(
  obj: KubeObject,
): Array<{ apiVersion: string; kind: string; name: string; uid: string }> {
  const refs = obj.metadata['ownerReferences'];
  if (!Array.isArray(refs)) return [];
  return (refs as Array<Record<string, unknown>>)
    .filter((r) => typeof r['uid'] === 'string' && typeof r['kind'] === 'string')
    .map((r) => ({
      apiVersion: typeof r['apiVersion'] === 'string' ? r['apiVersion'] : '',
      kind: r['kind'] as string,
      name: typeof r['name'] === 'string' ? r['name'] : '',
      uid: r['uid'] as string,
    }));
}

/** Argo CD's `info` (controller/cache/info.go): a Pod's status reason and ready containers; a ReplicaSet's revision. */
function infoOf(obj: KubeObject): Array<{ name: string; value: string }> {
  if (obj.apiVersion === 'v1' && obj.kind === 'Pod') {
    const status = (obj['status'] ?? {}) as {
      phase?: string;
      reason?: string;
      containerStatuses?: Array<{ ready?: boolean; state?: { waiting?: { reason?: string } } }>;
    };
    const spec = (obj['spec'] ?? {}) as { containers?: unknown[] };
    const statuses = status.containerStatuses ?? [];
    const waiting = statuses.map((c) => c.state?.waiting?.reason).find((r) => typeof r === 'string');
    const reason = waiting ?? status.reason ?? status.phase ?? 'Unknown';
    const ready = statuses.filter((c) => c.ready === true).length;
    return [
      { name: 'Status Reason', value: reason },
      { name: 'Containers', value: `${ready}/${spec.containers?.length ?? statuses.length}` },
    ];
  }
  if (groupOf(obj.apiVersion) === 'apps' && obj.kind === 'ReplicaSet') {
    const revision = obj.metadata.annotations?.['deployment.kubernetes.io/revision'];
    return revision ? [{ name: 'Revision', value: `Rev:${revision}` }] : [];
  }
  return [];
}

function imagesOf(obj: KubeObject): string[] {
  if (!(obj.apiVersion === 'v1' && obj.kind === 'Pod')) return [];
  const spec = (obj['spec'] ?? {}) as {
    containers?: Array<{ image?: unknown }>;
    initContainers?: Array<{ image?: unknown }>;
  };
  const images = [...(spec.initContainers ?? []), ...(spec.containers ?? [])]
    .map((c) => c.image)
    .filter((i): i is string => typeof i === 'string');
  return [...new Set(images)];
}
