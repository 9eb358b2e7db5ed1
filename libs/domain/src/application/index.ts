export { applicationAggregate } from './application.aggregate';
export {
  OperationTerminatedError,
  canonicalJson,
  changedTopLevelPaths,
  decideApplication,
  decideCascadeDeletion,
  decideOperationStep,
  decideRefreshOutcome,
  pendingCascadeOf,
  reconcileSnapshotOf,
} from './application.decide';
export type {
  ApplicationCommand,
  CompareAgain,
  OperationStep,
  RefreshDecision,
  RefreshFindings,
} from './application.decide';
export {
  ARGO_CD_APPLICATION_DEFAULTS,
  DEFAULT_REVISION_HISTORY_LIMIT,
  applyApplicationDefaults,
  revisionHistoryLimitOf,
  sourcesOf,
} from './application.defaults';
export type { ApplicationDefaults } from './application.defaults';
export { CREATE_NAMESPACE_REASON, evolveApplication, foldApplication, keyOf } from './application.evolve';
export type { RecordedApplicationEvent } from './application.evolve';
export { historyLimitOf, initialApplicationState, initialStatus } from './application.state';
export type {
  ApplicationDeletion,
  ApplicationState,
  Deployment,
  FinishedOperation,
  OpenOperation,
  OperationOutcome,
} from './application.state';
export type {
  AppHealth,
  ApplicationCondition,
  ApplicationStatus,
  ApplicationSummary,
  Operation,
  OperationState,
  ResourceStatus,
  RevisionHistory,
  SyncOperation,
  SyncOperationResource,
  SyncStatus,
} from './application.status';
export { APPLICATION_API_VERSION, APPLICATION_KIND } from './application.types';
export type {
  Application,
  ApplicationDestination,
  ApplicationSource,
  ApplicationSourceDirectory,
  ApplicationSourceHelm,
  ApplicationSourceJsonnet,
  ApplicationSourceKustomize,
  ApplicationSourcePlugin,
  ApplicationSpec,
  AutoRollbackPolicySpec,
  Backoff,
  EnvEntry,
  HelmFileParameter,
  HelmParameter,
  InfoItem,
  JsonnetVar,
  KustomizeReplica,
  ManagedNamespaceMetadata,
  ObjectMeta,
  PluginParameter,
  ResourceIgnoreDifferences,
  RetryStrategy,
  SeedApplicationExtensions,
  SyncPolicy,
  SyncPolicyAutomated,
} from './application.types';
export { assertValidApplication, validateApplication } from './application.validator';
export type { ApplicationValidationResult, ValidateApplicationOptions } from './application.validator';
export { DEFAULT_APP_NAMESPACE, argoApplicationOf, toArgoApplication } from './argo-application';
export type { ArgoApplication, ArgoApplicationParts } from './argo-application';
export { isDns1123Label, isDns1123Subdomain } from './dns-name';
export { parseKustomizeImage } from './kustomize-image';
export type { KustomizeImageOverride } from './kustomize-image';
export {
  MANIFEST_GENERATE_PATHS_ANNOTATION,
  appFilesHaveChanged,
  appRefreshPaths,
} from './manifest-generate-paths';
export { isGitRepoUrl, isHelmRepoUrl } from './repo-url';
export { SYNC_OPTION_VALUES } from './sync-options';
export { backoffDurationMs } from './sync-policy.checks';
export {
  HELM_RELEASE_NAME_MAX_LENGTH,
  escapeHelmSetValue,
  isApiVersion,
  isHelmChartName,
  isHelmFilePath,
  isHelmReleaseName,
  isHelmValueKey,
  isKubeVersion,
  isLabelValue,
  isNameAffix,
  isOptionLikeUrl,
  isQualifiedName,
  isTargetRevision,
  isToolVersion,
} from './tool-argument-grammar';
export { ValidationFailedError } from './validation-failed.error';
export { formatIssue } from './validation-issue';
export type { Issue } from './validation-issue';
