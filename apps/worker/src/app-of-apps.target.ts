import {
  groupOf,
  type KubeObject,
  APPLICATION_GROUP,
  isApplicationKey,
  isApplicationObject,
} from '@berth/domain';
import type { ApplyOutcome, ApplyResourceOptions, ApplyStrategy, KubeCluster, KubeRef } from '@berth/kube';
import { ChildApplications } from './child-applications';
import type { WorkerDeps } from './worker-deps';

/** The cluster operations the refresh and sync processors use. */
export type ClusterTarget = Pick<
  KubeCluster,
  | 'get'
  | 'liveObjects'
  | 'apply'
  | 'applyResource'
  | 'create'
  | 'replace'
  | 'delete'
  | 'isNamespaced'
  | 'ensureNamespace'
>;

function isApplicationRef(ref: KubeRef): boolean {
  if (ref.kind !== 'Application') return false;
  return (ref.apiVersion ? groupOf(ref.apiVersion) : ref.group) === APPLICATION_GROUP;
}

/**
 * An app's destination cluster, except that `argoproj.io` Application objects go to Berth's
 * own log as child applications (App of Apps) instead of to the cluster. The processors diff,
 * wait for health and prune through this as through a cluster, so a child app is one more
 * resource of its parent: applied = declared, pruned = deleted, health = the child's health.
 */
export class AppOfAppsTarget implements ClusterTarget {
  constructor(
    private readonly cluster: KubeCluster,
    readonly children: ChildApplications,
  ) {}

  static for(deps: WorkerDeps, cluster: KubeCluster, parent: string): AppOfAppsTarget {
    return new AppOfAppsTarget(cluster, new ChildApplications(deps, parent));
  }

  get(ref: KubeRef): Promise<KubeObject | undefined> {
    return isApplicationRef(ref) ? this.children.get(ref.name) : this.cluster.get(ref);
  }

  async liveObjects(
    desired: readonly KubeObject[],
    inventory: readonly string[] = [],
  ): Promise<KubeObject[]> {
    const apps = desired.filter(isApplicationObject);
    const others = desired.filter((o) => !isApplicationObject(o));
    const clusterInventory = inventory.filter((k) => !isApplicationKey(k));
    const withChildren = apps.length > 0 || clusterInventory.length < inventory.length;
    const [live, children] = await Promise.all([
      this.cluster.liveObjects(others, clusterInventory),
      withChildren ? this.children.list() : Promise.resolve([]),
    ]);
    return [...live, ...children];
  }

  apply(obj: KubeObject, options: Parameters<KubeCluster['apply']>[1] = {}): Promise<KubeObject> {
    return isApplicationObject(obj)
      ? this.children.declare(obj, options.dryRun === true)
      : this.cluster.apply(obj, options);
  }

  /** A child Application is declared whatever the strategy: Berth's log is no API server. */
  async applyResource(
    obj: KubeObject,
    strategy: ApplyStrategy,
    options: ApplyResourceOptions = {},
  ): Promise<ApplyOutcome> {
    if (!isApplicationObject(obj)) return this.cluster.applyResource(obj, strategy, options);
    const object = await this.children.declare(obj, options.dryRun === true);
    const live = options.live;
    const result = !live
      ? 'created'
      : object.metadata['resourceVersion'] === live.metadata['resourceVersion']
        ? 'unchanged'
        : 'configured';
    return { object, result };
  }

  create(obj: KubeObject, options: Parameters<KubeCluster['create']>[1] = {}): Promise<KubeObject> {
    return isApplicationObject(obj)
      ? this.children.declare(obj, options.dryRun === true)
      : this.cluster.create(obj, options);
  }

  replace(obj: KubeObject, options: Parameters<KubeCluster['replace']>[1] = {}): Promise<KubeObject> {
    return isApplicationObject(obj)
      ? this.children.declare(obj, options.dryRun === true)
      : this.cluster.replace(obj, options);
  }

  delete(ref: KubeRef, options: Parameters<KubeCluster['delete']>[1] = {}): Promise<boolean> {
    return isApplicationRef(ref)
      ? this.children.delete(ref.name, options.dryRun === true)
      : this.cluster.delete(ref, options);
  }

  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    if (isApplicationObject({ apiVersion, kind })) return true;
    return this.cluster.isNamespaced(apiVersion, kind);
  }

  ensureNamespace(
    name: string,
    options: Parameters<KubeCluster['ensureNamespace']>[1] = {},
  ): Promise<boolean> {
    return this.cluster.ensureNamespace(name, options);
  }
}
