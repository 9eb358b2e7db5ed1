import {
  type ApplicationTree,
  applicationTreeOf,
  type AppProject,
  groupOf,
  isHook,
  type KubeObject,
  orphanedResourcesOf,
  type ResourceNodeDetails,
  resourceKeyString,
  type TreeObject,
  treeObjectOf,
  whyGroupKindDenied,
} from '@berth/domain';
import type { CachedResource, ClusterCache } from '@berth/kube';
import type { ResourceTreeCache } from '@berth/queues';
import { Logger } from '@nestjs/common';

/** What the tree of one app is built from, at the end of its comparison. */
export interface AppTreeSource {
  app: string;
  /** The app's destination namespace: where its orphans are looked for. */
  namespace: string | undefined;
  project: AppProject;
  /** The app's live objects the comparison read (from the cache or by GET). */
  live: readonly KubeObject[];
  /**
   * What Git renders for the app: the ones with no live object become nodes of their own (no uid, no
   * health), as Argo CD's getResourceTree adds a node for a managed resource whose live state is null.
   */
  desired?: readonly KubeObject[];
  /**
   * Write the tree even if this process wrote the same one lately (a hard refresh: the user asks for
   * everything afresh, and it puts back a tree Redis lost).
   */
  force?: boolean;
}

/**
 * The app's resource tree from the worker's cluster cache (Argo CD's controller `getResourceTree` over
 * its cluster cache): the managed live objects as the cache holds them, what they own through the owner
 * index, and, when the project monitors orphans (`orphanedResources` set, warn or not, as Argo CD), the
 * destination namespace's top-level untracked objects as `orphanedNodes` (orphanedResourcesOf, less the
 * kinds the project does not permit). Undefined while the cache has not listed every kind: the tree
 * would miss what is not listed yet.
 */
export function appTreeFromCache(
  cache: ClusterCache,
  source: AppTreeSource,
  detailsOf?: (obj: KubeObject) => ResourceNodeDetails | undefined,
): ApplicationTree | undefined {
  if (!cache.synced) return undefined;
  const managed: TreeObject[] = [];
  for (const obj of source.live) {
    // Child Applications live in Berth's log, not in the cluster: not nodes of the cluster tree.
    if (groupOf(obj.apiVersion) === 'argoproj.io' && obj.kind === 'Application') continue;
    // The cache's node has the details worked out when it came in; an object it has not seen yet (a GET
    // ahead of the watch) is made a node here.
    managed.push(cache.get(resourceKeyString(obj)) ?? treeObjectOf(obj, detailsOf?.(obj)));
  }
  const liveKeys = new Set(source.live.map((obj) => resourceKeyString(obj)));
  for (const obj of source.desired ?? []) {
    if (isHook(obj) || liveKeys.has(resourceKeyString(obj))) continue;
    if (groupOf(obj.apiVersion) === 'argoproj.io' && obj.kind === 'Application') continue;
    managed.push(treeObjectOf(obj));
  }
  const settings = source.project.spec.orphanedResources;
  let orphans: CachedResource[] = [];
  if (settings && source.namespace) {
    const top = cache.topLevelInNamespace(source.namespace) ?? [];
    orphans = orphanedResourcesOf(
      settings,
      top
        .filter(
          (r) => whyGroupKindDenied(source.project, { group: r.group, kind: r.kind }, true) === undefined,
        )
        .map((r) => ({ ...r, tracked: r.app !== undefined, owned: false })),
    );
  }
  return applicationTreeOf({ managed, ownedBy: (uid) => cache.ownedBy(uid), orphans });
}

/**
 * Publishes each refreshed app's tree to Redis (Argo CD's `setAppManagedResources` ->
 * `cache.SetAppResourcesTree`), where the scheduler's resource-tree route and stream read it. A tree equal
 * to the one this process wrote last is not written again (ResourceTreeCache). A failure is logged, never
 * the refresh's: the scheduler then reads the cluster itself.
 */
export class ResourceTreePublisher {
  private readonly logger = new Logger('resource-tree');

  constructor(
    private readonly trees: ResourceTreeCache,
    /** A node's details from the whole object, for a managed object the cache has not seen yet. */
    private readonly detailsOf?: (obj: KubeObject) => ResourceNodeDetails | undefined,
  ) {}

  async publish(cache: ClusterCache | undefined, source: AppTreeSource): Promise<void> {
    try {
      const tree = cache && appTreeFromCache(cache, source, this.detailsOf);
      // Not buildable now (cache not listed yet or failing): a tree written earlier would go stale.
      if (!tree) await this.trees.delete(source.app);
      else {
        if (source.force) this.trees.forget(source.app);
        await this.trees.set(source.app, tree);
      }
    } catch (err) {
      this.trees.forget(source.app);
      this.logger.warn(`resource tree of ${source.app} not published: ${(err as Error).message}`);
    }
  }

  /** The app was deleted: its tree goes. */
  async remove(app: string): Promise<void> {
    await this.trees.delete(app).catch((err: unknown) => {
      this.logger.warn(`resource tree of deleted ${app} not removed: ${(err as Error).message}`);
    });
  }
}
