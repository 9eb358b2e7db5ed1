import type { KubeObject } from '../diff/kube-object';
import { SYNC_OPTIONS_ANNOTATION } from './sync-options';

/**
 * The reason on the task CreateNamespace=true adds, recorded as its ResourceSynced message: such a
 * namespace was never declared in Git, so it never enters the prune inventory.
 */
export const CREATE_NAMESPACE_REASON = 'CreateNamespace=true';

/** `spec.syncPolicy.managedNamespaceMetadata`: labels and annotations of the namespace CreateNamespace=true manages. */
export interface ManagedNamespaceMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * The namespace CreateNamespace=true manages, with its managedNamespaceMetadata: what a sync applies and
 * what a refresh compares the live namespace with (one object, so the two cannot disagree). Argo CD marks
 * it ServerSideApply=true (controller/sync_namespace.go) so its metadata is merged, never replaced; an
 * empty labels map declares nothing.
 */
export function managedNamespaceObject(name: string, metadata: ManagedNamespaceMetadata): KubeObject {
  const labels = metadata.labels ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
      annotations: { ...(metadata.annotations ?? {}), [SYNC_OPTIONS_ANNOTATION]: 'ServerSideApply=true' },
    },
  };
}
