import {
  groupOf,
  isTrackedBy,
  type KubeObject,
  type ResourceNodeDetails,
  TRACKING_ID_ANNOTATION,
  type TreeObject,
  type TreeOwnerRef,
} from '@berth/domain';

/** An owner reference as the cache keeps it (enough to walk up the tree): the tree's own. */
export type CachedOwnerRef = TreeOwnerRef;

/**
 * One live object as the cluster cache keeps it. Every object is a node (identity, owners, version,
 * images) of ~0.5 KB; only an object that carries an app's tracking id keeps the whole manifest, which
 * the diff reads (managedFields and the last-applied annotation included: removed-from-Git needs them).
 * gitops-engine does the same: it caches the manifest of app resources only (docs/adr/0005).
 */
export interface CachedResource extends TreeObject {
  /** `group/kind/namespace/name`, the inventory key (namespace empty for cluster-scoped kinds). */
  key: string;
  group: string;
  ownerRefs: CachedOwnerRef[];
  /** The app whose tracking id the object carries (and matches its identity), if any. */
  app?: string;
  /** Container images of a Pod or a pod template (the resource tree shows them). */
  images?: string[];
  /** The whole object: only for objects an app tracks. */
  object?: KubeObject;
  /**
   * Health, info lines and images for the resource tree, worked out when the object came in (the cache's
   * `details` option; gitops-engine's populateResourceInfoHandler): an untracked Pod is kept as a node, yet
   * its tree node shows its health.
   */
  details?: ResourceNodeDetails;
}

export function resourceKeyOf(
  group: string,
  kind: string,
  namespace: string | undefined,
  name: string,
): string {
  return `${group}/${kind}/${namespace ?? ''}/${name}`;
}

/** The app named by a tracking id (`<app>:<group>/<kind>:<ns>/<name>`) that matches the object it is on. */
export function trackingAppOf(obj: KubeObject): string | undefined {
  const id = obj.metadata.annotations?.[TRACKING_ID_ANNOTATION];
  if (typeof id !== 'string') return undefined;
  const app = id.slice(0, id.indexOf(':'));
  // A copied object keeps the annotation but not the identity: it belongs to no app (isTrackedBy).
  return app && isTrackedBy(app, obj) ? app : undefined;
}

/**
 * What the cache keeps of one live object. `namespaced` false drops a namespace the object cannot have;
 * `detailsOf` works out the tree node's details from the whole object before all but its node is dropped.
 */
export function cachedResourceOf(
  obj: KubeObject,
  namespaced: boolean,
  detailsOf?: (obj: KubeObject) => ResourceNodeDetails | undefined,
): CachedResource {
  const group = groupOf(obj.apiVersion);
  const namespace = namespaced ? obj.metadata.namespace : undefined;
  const app = trackingAppOf(obj);
  const owners = Array.isArray(obj.metadata['ownerReferences'])
    ? (obj.metadata['ownerReferences'] as Array<Record<string, unknown>>)
    : [];
  const images = imagesOf(obj);
  const createdAt = obj.metadata['creationTimestamp'];
  const details = detailsOf?.(obj);
  return {
    key: resourceKeyOf(group, obj.kind, namespace, obj.metadata.name),
    apiVersion: obj.apiVersion,
    group,
    kind: obj.kind,
    ...(namespace ? { namespace } : {}),
    name: obj.metadata.name,
    uid: typeof obj.metadata['uid'] === 'string' ? obj.metadata['uid'] : '',
    resourceVersion: str(obj.metadata['resourceVersion']),
    ...(typeof createdAt === 'string' ? { createdAt } : {}),
    ownerRefs: owners
      .filter((o) => typeof o['uid'] === 'string')
      .map((o) => ({
        apiVersion: str(o['apiVersion']),
        kind: str(o['kind']),
        name: str(o['name']),
        uid: str(o['uid']),
      })),
    ...(app ? { app, object: obj } : {}),
    ...(images.length > 0 ? { images } : {}),
    ...(details ? { details } : {}),
  };
}

/** Images of a Pod's containers, or of a workload's pod template. */
function imagesOf(obj: KubeObject): string[] {
  const spec = obj['spec'] as Record<string, unknown> | undefined;
  const podSpec =
    obj.kind === 'Pod'
      ? spec
      : ((spec?.['template'] as Record<string, unknown> | undefined)?.['spec'] as
          Record<string, unknown> | undefined);
  if (!podSpec) return [];
  const containers = [
    ...((podSpec['initContainers'] as unknown[] | undefined) ?? []),
    ...((podSpec['containers'] as unknown[] | undefined) ?? []),
  ];
  const images = containers
    .map((c) => (c as Record<string, unknown>)['image'])
    .filter((i): i is string => typeof i === 'string');
  return [...new Set(images)];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
