import { sourcesOf } from '../application/application.defaults';
import type { Application, ApplicationDestination } from '../application/application.types';
import type { AppProject } from './app-project.types';
import { DEFAULT_PROJECT_NAME } from './default-project';
import {
  type ClusterRef,
  type DestinationProblem,
  destinationProblems,
  isSourcePermitted,
} from './project-permits';

/**
 * The InvalidSpecError Argo CD's controller raises before it compares or syncs an app its project no longer
 * admits (refreshAppConditions -> ValidatePermissions): the project is gone, a source repository is not in
 * its `sourceRepos`, or the destination is not one of its destinations (the project or the cluster registry
 * changed after the app was admitted). Undefined when the project admits the app. Every problem is named,
 * sources first, in Argo CD's words where Argo CD has them; Argo CD raises one condition per problem,
 * Berth keeps one condition per type and joins them with "; ".
 */
export function projectConditionOf(
  project: AppProject | undefined,
  application: Pick<Application, 'spec'>,
  clusters: readonly ClusterRef[],
): string | undefined {
  const projectName = application.spec.project || DEFAULT_PROJECT_NAME;
  if (!project) return `Application referencing project ${projectName} which does not exist`;
  const messages = [
    ...sourcesOf(application)
      .filter((source) => !isSourcePermitted(project, source.repoURL))
      .map((source) => `application repo ${source.repoURL} is not permitted in project '${projectName}'`),
    ...destinationProblems(project, application, clusters).map((p) =>
      messageOf(p, application.spec.destination, projectName),
    ),
  ];
  return messages.length === 0 ? undefined : messages.join('; ');
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
