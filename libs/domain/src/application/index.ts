export * from './application.types';
export {
  validateApplication,
  assertValidApplication,
  type ValidateApplicationOptions,
  type ApplicationValidationResult,
} from './application.validator';
export * from './application.defaults';
export { formatIssue, type Issue } from './validation-issue';
export { ValidationFailedError } from './validation-failed.error';
export { SYNC_OPTION_VALUES } from './sync-options';
export { parseKustomizeImage, type KustomizeImageOverride } from './kustomize-image';
export { backoffDurationMs } from './sync-policy.checks';
export { isDns1123Label, isDns1123Subdomain } from './dns-name';
export { isGitRepoUrl, isHelmRepoUrl } from './repo-url';
export {
  appFilesHaveChanged,
  appRefreshPaths,
  MANIFEST_GENERATE_PATHS_ANNOTATION,
} from './manifest-generate-paths';
export * from './tool-argument-grammar';
