import {
  type Application,
  applicationAggregate,
  applicationStreamId,
  isApplicationKey,
  isApplicationObject,
  isKubeObject,
  isTrackedBy,
  managedResourceDiffs,
  resolveAppJqPaths,
  resourceKeyString,
  type ResourceDiff,
} from '@berth/domain';
import { JqWasmPathEvaluator } from '@berth/infra';
import { BERTH_FIELD_MANAGER, prepareObjects } from '@berth/kube';
import { Injectable } from '@nestjs/common';
import { DestinationClusters } from '../clusters/destination-clusters';
import { SchedulerContext } from '../scheduler.context';
import { ManifestsService } from './manifests.service';
import { namedApplication } from './named-application';

/** Argo CD's `ResourcesQuery`, checked by MANAGED_RESOURCES_QUERY. */
export interface ManagedResourcesQuery {
  namespace?: string;
  name?: string;
  /** Accepted and checked; Argo CD's isMatchingResource does not filter on it either. */
  version?: string;
  group?: string;
  kind?: string;
  appNamespace?: string;
  project?: string;
  /**
   * Berth's: compare with what this revision renders instead of the target revision (Argo CD's CLI renders
   * the other revision itself and diffs on the client; here the server's comparison is the one to trust).
   */
  revision?: string;
}

/** Argo CD's `ManagedResourcesResponse`. */
export interface ManagedResourcesResponse {
  items: ResourceDiff[];
}

const jq = new JqWasmPathEvaluator();

/**
 * Argo CD's ManagedResources (`GET /api/v1/applications/{name}/managed-resources`): each resource of the
 * app with its target, live, normalized live and predicted live state, for a diff view and `berth app
 * diff`. Argo CD answers from its controller's cache; Berth compares on request, as a refresh does: it
 * renders the target with the workers' renderer and manifest cache, reads the live objects from the
 * destination cluster (one GET per resource: the scheduler holds no cluster cache, docs/adr/0005), and runs
 * the workers' comparison (compareApp, with the app's ignoreDifferences and the global compare options).
 */
@Injectable()
export class ManagedResourcesService {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly clusters: DestinationClusters,
    private readonly manifests: ManifestsService,
  ) {}

  async list(name: string, query: ManagedResourcesQuery): Promise<ManagedResourcesResponse> {
    const record = await namedApplication(this.ctx, name, query);
    const app = record.manifest as unknown as Application;
    const rendered = (await this.manifests.unmaskedObjects(name, query.revision)).filter(isKubeObject);
    const { state } = await this.ctx.commands.load(applicationAggregate, applicationStreamId(name));
    return this.clusters.read(
      app.spec.destination ?? {},
      `read the managed resources of application ${name}`,
      async (cluster) => {
        // Child applications of an App of Apps live in Berth's log, not in the cluster: not compared here.
        const desired = (
          await prepareObjects(cluster, name, app.spec.destination?.namespace, rendered)
        ).filter((o) => !isApplicationObject(o));
        const desiredKeys = new Set(desired.map((o) => resourceKeyString(o)));
        const live = (
          await cluster.liveObjects(
            desired,
            state.inventory.filter((k) => !isApplicationKey(k)),
          )
        ).filter((o) => desiredKeys.has(resourceKeyString(o)) || isTrackedBy(name, o));
        const ignoreDifferences = app.spec.ignoreDifferences;
        const jqPaths = ignoreDifferences
          ? await resolveAppJqPaths(desired, live, { ignoreDifferences }, jq)
          : undefined;
        const items = managedResourceDiffs(
          desired,
          live,
          {
            fieldManager: BERTH_FIELD_MANAGER,
            ...(this.ctx.config.compareOptions.ignoreAggregatedRoles ? { ignoreAggregatedRoles: true } : {}),
            ...(ignoreDifferences ? { ignoreDifferences } : {}),
            ...(jqPaths ? { jqPaths } : {}),
          },
          {
            ...(query.namespace ? { namespace: query.namespace } : {}),
            ...(query.name ? { name: query.name } : {}),
            ...(query.group ? { group: query.group } : {}),
            ...(query.kind ? { kind: query.kind } : {}),
          },
        );
        return { items };
      },
    );
  }
}
