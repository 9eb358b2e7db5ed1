import {
  type AppProject,
  type Application,
  type ClusterRef,
  DEFAULT_PROJECT_NAME,
  defaultAppProject,
  groupOf,
  isLiveResourcePermitted,
  type KubeObject,
  projectConditionOf,
  type ResourcePermissionProblem,
  resourcePermissionProblems,
} from '@berth/domain';
import { ClustersRepository, ProjectsRepository } from '@berth/event-store';
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER, KubeApiError } from '@berth/kube';
import type { ClusterTarget } from './app-of-apps.target';
import type { WorkerDeps } from './worker-deps';

/** The app's project no longer admits it (gone, source repository or destination refused): Argo CD's InvalidSpecError. */
export class ProjectRulesError extends Error {
  override readonly name = 'ProjectRulesError';
  readonly conditionType = 'InvalidSpecError';
}

/** The project that admitted the app, and the clusters its rules were judged with. */
export interface AdmittingProject {
  project: AppProject;
  clusters: readonly ClusterRef[];
}

/**
 * Checked before every comparison and sync, since a project (sourceRepos, destinations,
 * permitOnlyProjectScopedClusters) or a cluster's project may change after the scheduler admitted the app,
 * and the project may be deleted: Argo CD's controller validates the app against its project on every
 * refresh and refuses the operation while it does not pass (libs/domain projectConditionOf). Reads the
 * projects and clusters read models; the project it returns judges the app's resources next.
 */
export async function assertProjectAdmits(
  deps: Pick<WorkerDeps, 'dataSource'>,
  app: Pick<Application, 'spec'>,
): Promise<AdmittingProject> {
  const name = app.spec.project || DEFAULT_PROJECT_NAME;
  const [stored, registered] = await Promise.all([
    new ProjectsRepository(deps.dataSource).find(name),
    new ClustersRepository(deps.dataSource).destinations(),
  ]);
  const project = stored ?? (name === DEFAULT_PROJECT_NAME ? defaultAppProject() : undefined);
  const clusters = [{ name: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER }, ...registered];
  const message = projectConditionOf(project, app, clusters);
  if (message || !project) throw new ProjectRulesError(message ?? `project ${name} not found`);
  return { project, clusters };
}

/**
 * Whether a cascade deletion may delete `live`, as Argo CD's finalizeApplicationDeletion judges it: never a
 * CustomResourceDefinition (deleting one deletes every custom resource of its kind, any app's), only what
 * the app's project permits now (getPermittedAppLiveObjects), and nothing while the project is missing.
 * Unlike a refresh, a source repository the project no longer lists does not stop a deletion.
 */
export async function cascadeDeletionGate(
  deps: Pick<WorkerDeps, 'dataSource'>,
  app: Pick<Application, 'spec'>,
): Promise<(live: KubeObject) => string | undefined> {
  const name = app.spec.project || DEFAULT_PROJECT_NAME;
  const [stored, registered] = await Promise.all([
    new ProjectsRepository(deps.dataSource).find(name),
    new ClustersRepository(deps.dataSource).destinations(),
  ]);
  const project = stored ?? (name === DEFAULT_PROJECT_NAME ? defaultAppProject() : undefined);
  const context = {
    destination: app.spec.destination,
    clusters: [{ name: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER }, ...registered],
  };
  return (live) => {
    if (live.kind === 'CustomResourceDefinition' && groupOf(live.apiVersion) === 'apiextensions.k8s.io')
      return 'not deleted: a CustomResourceDefinition is never deleted with an application (as Argo CD); delete it by hand once no app uses its kind';
    if (!project)
      return `not deleted: project ${name} not found; the cascade deletes only what the app's project permits`;
    if (!isLiveResourcePermitted(project, live, context))
      return `not deleted: project ${name} does not permit ${live.kind} ${live.metadata?.namespace ? `in namespace ${live.metadata.namespace}` : '(cluster-scoped)'} any more (as Argo CD)`;
    return undefined;
  };
}

/**
 * The objects the project does not permit (kinds, names, namespaces), judged with the cluster's discovery
 * for whether each kind is namespaced; a kind the cluster does not serve yet is left to the CRD that
 * defines it among `objects`, else counted namespaced (libs/domain resourcePermissionProblems).
 */
export async function resourcePermissionProblemsOf(
  cluster: Pick<ClusterTarget, 'isNamespaced'>,
  admitting: AdmittingProject,
  app: Pick<Application, 'spec'>,
  objects: readonly KubeObject[],
): Promise<ResourcePermissionProblem[]> {
  const scopes = new Map<string, boolean | undefined>();
  for (const obj of objects) {
    const key = `${groupOf(obj.apiVersion)}/${obj.kind}`;
    if (scopes.has(key)) continue;
    scopes.set(
      key,
      await cluster.isNamespaced(obj.apiVersion, obj.kind).catch((err: unknown) => {
        if (err instanceof KubeApiError && err.code === 'UnknownResourceType') return undefined;
        throw err;
      }),
    );
  }
  return resourcePermissionProblems(admitting.project, objects, {
    destination: app.spec.destination,
    clusters: admitting.clusters,
    isNamespaced: (group, kind) => scopes.get(`${group}/${kind}`),
  });
}

/** Live objects the project permits: the others are no part of the app (Argo CD's IsLiveResourcePermitted). */
export function permittedLive(
  admitting: AdmittingProject,
  app: Pick<Application, 'spec'>,
  live: readonly KubeObject[],
): KubeObject[] {
  const context = { destination: app.spec.destination, clusters: admitting.clusters };
  return live.filter((o) => isLiveResourcePermitted(admitting.project, o, context));
}
