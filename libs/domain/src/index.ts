export {
  MAX_TOKENS_PER_ACCOUNT,
  accountAggregate,
  decideAccount,
  evolveAccount,
  initialAccountState,
} from './account/account.aggregate';
export type { AccountCommand, AccountState, AccountToken, RevokedToken } from './account/account.aggregate';
export { applicationAggregate } from './application/application.aggregate';
export { approvalMessage, awaitsApproval } from './approval/operation-approval';
export {
  approvalRequestedEvents,
  decideSyncApproval,
  expiredApprovalEvents,
  pendingApprovalExpiry,
} from './approval/sync-approval.decide';
export type { SyncApprovalCommand, SyncApprovalGate } from './approval/sync-approval.decide';
export { managedNamespaceOf } from './application/managed-namespace';
export {
  DELETION_APPROVED_ANNOTATION,
  OperationTerminatedError,
  canonicalJson,
  changedTopLevelPaths,
  decideApplication,
  decideCascadeDeletion,
  decideOperationStep,
  decideRefreshOutcome,
  pendingCascadeOf,
  reconcileSnapshotOf,
} from './application/application.decide';
export type {
  ApplicationCommand,
  CompareAgain,
  OperationStep,
  RefreshDecision,
  RefreshFindings,
} from './application/application.decide';
export {
  ARGO_CD_APPLICATION_DEFAULTS,
  DEFAULT_REVISION_HISTORY_LIMIT,
  applyApplicationDefaults,
  revisionHistoryLimitOf,
  sourcesOf,
} from './application/application.defaults';
export type { ApplicationDefaults } from './application/application.defaults';
export {
  CREATE_NAMESPACE_REASON,
  evolveApplication,
  foldApplication,
  keyOf,
} from './application/application.evolve';
export type { RecordedApplicationEvent } from './application/application.evolve';
export { historyLimitOf, initialApplicationState, initialStatus } from './application/application.state';
export type {
  ApplicationDeletion,
  ApplicationState,
  Deployment,
  FinishedOperation,
  OpenOperation,
  OperationOutcome,
} from './application/application.state';
export type {
  AppHealth,
  ApplicationCondition,
  ApplicationStatus,
  ApplicationSummary,
  Operation,
  OperationApproval,
  OperationState,
  ResourceStatus,
  RevisionHistory,
  SyncOperation,
  SyncOperationResource,
  SyncStatus,
} from './application/application.status';
export { APPLICATION_API_VERSION, APPLICATION_KIND } from './application/application.types';
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
} from './application/application.types';
export { assertValidApplication, validateApplication } from './application/application.validator';
export { withApplicationTypeMeta } from './application/application-type-meta';
export { kubernetesEventOf } from './application/application-kube-events';
export type { KubernetesEvent } from './application/application-kube-events';
export type {
  ApplicationValidationResult,
  ValidateApplicationOptions,
} from './application/application.validator';
export { DEFAULT_APP_NAMESPACE, argoApplicationOf, toArgoApplication } from './application/argo-application';
export type { ArgoApplication, ArgoApplicationParts } from './application/argo-application';
export { isDns1123Label, isDns1123Subdomain } from './application/dns-name';
export { parseKustomizeImage } from './application/kustomize-image';
export type { KustomizeImageOverride } from './application/kustomize-image';
export {
  MANIFEST_GENERATE_PATHS_ANNOTATION,
  appFilesHaveChanged,
  appRefreshPaths,
} from './application/manifest-generate-paths';
export { isGitRepoUrl, isHelmRepoUrl } from './application/repo-url';
export { SYNC_OPTION_VALUES } from './application/sync-options';
export { backoffDurationMs } from './application/sync-policy.checks';
export {
  HELM_RELEASE_NAME_MAX_LENGTH,
  escapeHelmSetValue,
  isApiVersion,
  isHelmChartName,
  isHelmFilePath,
  isHelmReleaseName,
  isHelmValueKey,
  isJsonnetIdentifier,
  isKubeVersion,
  isLabelValue,
  isNameAffix,
  isOptionLikeUrl,
  isQualifiedName,
  isTargetRevision,
  isToolVersion,
} from './application/tool-argument-grammar';
export { ValidationFailedError } from './application/validation-failed.error';
export { formatIssue } from './application/validation-issue';
export type { Issue } from './application/validation-issue';
export { compareApp, resolveAppJqPaths, serverSideDiffTargets } from './diff/compare-app';
export { COMPARE_OPTIONS_ANNOTATION, diffStrategyOf } from './diff/compare-options';
export type { DiffStrategy } from './diff/compare-options';
export { diffServerSide } from './diff/server-side-diff';
export type { ServerSideDiffOptions } from './diff/server-side-diff';
export { withoutWebhookMutations } from './diff/webhook-mutations';
export type {
  AppComparison,
  AppJqPaths,
  CompareAppOptions,
  ComparisonCondition,
  ResourceComparison,
} from './diff/compare-app';
export { diffResource } from './diff/diff-resource';
export type { DiffOptions, DiffResult, SyncStatusCode } from './diff/diff-resource';
export type { DiffChange } from './diff/diff-change';
export { DiffError } from './diff/diff.error';
export type { DiffErrorCode } from './diff/diff.error';
export { parseJsonPointer, toJsonPointer } from './diff/field-path';
export type { FieldPath, PathSegment } from './diff/field-path';
export {
  hasJqRules,
  ignoreRuleMatches,
  ignoredPathsFor,
  matchingRules,
  resolveJqPaths,
} from './diff/ignore-differences';
export type {
  IgnoreDifference,
  InvalidJqExpression,
  JqPathEvaluator,
  JqPathsAnswer,
  JsonPath,
  ResolvedJqPaths,
} from './diff/ignore-differences';
export { managedFieldPaths } from './diff/managed-fields';
export { isClusterScoped, withoutClusterScopedNamespace } from './diff/cluster-scope';
export type { IsNamespaced } from './diff/cluster-scope';
export { DEFAULT_KNOWN_TYPE_FIELDS } from './diff/field-typing';
export type { KnownTypeField } from './diff/field-typing';
export { groupOf, isKubeObject, parseResourceKey, resourceKey, resourceKeyString } from './diff/kube-object';
export type { KubeObject, ResourceKey } from './diff/kube-object';
export { maskSecrets } from './diff/mask-secrets';
export { managedResourceDiffs } from './diff/managed-resources';
export type { ManagedResourcesFilter, ResourceDiff } from './diff/managed-resources';
export { localManifestDiffs, namespacedKindsOf } from './diff/local-diff';
export type { LocalDiff, LocalDiffOptions, ManagedLiveState } from './diff/local-diff';
export { predictedLiveOf } from './diff/predicted-live';
export { LAST_APPLIED_ANNOTATION, base64Utf8, normalizeObject } from './diff/normalize';
export type { NormalizeOptions } from './diff/normalize';
export { quantitiesEqual, quantityNanos } from './diff/quantity';
export { applyIgnoredFromLive } from './diff/respect-ignore-differences';
export { DomainError } from './errors/domain-error';
export type { DomainErrorCode } from './errors/domain-error';
export type { Aggregate } from './events/aggregate';
export { accountStreamId } from './events/account.events';
export type {
  AccountEvent,
  AccountPasswordChanged,
  AccountTokenCreated,
  AccountTokenDeleted,
  SessionTokenRevoked,
} from './events/account.events';
export {
  APPLICATION_EVENT_SCHEMA_VERSION,
  applicationEvent,
  applicationStreamId,
} from './events/application.events';
export type {
  ApplicationCreated,
  ApplicationDeleted,
  ApplicationEvent,
  ApplicationEventType,
  ApplicationManifest,
  ApplicationSpecChanged,
  LiveResourceDeleted,
  LiveResourcePatched,
  LiveResourceRef,
  RefreshRequested,
  ResourceActionRun,
  SyncRequested,
  SyncRefused,
  TerminateRequested,
} from './events/application.events';
export type {
  ApprovalEvent,
  SyncApprovalExpired,
  SyncApprovalRequested,
  SyncApproved,
  SyncRejected,
} from './events/approval.events';
export { EVENT_CATALOG, schemaVersionOf, summarizeEvent, upcastEvent } from './events/event-catalog';
export type { BerthEvent, BerthEventType, EventDefinition } from './events/event-catalog';
export type { DomainEvent, EventMetadata, RecordedEvent } from './events/event-envelope';
export { projectStreamId } from './events/project.events';
export type {
  ProjectCreated,
  ProjectDeleted,
  ProjectEvent,
  ProjectRoleTokenIssued,
  ProjectRoleTokenRevoked,
  ProjectSpecChanged,
} from './events/project.events';
export type {
  AppSyncStatusCode,
  ApplicationResourcesDeleted,
  AutoRollbackTriggered,
  CommitInfo,
  ConditionCleared,
  ConditionRaised,
  HealthStatusChanged,
  HealthDetailsChanged,
  OperationPhase,
  PruneConfirmed,
  ManagedResourceStatus,
  ReconcileEvent,
  ResourceIdentity,
  ResourceSynced,
  RevisionResolved,
  SyncOperationFailed,
  SyncOperationStarted,
  SyncOperationSucceeded,
  SyncOperationTerminated,
  SyncOperationWaiting,
  SyncStatusChanged,
} from './events/reconcile.events';
export { clusterStreamId, repositoryStreamId } from './events/registry.events';
export type {
  ClusterAdded,
  ClusterRemoved,
  RegistryEvent,
  RepositoryAdded,
  RepositoryRemoved,
} from './events/registry.events';
export { apiServiceHealth } from './health/apiservice.health';
export { applicationHealth } from './health/application.health';
export { cronJobHealth } from './health/cronjob.health';
export { daemonSetHealth } from './health/daemonset.health';
export { deploymentHealth } from './health/deployment.health';
export { HealthCheckRegistry, builtinHealthChecks } from './health/health-check.registry';
export type { HealthCheck } from './health/health-check.registry';
export { healthOf } from './health/health-of';
export { HEALTH_ORDER, aggregateHealth, isWorse } from './health/health-status';
export type { HealthStatus, HealthStatusCode } from './health/health-status';
export { hpaHealth } from './health/hpa.health';
export { ingressHealth } from './health/ingress.health';
export { jobHealth } from './health/job.health';
export { IGNORE_RESTART_POLICY_ANNOTATION, podHealth } from './health/pod.health';
export { pvcHealth } from './health/pvc.health';
export { replicaSetHealth } from './health/replicaset.health';
export { hasLoadBalancerIngress, serviceHealth } from './health/service.health';
export { statefulSetHealth } from './health/statefulset.health';
export { statusConditionsHealth } from './health/status-conditions.health';
export { workflowHealth } from './health/workflow.health';
export {
  appProjectAggregate,
  decideAppProject,
  evolveAppProject,
  initialAppProjectState,
} from './project/app-project.aggregate';
export type { AppProjectCommand, AppProjectState } from './project/app-project.aggregate';
export { APP_PROJECT_KIND } from './project/app-project.types';
export type {
  AppProject,
  AppProjectSpec,
  ClusterResourceRestrictionItem,
  GroupKind,
  OrphanedResourcesMonitorSettings,
  ProjectDestination,
  ProjectRole,
  ProjectRoleToken,
  SyncApproval,
  SyncWindow,
} from './project/app-project.types';
export { selectsApp } from './project/app-selector';
export type { AppSelector, SelectedApp } from './project/app-selector';
export {
  MAX_APPROVAL_EXPIRY_MS,
  MAX_REQUIRED_APPROVALS,
  approvalExpiryMs,
} from './project/sync-approval.validator';
export { DEFAULT_APPROVAL_EXPIRY, syncApprovalRequirementFor } from './project/sync-approvals';
export type { SyncApprovalRequirement } from './project/sync-approvals';
export { assertValidAppProject, validateAppProject } from './project/app-project.validator';
export type { AppProjectValidationResult } from './project/app-project.validator';
export { globMatch, globToRegExp } from './project/argo-glob';
export {
  PROJECT_ROLE_ACTION_PREFIXES,
  PROJECT_ROLE_ACTIONS,
  PROJECT_SCOPED_RESOURCES,
  PROJECT_SUBJECT_PREFIX,
  checkGroupName,
  checkProjectRolePolicy,
  groupSubject,
  parseProjectRoleSubject,
  projectRoleSubject,
} from './project/project-role-policy';
export type { RolePolicyProblem } from './project/project-role-policy';
export { DEFAULT_PROJECT_NAME, defaultAppProject } from './project/default-project';
export { normalizeGitUrl } from './project/git-url';
export {
  destinationProblems,
  isDestinationPermitted,
  isSourcePermitted,
  projectPermits,
  whyGroupKindDenied,
} from './project/project-permits';
export { parseWindowSchedule, timeZoneProblem, windowOccurrence } from './project/sync-window-schedule';
export type { ScheduleParse, WindowOccurrence } from './project/sync-window-schedule';
export {
  activeSyncWindows,
  describeSyncWindow,
  matchingSyncWindows,
  syncWindowsVerdict,
  syncWindowsVerdictFor,
} from './project/sync-windows';
export type {
  EvaluatedSyncWindow,
  NumberedSyncWindow,
  SyncWindowTarget,
  SyncWindowsVerdict,
} from './project/sync-windows';
export type {
  ClusterRef,
  DestinationProblem,
  ProjectPermitsContext,
  ResourceRef,
} from './project/project-permits';
export { projectConditionOf } from './project/project-condition';
export {
  describeResourcePermissionProblems,
  isLiveResourcePermitted,
  resourcePermissionProblems,
  withResourcePermissionProblems,
} from './project/resource-permission';
export type { ResourcePermissionContext, ResourcePermissionProblem } from './project/resource-permission';
export {
  APPLICATION_GROUP,
  ChildApplicationError,
  PARENT_ANNOTATION,
  RESOURCES_FINALIZER,
  cascadeOf,
  childAsLiveObject,
  childDeletion,
  childManifest,
  decideChildApplication,
  isApplicationKey,
  isApplicationObject,
  parentOf,
} from './reconcile/app-of-apps';
export type { ChildApplicationDecision, ExistingChild } from './reconcile/app-of-apps';
export { decideAutoSync } from './reconcile/auto-sync.decision';
export type { AutoSyncDecision, AutoSyncInput } from './reconcile/auto-sync.decision';
export {
  AUTO_SYNC_BLOCKED_CONDITION,
  autoSyncBlockedEvents,
  gateAutomatedSync,
} from './reconcile/auto-sync-window.gate';
export type { AppSyncWindows, AutomatedSyncGate } from './reconcile/auto-sync-window.gate';
export {
  REFRESH_CONDITION_TYPES,
  appHealthOf,
  decideRefresh,
  managedResourcesOf,
} from './reconcile/refresh.decision';
export type { ReconcileSnapshot, RefreshOutcome } from './reconcile/refresh.decision';
export { TRACKING_ID_ANNOTATION, isTrackedBy, trackingIdFor, withTrackingId } from './reconcile/tracking-id';
export { prepareForDestination } from './reconcile/destination-objects';
export {
  clusterAggregate,
  decideCluster,
  decideRepository,
  repositoryAggregate,
} from './registry/registry.aggregates';
export type {
  ClusterCommand,
  ClusterRegistration,
  RegistrationState,
  RepositoryCommand,
  RepositoryRegistration,
} from './registry/registry.aggregates';
export { decideAutoRollback } from './rollback/auto-rollback.decision';
export type { AutoRollbackDecision, AutoRollbackInput } from './rollback/auto-rollback.decision';
export { DEFAULT_HEALTH_TIMEOUT_MS, autoRollbackPolicyOf } from './rollback/auto-rollback.policy';
export type { AutoRollbackPolicy } from './rollback/auto-rollback.policy';
export { PartialRollbackError, resourcesOfKinds } from './rollback/partial-rollback';
export type { SyncResourceSelector } from './rollback/partial-rollback';
export { parseDuration } from './shared/duration';
export { LabelSelectorError, matchesLabelSelector, parseLabelSelector } from './shared/label-selector';
export type { LabelRequirement } from './shared/label-selector';
export { retryDelay, selfHealDelay } from './sync/backoff';
export type { RetryBackoff } from './sync/backoff';
export {
  HELM_HOOK_ANNOTATION,
  HELM_HOOK_DELETE_POLICY_ANNOTATION,
  HELM_HOOK_WEIGHT_ANNOTATION,
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  HOOK_FINALIZER,
  PHASE_ORDER,
  hookDeletePolicies,
  hookTypes,
  isHook,
  isSkipped,
  syncPhasesOf,
} from './sync/hook';
export { hookNameFor } from './sync/hook-name';
export type { HookNaming } from './sync/hook-name';
export { definedKindOf } from './sync/crd-kinds';
export { pruneConfirmationMessage, waitingMessage } from './sync/waiting-message';
export type { HookDeletePolicy, HookType, SyncPhase } from './sync/hook';
export { KIND_ORDER, kindRank } from './sync/kind-order';
export { nextStep } from './sync/next-step';
export type { NextStep, SyncProgress } from './sync/next-step';
export { planSync } from './sync/plan-sync';
export type {
  PlanSyncOptions,
  SelectedResource,
  SyncAction,
  SyncPlan,
  SyncTask,
  SyncWave,
} from './sync/plan-sync';
export {
  DEFAULT_SYNC_OPTIONS,
  SYNC_OPTIONS_ANNOTATION,
  effectiveSyncOptions,
  parseSyncOptionList,
  syncOptionItems,
  withLiveSyncOptions,
} from './sync/sync-options';
export type { ResourceSyncOptions } from './sync/sync-options';
export { SyncPlanError } from './sync/sync-plan.error';
export type { SyncPlanErrorCode } from './sync/sync-plan.error';
export { SYNC_WAVE_ANNOTATION, SYNC_WAVE_DELAY_MS, syncWave } from './sync/sync-wave';
export {
  checkPluginNames,
  pluginFullName,
  validateConfigManagementPlugin,
} from './plugins/config-management-plugin';
export type {
  ConfigManagementPlugin,
  ConfigManagementPluginResult,
  PluginCommand,
  PluginParameterAnnouncement,
} from './plugins/config-management-plugin';
export { createMergePatch } from './diff/json-merge-patch';
export { actionResultPatch, objectAsScriptSees } from './resource-actions/resource-action';
export type { ResourceAction } from './resource-actions/resource-action';
export { applicationTreeOf, resourceNodeDetailsOf, resourceTreeOf, treeObjectOf } from './tree/resource-tree';
export type {
  ApplicationTree,
  ApplicationTreeInput,
  ResourceNode,
  ResourceNodeDetails,
  ResourceParentRef,
  TreeObject,
  TreeOwnerRef,
} from './tree/resource-tree';
export { orphanedResourcesCondition, orphanedResourcesOf } from './project/orphaned-resources';
export type { NamespaceResource } from './project/orphaned-resources';
export {
  applicationSetAggregate,
  decideApplicationSet,
  evolveApplicationSet,
  initialApplicationSetState,
  projectOfApplicationSet,
} from './applicationset/applicationset.aggregate';
export type { ApplicationSetCommand, ApplicationSetState } from './applicationset/applicationset.aggregate';
export { validateApplicationSet } from './applicationset/applicationset.validator';
export type { ApplicationSetValidationResult } from './applicationset/applicationset.validator';
export {
  APPLICATION_SET_API_VERSION,
  APPLICATION_SET_KIND,
  APPLICATIONS_SYNC_POLICIES,
} from './applicationset/applicationset.types';
export type {
  ApplicationSet,
  ApplicationSetGenerator,
  ApplicationSetSpec,
  ApplicationsSyncPolicy,
} from './applicationset/applicationset.types';
export {
  APPLICATION_SET_ANNOTATION,
  ApplicationSetGenerationError,
  MAX_GENERATED_APPLICATIONS,
  generateApplications,
} from './applicationset/generate-applications';
export type { GeneratedApplication, GenerationResult } from './applicationset/generate-applications';
export type { ClusterInfo, GeneratorSources, GitTreeListing } from './applicationset/generator-sources.port';
export { MAX_GIT_PARAMETER_FILE_BYTES } from './applicationset/git.generator';
export { requeueAfterSecondsOf } from './applicationset/requeue-after';
export {
  applicationSetOf,
  decideGeneratedApplication,
  decideGeneratedDeletion,
  reconciliationConditions,
} from './applicationset/generated-application.decide';
export type { GeneratedApplicationDecision } from './applicationset/generated-application.decide';
export { applicationSetStreamId } from './events/applicationset.events';
export type { ApplicationSetCondition, ApplicationSetEvent } from './events/applicationset.events';
