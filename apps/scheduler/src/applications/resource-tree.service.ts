import {
  applicationAggregate,
  applicationStreamId,
  type ApplicationTree,
  DomainError,
  healthOf,
  type KubeObject,
  resourceTreeOf,
} from '@berth/domain';
import type { KubeCluster } from '@berth/kube';
import { ResourceTreeCache } from '@berth/queues';
import { Injectable, Logger } from '@nestjs/common';
import { DestinationClusters } from '../clusters/destination-clusters';
import { SchedulerContext } from '../scheduler.context';

/** The kinds a managed workload owns that the tree shows below it (Argo CD's default tree, EndpointSlices excluded). */
const OWNED_KINDS: ReadonlyArray<{ apiVersion: string; kind: string }> = [
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'apps/v1', kind: 'ControllerRevision' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'v1', kind: 'Pod' },
];

/**
 * Argo CD's ResourceTree (`GET /api/v1/applications/{name}/resource-tree`), as its API server answers it
 * (server/application/application.go `getAppResources`): the tree the worker that last refreshed the app
 * built from its watch-fed cluster cache and stored in Redis (ResourceTreeCache, Argo CD's
 * `GetAppResourcesTree`). When Redis has none (flushed, BERTH_LIVE_STATE_CACHE=false, the app not refreshed
 * by a caching worker yet, or the worker's cache not listed yet), the scheduler reads the cluster itself:
 * the app's managed resources (status.resources and inventory), one GET each, and what they own down the
 * ownerReferences (Deployment -> ReplicaSet -> Pod), one list per owned kind and namespace. That read has
 * no orphanedNodes (it would list every kind of the namespace): losing Redis costs speed and orphans only.
 */
@Injectable()
export class ResourceTreeService {
  private readonly logger = new Logger('resource-tree');
  private readonly cached: ResourceTreeCache;

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly clusters: DestinationClusters,
  ) {
    this.cached = new ResourceTreeCache(ctx.redis, ctx.config.queuePrefix);
  }

  async tree(name: string): Promise<ApplicationTree> {
    const record = await this.ctx.applications.find(name);
    if (!record)
      throw new DomainError(
        'NotFound',
        `application "${name}" not found; list them with GET /api/v1/applications`,
      );
    const published = await this.cached.get(name).catch((err: unknown) => {
      this.logger.warn(
        `resource tree of ${name} not read from Redis (reading the cluster): ${(err as Error).message}`,
      );
      return undefined;
    });
    if (published) return published;
    const { state } = await this.ctx.commands.load(applicationAggregate, applicationStreamId(name));
    const keys = new Set(state.inventory);
    for (const r of state.status.resources) keys.add(`${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`);
    const destination = (record.manifest.spec as { destination?: { server?: string; name?: string } })
      .destination;
    return this.clusters.read(destination ?? {}, `read the resource tree of application ${name}`, (cluster) =>
      this.read(cluster, [...keys].sort()),
    );
  }

  /** The app was deleted: its published tree goes (a new app of that name must not be shown it). */
  async forget(name: string): Promise<void> {
    await this.cached.delete(name).catch((err: unknown) => {
      this.logger.warn(`resource tree of deleted ${name} not removed from Redis: ${(err as Error).message}`);
    });
  }

  private async read(cluster: KubeCluster, keys: string[]): Promise<ApplicationTree> {
    // Child applications live in Berth's log, not in the cluster: they are not nodes of the cluster tree.
    const managed = await cluster.liveObjects(
      [],
      keys.filter((k) => !k.startsWith('argoproj.io/Application/')),
    );
    const namespaces = [...new Set(managed.map((o) => o.metadata.namespace).filter((n): n is string => !!n))];
    const candidates: KubeObject[] = [];
    for (const namespace of namespaces)
      for (const type of OWNED_KINDS) candidates.push(...(await cluster.list({ ...type, namespace })));
    return resourceTreeOf(managed, candidates, (obj) => healthOf(obj));
  }
}
