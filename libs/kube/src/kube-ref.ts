import type { KubeObject } from '@berth/domain';

/** Enough to address one object: its type (apiVersion or, for inventory keys, only the group) and name. */
export interface KubeRef {
  /** `apps/v1`; or the group alone (`apps`, `` for core) when only the key is known. */
  apiVersion?: string;
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function refOf(obj: KubeObject): KubeRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

/** `group/kind/namespace/name` -> a ref without a version (discovery picks the preferred one). */
export function refFromKey(key: string): KubeRef | undefined {
  const parts = key.split('/');
  if (parts.length !== 4) return undefined;
  const [group, kind, namespace, name] = parts as [string, string, string, string];
  if (!kind || !name) return undefined;
  return { group, kind, name, ...(namespace ? { namespace } : {}) };
}

export function describeRef(ref: KubeRef): string {
  const where = ref.namespace ? ` in namespace "${ref.namespace}"` : '';
  return `${ref.kind} "${ref.name}"${where}`;
}
