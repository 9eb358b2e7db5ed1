import { groupOf, type KubeObject, prepareForDestination } from '@berth/domain';
import { KubeApiError } from './kube-api.error';
import type { KubeCluster } from './kube-cluster';

/**
 * Rendered objects made ready for one cluster, as the refresh, the sync and the scheduler's diff view all
 * read them (prepareForDestination), with the cluster's discovery saying which kinds are namespaced: only
 * asked of objects that have a namespace or would get the destination's.
 */
export async function prepareObjects(
  cluster: Pick<KubeCluster, 'isNamespaced'>,
  application: string,
  destinationNamespace: string | undefined,
  objects: readonly KubeObject[],
): Promise<KubeObject[]> {
  const namespaced = new Map<string, boolean>();
  for (const obj of objects) {
    const key = `${groupOf(obj.apiVersion)}/${obj.kind}`;
    if ((!obj.metadata.namespace && !destinationNamespace) || namespaced.has(key)) continue;
    const answer = await cluster.isNamespaced(obj.apiVersion, obj.kind).catch((err: unknown) => {
      // A custom kind whose CRD is not installed yet: assume namespaced, as kubectl does for apply.
      if (err instanceof KubeApiError && err.code === 'UnknownResourceType') return true;
      throw err;
    });
    namespaced.set(key, answer);
  }
  return prepareForDestination(application, destinationNamespace, objects, (group, kind) =>
    namespaced.get(`${group}/${kind}`),
  );
}
