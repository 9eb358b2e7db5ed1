import { groupOf, type KubeObject } from './kube-object';

/**
 * Argo CD's `knownTypeFields` resource customization: a field of a custom resource that holds a
 * Kubernetes type, so the diff reads it as the API server would (`resource.customizations.knownTypeFields`).
 */
export interface KnownTypeField {
  group: string;
  kind: string;
  /** Dotted field path, e.g. `spec.template.spec`; a list on the way applies it to each item, as in Argo CD. */
  field: string;
  /** `core/Quantity`, `meta/v1/Duration`, or a core/v1 type such as `core/v1/PodSpec`. */
  type: string;
}

/** What Argo CD configures without being asked: an Argo Rollout's pod template is a PodSpec. */
export const DEFAULT_KNOWN_TYPE_FIELDS: readonly KnownTypeField[] = [
  { group: 'argoproj.io', kind: 'Rollout', field: 'spec.template.spec', type: 'core/v1/PodSpec' },
];

/** API groups whose kinds are compiled into the API server (k8s.io/api), so their Go types are known. */
const BUILT_IN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

/** What the diff knows about the types inside one object. */
export interface FieldTyping {
  /** A built-in kind: the API server's own types govern every field. */
  builtIn: boolean;
  /** Known-typed fields of a custom resource, as field names from the root (list positions left out). */
  typed: ReadonlyArray<{ names: readonly string[]; type: string }>;
}

export function fieldTypingOf(obj: KubeObject, knownTypeFields: readonly KnownTypeField[] = []): FieldTyping {
  const group = groupOf(obj.apiVersion);
  const typed = [...DEFAULT_KNOWN_TYPE_FIELDS, ...knownTypeFields]
    .filter((f) => f.group === group && f.kind === obj.kind)
    .map((f) => ({ names: f.field.split('.').filter((n) => n !== ''), type: f.type }));
  return { builtIn: BUILT_IN_GROUPS.has(group), typed };
}

/** The known type of the field at exactly `path` (`core/Quantity`, `meta/v1/Duration` ...), if one is declared. */
export function knownTypeAt(typing: FieldTyping, path: ReadonlyArray<string | number>): string | undefined {
  const names = fieldNames(path);
  return typing.typed.find((t) => sameNames(t.names, names))?.type;
}

/** Whether the API server's Go types govern `path`: a built-in kind, or inside a custom resource field known as a core/v1 type. */
export function builtInTypesAt(typing: FieldTyping, path: ReadonlyArray<string | number>): boolean {
  if (typing.builtIn) return true;
  const names = fieldNames(path);
  return typing.typed.some(
    (t) =>
      t.type.startsWith('core/v1/') &&
      names.length > t.names.length &&
      sameNames(t.names, names.slice(0, t.names.length)),
  );
}

function fieldNames(path: ReadonlyArray<string | number>): string[] {
  return path.filter((s): s is string => typeof s === 'string');
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
