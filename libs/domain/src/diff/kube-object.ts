import { isPlainObject } from './json-value';

/** A Kubernetes object as plain JSON, the way Git renders it and the API server returns it. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generateName?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

/** Identity of a resource as Argo CD shows it: group/kind/namespace/name (no version). */
export interface ResourceKey {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** "apps/v1" -> "apps", "v1" -> "" (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function resourceKey(obj: KubeObject): ResourceKey {
  return {
    group: groupOf(obj.apiVersion),
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? obj.metadata.generateName ?? '',
  };
}

/** The string form `group/kind/namespace/name`; core group and cluster scope are empty segments. */
export function resourceKeyString(keyOrObject: ResourceKey | KubeObject): string {
  const key = 'apiVersion' in keyOrObject ? resourceKey(keyOrObject) : keyOrObject;
  return `${key.group}/${key.kind}/${key.namespace}/${key.name}`;
}

/** Inverse of resourceKeyString; returns undefined when the text does not have four segments. */
export function parseResourceKey(text: string): ResourceKey | undefined {
  const parts = text.split('/');
  if (parts.length !== 4) return undefined;
  const [group, kind, namespace, name] = parts as [string, string, string, string];
  if (!kind || !name) return undefined;
  return { group, kind, namespace, name };
}

/**
 * A rendered document Berth can sync: apiVersion, kind, and a name or generateName. A hook needs neither
 * name: the sync names it per operation (gitops-engine does the same in getSyncTasks).
 */
export function isKubeObject(value: unknown): value is KubeObject {
  if (!isPlainObject(value)) return false;
  const meta = value['metadata'];
  return (
    typeof value['apiVersion'] === 'string' &&
    typeof value['kind'] === 'string' &&
    isPlainObject(meta) &&
    (typeof meta['name'] === 'string' ||
      typeof meta['generateName'] === 'string' ||
      hasHookAnnotation(meta['annotations']))
  );
}

/** The Argo CD or Helm hook annotation (sync/hook.ts reads them; kept apart here to stay free of cycles). */
function hasHookAnnotation(annotations: unknown): boolean {
  return (
    isPlainObject(annotations) &&
    (typeof annotations['argocd.argoproj.io/hook'] === 'string' ||
      typeof annotations['helm.sh/hook'] === 'string')
  );
}
