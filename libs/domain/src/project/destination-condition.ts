import type { Application, ApplicationDestination } from '../application/application.types';
import type { AppProject } from './app-project.types';
import { DEFAULT_PROJECT_NAME } from './default-project';
import { type ClusterRef, type DestinationProblem, destinationProblems } from './project-permits';

/**
 * The InvalidSpecError condition Argo CD's controller raises before it compares or syncs an app whose
 * project no longer lets it reach its destination (the project or the cluster registry changed after the
 * app was admitted): undefined when it may. In Argo CD's words where Argo CD has them.
 */
export function destinationConditionOf(
  project: AppProject | undefined,
  application: Pick<Application, 'spec'>,
  clusters: readonly ClusterRef[],
): string | undefined {
  const projectName = application.spec.project || DEFAULT_PROJECT_NAME;
  if (!project) return `Application referencing project ${projectName} which does not exist`;
  const problems = destinationProblems(project, application, clusters);
  if (problems.length === 0) return undefined;
  return problems.map((p) => messageOf(p, application.spec.destination, projectName)).join('; ');
}

function messageOf(
  problem: DestinationProblem,
  declared: ApplicationDestination,
  projectName: string,
): string {
  // Argo CD names the cluster as the app does: by name when it gives one.
  const cluster = declared.name ? (problem.destination.name ?? '') : (problem.destination.server ?? '');
  const namespace = problem.destination.namespace ?? '';
  const unmatched = `application destination server '${cluster}' and namespace '${namespace}' do not match any of the allowed destinations in project '${projectName}'`;
  switch (problem.kind) {
    case 'not-permitted':
      return unmatched;
    case 'not-a-project-cluster':
      return `${unmatched} (permitOnlyProjectScopedClusters: the cluster is not registered with project '${projectName}')`;
    case 'cluster-of-another-project':
      return `application destination cluster '${problem.cluster.name}' is registered with project '${problem.cluster.project ?? ''}': only Applications of project '${problem.cluster.project ?? ''}' may deploy to it`;
  }
}
