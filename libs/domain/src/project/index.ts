export * from './app-project.types';
export {
  validateAppProject,
  assertValidAppProject,
  type AppProjectValidationResult,
} from './app-project.validator';
export {
  projectPermits,
  isSourcePermitted,
  isDestinationPermitted,
  whyGroupKindDenied,
  type ResourceRef,
  type ClusterRef,
  type ProjectPermitsContext,
} from './project-permits';
export { defaultAppProject, DEFAULT_PROJECT_NAME } from './default-project';
export { globMatch, globToRegExp } from './argo-glob';
export { normalizeGitUrl } from './git-url';
export {
  appProjectAggregate,
  decideAppProject,
  evolveAppProject,
  initialAppProjectState,
  type AppProjectCommand,
  type AppProjectState,
} from './app-project.aggregate';
