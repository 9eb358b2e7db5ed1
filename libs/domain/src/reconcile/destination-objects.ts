import { type IsNamespaced, isClusterScoped, withoutClusterScopedNamespace } from '../diff/cluster-scope';
import type { KubeObject } from '../diff/kube-object';
import { withTrackingId } from './tracking-id';

/**
 * Rendered objects made ready for the app's destination, as the refresh, the sync, the scheduler's diff view
 * and `berth app diff --local` read them (Argo CD's NormalizeTargetObjects): namespaced objects without a
 * namespace get the destination namespace, cluster-scoped ones lose a namespace Git set (Argo CD drops it
 * too), and every object carries the app's tracking id. `isNamespaced` is what the caller knows of the kinds
 * (the cluster's discovery, or the live objects); undefined leaves it to the built-in list, an unknown kind
 * counting as namespaced, as kubectl assumes for apply.
 */
export function prepareForDestination(
  application: string,
  destinationNamespace: string | undefined,
  objects: readonly KubeObject[],
  isNamespaced?: IsNamespaced,
): KubeObject[] {
  return objects.map((obj) => {
    let next = obj;
    if (obj.metadata.namespace || destinationNamespace) {
      if (isClusterScoped(obj, isNamespaced)) next = withoutClusterScopedNamespace(obj, () => false);
      else if (!obj.metadata.namespace && destinationNamespace)
        next = { ...obj, metadata: { ...obj.metadata, namespace: destinationNamespace } };
    }
    return withTrackingId(application, next);
  });
}
