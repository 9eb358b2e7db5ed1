/**
 * Argo CD's `argoproj.io/v1alpha1` Application, as Berth accepts it. Field names and meanings follow
 * Argo CD; fields the seed article adds (see `SeedApplicationExtensions`) are accepted and stored.
 * A validated Application also keeps every unknown field it was given (reported as a warning), so the
 * runtime object can carry more than these types name.
 */
export const APPLICATION_API_VERSION = 'argoproj.io/v1alpha1';
export const APPLICATION_KIND = 'Application';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  /** Read-only fields the API server sets; accepted so `kubectl get -o yaml` output validates. */
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  generateName?: string;
  managedFields?: unknown[];
  ownerReferences?: unknown[];
}

export interface Application {
  apiVersion: typeof APPLICATION_API_VERSION;
  kind: typeof APPLICATION_KIND;
  metadata: ObjectMeta;
  spec: ApplicationSpec;
  /** Set by the controller; kept as given, Berth computes its own. */
  status?: Record<string, unknown>;
  /** A requested operation (e.g. a sync), as Argo CD's `operation` field. */
  operation?: Record<string, unknown>;
}

export interface ApplicationSpec extends SeedApplicationExtensions {
  /** AppProject name; Berth writes `default` when it is missing (Argo CD reads an empty project as `default`). */
  project: string;
  /** Exactly one of `source` and `sources` is set. */
  source?: ApplicationSource;
  sources?: ApplicationSource[];
  destination: ApplicationDestination;
  syncPolicy?: SyncPolicy;
  ignoreDifferences?: ResourceIgnoreDifferences[];
  /** How many past syncs to keep; absent means 10 (a read default, see `revisionHistoryLimitOf`). */
  revisionHistoryLimit?: number;
  info?: InfoItem[];
}

/**
 * Fields the seed article proposes that Argo CD lacks. Stored as written, loosely typed: later work
 * gives them meaning.
 */
export interface SeedApplicationExtensions {
  /** seed §5.3: custom HTTP health probes. */
  healthChecks?: Record<string, unknown>[];
  /** seed §5.2: how many failed revisions to roll back over automatically. */
  retryHistoryLimit?: number;
  /** seed §4.3: a sync needs a person's approval first (production). */
  requiresApproval?: boolean;
}

export interface ApplicationSource {
  repoURL: string;
  /** Branch, tag or commit for Git; the chart version for Helm charts. Git sources default to `HEAD`. */
  targetRevision?: string;
  /** Directory inside the repository, relative to its root. */
  path?: string;
  /** Helm chart name, when `repoURL` is a Helm repository. */
  chart?: string;
  /** Names this source so other sources can read its files as `$<ref>/...` (multiple sources only). */
  ref?: string;
  /** Display name of the source (Argo CD 2.14+). */
  name?: string;
  directory?: ApplicationSourceDirectory;
  helm?: ApplicationSourceHelm;
  kustomize?: ApplicationSourceKustomize;
  plugin?: ApplicationSourcePlugin;
}

export interface ApplicationSourceDirectory {
  recurse?: boolean;
  include?: string;
  exclude?: string;
  jsonnet?: ApplicationSourceJsonnet;
}

export interface JsonnetVar {
  name: string;
  value: string;
  code?: boolean;
}

export interface ApplicationSourceJsonnet {
  extVars?: JsonnetVar[];
  tlas?: JsonnetVar[];
  libs?: string[];
}

export interface HelmParameter {
  name: string;
  value?: string;
  forceString?: boolean;
}

export interface HelmFileParameter {
  name: string;
  path: string;
}

export interface ApplicationSourceHelm {
  /** Relative to the source path, a URL, or `$<ref>/<path>` into another source. */
  valueFiles?: string[];
  /** A YAML document as a string; `valuesObject` wins when both are set. */
  values?: string;
  valuesObject?: Record<string, unknown>;
  parameters?: HelmParameter[];
  fileParameters?: HelmFileParameter[];
  releaseName?: string;
  ignoreMissingValueFiles?: boolean;
  skipCrds?: boolean;
  skipSchemaValidation?: boolean;
  skipTests?: boolean;
  passCredentials?: boolean;
  version?: string;
  namespace?: string;
  kubeVersion?: string;
  apiVersions?: string[];
}

export interface KustomizeReplica {
  name: string;
  /** Argo CD accepts an integer or a string holding one. */
  count: number | string;
}

export interface ApplicationSourceKustomize {
  /** `name=newName:tag`, `name:tag`, `name@sha256:...`. */
  images?: string[];
  namePrefix?: string;
  nameSuffix?: string;
  commonLabels?: Record<string, string>;
  commonAnnotations?: Record<string, string>;
  commonAnnotationsEnvsubst?: boolean;
  namespace?: string;
  replicas?: KustomizeReplica[];
  version?: string;
  forceCommonLabels?: boolean;
  forceCommonAnnotations?: boolean;
  labelWithoutSelector?: boolean;
  labelIncludeTemplates?: boolean;
  patches?: Record<string, unknown>[];
  components?: string[];
  ignoreMissingComponents?: boolean;
  kubeVersion?: string;
  apiVersions?: string[];
}

export interface EnvEntry {
  name: string;
  value: string;
}

export interface PluginParameter {
  name: string;
  string?: string;
  array?: string[];
  map?: Record<string, string>;
}

export interface ApplicationSourcePlugin {
  name?: string;
  env?: EnvEntry[];
  parameters?: PluginParameter[];
}

/** One of `server` (API server URL) or `name` (cluster name), never both. */
export interface ApplicationDestination {
  server?: string;
  name?: string;
  namespace?: string;
}

export interface SyncPolicy {
  automated?: SyncPolicyAutomated;
  syncOptions?: string[];
  retry?: RetryStrategy;
  managedNamespaceMetadata?: ManagedNamespaceMetadata;
  /** Berth (seed §5.2): roll back a deployment that does not become Healthy in time. See docs/rollback.md. */
  autoRollback?: AutoRollbackPolicySpec;
}

export interface AutoRollbackPolicySpec {
  /** Go duration ("3m"); default 3m, or the longest `spec.healthChecks[].timeout`. */
  healthTimeout?: string;
}

export interface SyncPolicyAutomated {
  prune?: boolean;
  selfHeal?: boolean;
  allowEmpty?: boolean;
  /** Argo CD 3: `false` keeps the block but turns automation off. */
  enabled?: boolean;
}

export interface RetryStrategy {
  /** Retries after a failed sync; a negative number means no limit, 0 means no retries. */
  limit?: number;
  backoff?: Backoff;
  /** Argo CD 3: retry with the latest revision rather than the failed one. */
  refresh?: boolean;
}

export interface Backoff {
  /** Go duration ("5s", "2m") or plain seconds ("30"); Argo CD's default is 5s. */
  duration?: string;
  /** Multiplier per retry; Argo CD's default is 2. */
  factor?: number;
  /** Cap on the wait; Argo CD's default is 3m. */
  maxDuration?: string;
}

export interface ManagedNamespaceMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ResourceIgnoreDifferences {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

export interface InfoItem {
  name: string;
  value: string;
}
