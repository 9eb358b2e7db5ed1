import type { OpenApiSchema } from '../schema/openapi-schema';

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
  /** Discovery verbs when not the full set (the review kinds take only `create`). */
  verbs?: string[];
  /** A review (SubjectAccessReview, SelfSubjectReview...): a POST is answered with its status, nothing is stored. */
  review?: boolean;
  /** A custom resource's schema: its CRD version's `schema.openAPIV3Schema` (built-ins: schema/builtin-schemas.ts). */
  schema?: OpenApiSchema;
  /** A custom resource's `additionalPrinterColumns` (kubectl's table). */
  printerColumns?: PrinterColumn[];
}

/** apiextensions/v1 CustomResourceColumnDefinition. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

/** metav1.OwnerReference (the sandbox does not insist on the fields a real server requires). */
export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/**
 * metav1.ObjectMeta as the sandbox reads it. A request's metadata is checked against these types when it is
 * decoded (admission/object-decoding.ts), as the real API server's JSON decoder does; the store holds only
 * what passed.
 */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  /** Written by the sandbox only (managed-fields/): a request's own managedFields are dropped. */
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** An object of any kind: typed metadata; every other member is checked where it is read. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** metadata.name; '' when absent (a stored object always has one). */
export function nameOf(obj: KubeObject): string {
  return obj.metadata?.name ?? '';
}

/** metadata.namespace; '' for cluster-scoped objects. */
export function namespaceOf(obj: KubeObject): string {
  return obj.metadata?.namespace ?? '';
}

export function groupVersion(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
