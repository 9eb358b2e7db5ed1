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
export * from './application.status';
export * from './application.state';
export {
  evolveApplication,
  foldApplication,
  keyOf,
  CREATE_NAMESPACE_REASON,
  type RecordedApplicationEvent,
} from './application.evolve';
export {
  decideApplication,
  decideRefreshOutcome,
  decideOperationStep,
  decideCascadeDeletion,
  pendingCascadeOf,
  reconcileSnapshotOf,
  changedTopLevelPaths,
  canonicalJson,
  OperationTerminatedError,
  type ApplicationCommand,
  type RefreshFindings,
  type RefreshDecision,
  type CompareAgain,
  type OperationStep,
} from './application.decide';
export { applicationAggregate } from './application.aggregate';
export {
  toArgoApplication,
  argoApplicationOf,
  DEFAULT_APP_NAMESPACE,
  type ArgoApplication,
  type ArgoApplicationParts,
} from './argo-application';
