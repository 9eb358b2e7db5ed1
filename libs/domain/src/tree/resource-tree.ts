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
  /** Absent for a managed resource missing from the cluster. */
  uid?: string;
  parentRefs?: ResourceParentRef[];
  info?: Array<{ name: string; value: string }>;
  images?: string[];
  health?: { status: string; message?: string };
  createdAt?: string;
  resourceVersion?: string;
}

/** Argo CD's `ApplicationTree`. */
export interface ApplicationTree {
  nodes: ResourceNode[];
  orphanedNodes: ResourceNode[];
  hosts: never[];
}

/**
 * What a node shows beyond the object's identity, worked out when the object is read (gitops-engine's
 * `populateResourceInfoHandler` fills Argo CD's `ResourceInfo` the same way, as watch events arrive): a
 * cluster cache that keeps only a node of an untracked Pod can still show its health and ready containers.
 */
export interface ResourceNodeDetails {
  health?: { status: string; message?: string };
  info?: Array<{ name: string; value: string }>;
  images?: string[];
}

/** An owner reference, as a tree object carries it. */
export interface TreeOwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/**
 * One live object as the tree needs it: a whole object read from the cluster (treeObjectOf) or a cluster
 * cache's node (libs/kube CachedResource has this shape), so the tree can be built from either.
 */
export interface TreeObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  resourceVersion: string;
  createdAt?: string;
  ownerRefs: readonly TreeOwnerRef[];
  /** The app whose tracking id it carries, when known (a child of an orphan that another app tracks is not an orphan). */
  app?: string;
  details?: ResourceNodeDetails;
}

/** What the tree is built from: the app's live objects, an owner index, and the namespace's orphans. */
export interface ApplicationTreeInput {
  /** The app's managed live objects. */
  managed: readonly TreeObject[];
  /** The objects whose ownerReferences name `uid` (the cluster cache's owner index). */
  ownedBy: (uid: string) => readonly TreeObject[];
  /**
   * Argo CD's orphaned nodes (the project monitors orphans): the top-level objects of the destination
   * namespace no app tracks, as `orphanedResourcesOf` picks them. The tree adds what they own.
   */
  orphans?: readonly TreeObject[];
}

/** How far down ownerReferences the tree goes (Deployment -> ReplicaSet -> Pod is 2). */
const MAX_DEPTH = 8;

/**
 * Argo CD's `getResourceTree` (controller/appcontroller.go) over an owner index: the managed objects and
 * everything they own, directly or through others (`IterateHierarchy`); then the orphans and what they
 * own, less what belongs to an app. Each node with its parents in the same list, details, creation time
 * and version. Nodes in Argo CD's order: group, kind, namespace, name.
 */
export function applicationTreeOf(input: ApplicationTreeInput): ApplicationTree {
  const nodes = hierarchyOf(input.managed, input.ownedBy, () => true);
  const taken = new Set(nodes.map(uidOf));
  const orphans = (input.orphans ?? []).filter((o) => !taken.has(uidOf(o)));
  const orphanedNodes = hierarchyOf(
    orphans,
    input.ownedBy,
    (child) => !child.app && !taken.has(uidOf(child)),
  );
  return { nodes: toNodes(nodes), orphanedNodes: toNodes(orphanedNodes), hosts: [] };
}

/**
 * The resource tree of an app from whole objects (the scheduler's read of the cluster when no worker has
 * published the tree): the managed objects, and every object among `candidates` owned, directly or
 * through others, by one of them, each with its parents, health, images and Argo CD's `info` lines.
 */
export function resourceTreeOf(
  managed: readonly KubeObject[],
  candidates: readonly KubeObject[],
  healthOf: (obj: KubeObject) => HealthStatus | undefined,
): ApplicationTree {
  const ownedBy = new Map<string, TreeObject[]>();
  for (const obj of candidates) {
    const node = treeObjectOf(obj, resourceNodeDetailsOf(obj, healthOf(obj)));
    for (const ref of node.ownerRefs) ownedBy.set(ref.uid, [...(ownedBy.get(ref.uid) ?? []), node]);
  }
  return applicationTreeOf({
    managed: managed.map((obj) => treeObjectOf(obj, resourceNodeDetailsOf(obj, healthOf(obj)))),
    ownedBy: (uid) => ownedBy.get(uid) ?? [],
  });
}

