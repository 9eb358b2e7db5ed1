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
import { Injectable } from '@nestjs/common';
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
 * Argo CD's ResourceTree (`GET /api/v1/applications/{name}/resource-tree`): the app's managed resources
 * (its status.resources and inventory) read from its destination cluster, and what they own down the
 * ownerReferences (Deployment -> ReplicaSet -> Pod), listed per namespace of the managed resources.
 * The scheduler holds no cluster cache (the workers do, docs/adr/0005): it reads, one GET per managed
 * resource and one list per owned kind and namespace.
 */
@Injectable()
export class ResourceTreeService {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly clusters: DestinationClusters,
  ) {}

  async tree(name: string): Promise<ApplicationTree> {
    const record = await this.ctx.applications.find(name);
    if (!record)
      throw new DomainError(
        'NotFound',
        `application "${name}" not found; list them with GET /api/v1/applications`,
      );
    const { state } = await this.ctx.commands.load(applicationAggregate, applicationStreamId(name));
    const keys = new Set(state.inventory);
    for (const r of state.status.resources) keys.add(`${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`);
    const destination = (record.manifest.spec as { destination?: { server?: string; name?: string } })
      .destination;
    return this.clusters.read(destination ?? {}, `read the resource tree of application ${name}`, (cluster) =>
      this.read(cluster, [...keys].sort()),
    );
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
