import type { AnyJson } from './json';
/** Everything the sandbox needs to serve one kind: discovery data plus storage behaviour. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, e.g. `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources served beside the main resource (`status`, `scale`, `log`, `finalize`). */
  subresources: string[];
  /** metadata.generation is tracked (set to 1 on create, bumped on spec change). */
  tracksGeneration: boolean;
  /** Built-in kinds accept strategic merge patch; custom resources do not (415). */
  builtin: boolean;
  /** Kinds whose DELETE returns the deleted object rather than a Status (pods, services, namespaces, CRs). */
  returnsDeletedObject: boolean;
  /** PUT without metadata.resourceVersion is allowed (built-ins) or refused with 422 (CRs). */
  allowUnconditionalUpdate: boolean;
  /** Extra fieldSelector labels supported besides metadata.name / metadata.namespace. */
  fieldLabels?: Record<string, (obj: KubeObject) => string | undefined>;
}

export type KubeObject = Record<string, AnyJson> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, AnyJson>;
};

export function groupVersion(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