/** A whole object as a tree object. */
export function treeObjectOf(obj: KubeObject, details?: ResourceNodeDetails): TreeObject {
  const createdAt = obj.metadata['creationTimestamp'];
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name,
    uid: typeof obj.metadata['uid'] === 'string' ? obj.metadata['uid'] : '',
    resourceVersion:
      typeof obj.metadata['resourceVersion'] === 'string' ? obj.metadata['resourceVersion'] : '',
    ...(typeof createdAt === 'string' ? { createdAt } : {}),
    ownerRefs: ownerRefsOf(obj),
    ...(details ? { details } : {}),
  };
}

/** A node's health, Argo CD's `info` lines and images, from the whole object. */
export function resourceNodeDetailsOf(
  obj: KubeObject,
  health: HealthStatus | undefined,
): ResourceNodeDetails {
  const info = infoOf(obj);
  const images = imagesOf(obj);
  return {
    ...(health
      ? { health: { status: health.status, ...(health.message ? { message: health.message } : {}) } }
      : {}),
    ...(info.length > 0 ? { info } : {}),
    ...(images.length > 0 ? { images } : {}),
  };
}

/** `roots` and what they own down to MAX_DEPTH, each once; `admit` says whether a child is taken. */
function hierarchyOf(
  roots: readonly TreeObject[],
  ownedBy: (uid: string) => readonly TreeObject[],
  admit: (child: TreeObject) => boolean,
): TreeObject[] {
  const included = new Map<string, TreeObject>(roots.map((o) => [uidOf(o), o]));
  let frontier = [...roots];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: TreeObject[] = [];
    for (const parent of frontier) {
      if (!parent.uid) continue;
      for (const child of ownedBy(parent.uid)) {
        if (included.has(uidOf(child)) || !admit(child)) continue;
        included.set(uidOf(child), child);
        next.push(child);
      }
    }
    frontier = next;
  }
  return [...included.values()];
}

function toNodes(objects: readonly TreeObject[]): ResourceNode[] {
  const uids = new Set(objects.map((o) => o.uid).filter((u) => u !== ''));
  const nodes = objects.map((o) => nodeOf(o, uids));
  // Code-unit order, not the locale's (which ignores the separators and would mix groups).
  return nodes.sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : orderKey(a) > orderKey(b) ? 1 : 0));
}

function nodeOf(obj: TreeObject, included: ReadonlySet<string>): ResourceNode {
  const parents = obj.ownerRefs
    .filter((ref) => included.has(ref.uid))
    .map((ref) => ({
      group: groupOf(ref.apiVersion),
      kind: ref.kind,
      ...(obj.namespace ? { namespace: obj.namespace } : {}),
      name: ref.name,
      uid: ref.uid,
    }));
  const slash = obj.apiVersion.indexOf('/');
  const details = obj.details ?? {};
  return {
    group: groupOf(obj.apiVersion),
    version: slash === -1 ? obj.apiVersion : obj.apiVersion.slice(slash + 1),
    kind: obj.kind,
    ...(obj.namespace ? { namespace: obj.namespace } : {}),
    name: obj.name,
    // A managed resource missing from the cluster has none (Argo CD leaves the node's uid empty).
    ...(obj.uid ? { uid: obj.uid } : {}),
    ...(parents.length > 0 ? { parentRefs: parents } : {}),
    ...(details.info && details.info.length > 0 ? { info: details.info } : {}),
    ...(details.images && details.images.length > 0 ? { images: details.images } : {}),
    ...(details.health ? { health: details.health } : {}),
    ...(obj.createdAt ? { createdAt: obj.createdAt } : {}),
    ...(obj.resourceVersion ? { resourceVersion: obj.resourceVersion } : {}),
  };
}

function orderKey(n: ResourceNode): string {
  return `${n.group}\u0000${n.kind}\u0000${n.namespace ?? ''}\u0000${n.name}`;
}

function uidOf(obj: TreeObject): string {
  return obj.uid || `${obj.apiVersion}/${obj.kind}/${obj.namespace ?? ''}/${obj.name}`;
}

function ownerRefsOf(obj: KubeObject): TreeOwnerRef[] {
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
