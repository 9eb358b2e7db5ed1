import { type KubeObject, withoutClusterScopedNamespace, withTrackingId } from '@berth/domain';
import { KubeApiError } from './kube-api.error';
import type { KubeCluster } from './kube-cluster';

/**
 * Rendered objects made ready for one cluster, as the refresh, the sync and the scheduler's diff view all
 * read them: namespaced objects without a namespace get the destination namespace, cluster-scoped ones lose
 * a namespace Git set (Argo CD drops it too), and every object carries the app's tracking id.
 */
export async function prepareObjects(
  cluster: Pick<KubeCluster, 'isNamespaced'>,
  application: string,
  destinationNamespace: string | undefined,
  objects: readonly KubeObject[],
): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const obj of objects) {
    let next = obj;
    if (obj.metadata.namespace || destinationNamespace) {
      const namespaced = await cluster.isNamespaced(obj.apiVersion, obj.kind).catch((err: unknown) => {
        // A custom kind whose CRD is not installed yet: assume namespaced, as kubectl does for apply.
        if (err instanceof KubeApiError && err.code === 'UnknownResourceType') return true;
        throw err;
      });
      if (!namespaced) next = withoutClusterScopedNamespace(obj, () => false);
      else if (!obj.metadata.namespace && destinationNamespace)
        next = { ...obj, metadata: { ...obj.metadata, namespace: destinationNamespace } };
    }
    out.push(withTrackingId(application, next));
  }
  return out;
}
