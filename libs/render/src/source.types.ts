/**
 * Argo CD's `spec.source` shape, as far as rendering needs it. Defined here until the domain
 * owns the type; field names and meanings follow Argo CD's Application CRD.
 */
export interface HelmParameter {
  name: string;
  value: string;
  /** Pass with `--set-string` so helm keeps it a string (`"true"`, `"0123"`). */
  forceString?: boolean;
}

export interface HelmFileParameter {
  name: string;
  path: string;
}

export interface ApplicationSourceHelm {
  valueFiles?: string[];
  values?: string;
  valuesObject?: Record<string, unknown>;
  parameters?: HelmParameter[];
  releaseName?: string;
  ignoreMissingValueFiles?: boolean;
  skipCrds?: boolean;
  passCredentials?: boolean;
  fileParameters?: HelmFileParameter[];
}

export interface KustomizeReplica {
  name: string;
  count: number | string;
}

export interface ApplicationSourceKustomize {
  /** `name=newName:tag`, `name:tag` or `name@digest`, as `kustomize edit set image` takes them. */
  images?: string[];
  namePrefix?: string;
  nameSuffix?: string;
  commonLabels?: Record<string, string>;
  commonAnnotations?: Record<string, string>;
  namespace?: string;
  replicas?: KustomizeReplica[];
  version?: string;
}

export interface ApplicationSourceDirectory {
  recurse?: boolean;
  include?: string;
  exclude?: string;
  jsonnet?: Record<string, unknown>;
}

export interface ApplicationSource {
  repoURL: string;
  targetRevision?: string;
  path?: string;
  chart?: string;
  /** Names this source so another source can read its files as `$<ref>/path` (multi-source). */
  ref?: string;
  directory?: ApplicationSourceDirectory;
  helm?: ApplicationSourceHelm;
  kustomize?: ApplicationSourceKustomize;
}

export type SourceType = 'Helm' | 'Kustomize' | 'Directory';

/** A rendered Kubernetes object: plain JSON as the tool produced it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}
