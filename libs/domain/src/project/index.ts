export {
  appProjectAggregate,
  decideAppProject,
  evolveAppProject,
  initialAppProjectState,
} from './app-project.aggregate';
export type { AppProjectCommand, AppProjectState } from './app-project.aggregate';
export { APP_PROJECT_KIND } from './app-project.types';
export type {
  AppProject,
  AppProjectSpec,
  GroupKind,
  OrphanedResourcesMonitorSettings,
  ProjectDestination,
  ProjectRole,
  SyncWindow,
} from './app-project.types';
export { assertValidAppProject, validateAppProject } from './app-project.validator';
export type { AppProjectValidationResult } from './app-project.validator';
export { globMatch, globToRegExp } from './argo-glob';
export { DEFAULT_PROJECT_NAME, defaultAppProject } from './default-project';
export { normalizeGitUrl } from './git-url';
export {
  isDestinationPermitted,
  isSourcePermitted,
  projectPermits,
  whyGroupKindDenied,
} from './project-permits';
export type { ClusterRef, ProjectPermitsContext, ResourceRef } from './project-permits';
