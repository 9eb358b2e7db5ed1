/**
 * Argo CD's ApplicationSet (`argoproj.io/v1alpha1`, kind ApplicationSet), the part Berth supports:
 * list, git, matrix and clusters generators, fasttemplate or Go templates, and the applicationsSync
 * policy. Anything else is refused by the validator, naming the field.
 */
export const APPLICATION_SET_API_VERSION = 'argoproj.io/v1alpha1';
export const APPLICATION_SET_KIND = 'ApplicationSet';

/** Argo CD's `spec.syncPolicy.applicationsSync`; absent means `sync` (create, update and delete). */
export type ApplicationsSyncPolicy = 'create-only' | 'create-update' | 'create-delete' | 'sync';
export const APPLICATIONS_SYNC_POLICIES: readonly ApplicationsSyncPolicy[] = [
  'create-only',
  'create-update',
  'create-delete',
  'sync',
];

/** An Application with `{{...}}` placeholders; rendered once per parameter set. */
export interface ApplicationSetTemplate {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec?: Record<string, unknown>;
}

export interface ListGenerator {
  elements?: Array<Record<string, unknown>>;
  template?: ApplicationSetTemplate;
}

export interface GitPathItem {
  path: string;
  exclude?: boolean;
}

export interface GitGenerator {
  repoURL: string;
  revision: string;
  directories?: GitPathItem[];
  files?: GitPathItem[];
  pathParamPrefix?: string;
  values?: Record<string, string>;
  requeueAfterSeconds?: number;
  template?: ApplicationSetTemplate;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface ClusterGenerator {
  selector?: LabelSelector;
  values?: Record<string, string>;
  template?: ApplicationSetTemplate;
}

export interface MatrixGenerator {
  generators: ApplicationSetGenerator[];
  template?: ApplicationSetTemplate;
}

/** Exactly one of the fields is set. */
export interface ApplicationSetGenerator {
  list?: ListGenerator;
  git?: GitGenerator;
  clusters?: ClusterGenerator;
  matrix?: MatrixGenerator;
}

export interface ApplicationSetSyncPolicy {
  applicationsSync?: ApplicationsSyncPolicy;
  preserveResourcesOnDeletion?: boolean;
}

export interface ApplicationSetSpec {
  goTemplate?: boolean;
  goTemplateOptions?: string[];
  generators: ApplicationSetGenerator[];
  template: ApplicationSetTemplate;
  syncPolicy?: ApplicationSetSyncPolicy;
}

export interface ApplicationSet {
  apiVersion: typeof APPLICATION_SET_API_VERSION;
  kind: typeof APPLICATION_SET_KIND;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: ApplicationSetSpec;
}

/** Parameters of one generated Application: strings (fasttemplate) or any JSON (Go templates). */
export type GeneratorParams = Record<string, unknown>;
