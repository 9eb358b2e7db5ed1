import {
  type Application,
  DEFAULT_PROJECT_NAME,
  defaultAppProject,
  destinationConditionOf,
} from '@berth/domain';
import { ClustersRepository, ProjectsRepository } from '@berth/event-store';
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER } from '@berth/kube';
import type { WorkerDeps } from './worker-deps';

/** The app's project no longer lets it reach its destination: Argo CD's InvalidSpecError. */
export class DestinationNotPermittedError extends Error {
  override readonly name = 'DestinationNotPermittedError';
  readonly conditionType = 'InvalidSpecError';
}

/**
 * Checked before every comparison and sync, since a project (destinations, permitOnlyProjectScopedClusters)
 * or a cluster's project may change after the scheduler admitted the app: the project must still permit
 * the destination, and a cluster registered with a project serves that project's Applications only
 * (libs/domain destinationConditionOf). Reads the projects and clusters read models.
 */
export async function assertDestinationPermitted(
  deps: Pick<WorkerDeps, 'dataSource'>,
  app: Pick<Application, 'spec'>,
): Promise<void> {
  const name = app.spec.project || DEFAULT_PROJECT_NAME;
  const [stored, registered] = await Promise.all([
    new ProjectsRepository(deps.dataSource).find(name),
    new ClustersRepository(deps.dataSource).destinations(),
  ]);
  const project = stored ?? (name === DEFAULT_PROJECT_NAME ? defaultAppProject() : undefined);
  const clusters = [{ name: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER }, ...registered];
  const message = destinationConditionOf(project, app, clusters);
  if (message) throw new DestinationNotPermittedError(message);
}
