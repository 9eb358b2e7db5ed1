import { groupOf, type KubeObject } from '../diff/kube-object';

/** The group and kind a CustomResourceDefinition defines, or undefined for any other object. */
export function definedKindOf(obj: KubeObject): { group: string; kind: string } | undefined {
  if (obj.kind !== 'CustomResourceDefinition' || groupOf(obj.apiVersion) !== 'apiextensions.k8s.io')
    return undefined;
  const spec = obj['spec'] as { group?: unknown; names?: { kind?: unknown } } | undefined;
  const group = spec?.group;
  const kind = spec?.names?.kind;
  return typeof group === 'string' && typeof kind === 'string' ? { group, kind } : undefined;
}

/** `group/kind` -> the name of the CRD among `objects` that defines it (gitops-engine's hasCRDOfGroupKind). */
export function crdsByDefinedKind(objects: readonly KubeObject[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const obj of objects) {
    const defined = definedKindOf(obj);
    if (defined) out.set(`${defined.group}/${defined.kind}`, obj.metadata.name);
  }
  return out;
}

export function kindKeyOf(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  return `${groupOf(obj.apiVersion)}/${obj.kind}`;
}

/**
 * `group/kind` -> whether the kind is namespaced, as a CRD among `objects` declares it (`spec.scope`):
 * what the cluster will answer once the CRD is applied. A CRD without a valid scope says nothing.
 */
export function scopesOfDefinedKinds(objects: readonly KubeObject[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const obj of objects) {
    const defined = definedKindOf(obj);
    const scope = (obj['spec'] as { scope?: unknown } | undefined)?.scope;
    if (defined && (scope === 'Namespaced' || scope === 'Cluster'))
      out.set(`${defined.group}/${defined.kind}`, scope === 'Namespaced');
  }
  return out;
}
