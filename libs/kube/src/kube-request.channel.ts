import { channel } from 'node:diagnostics_channel';

/**
 * Every answered request to a Kubernetes API server is published here (node:diagnostics_channel), so
 * a process can count them (`argocd_app_k8s_request_total`) without the client knowing about metrics.
 */
export const KUBE_REQUEST_CHANNEL = 'berth:kube:request';

export interface KubeRequestMessage {
  /** The API server's URL, as the cluster's `server`. */
  server: string;
  /** Kubernetes' verb: Get, List, Watch, Create, Update, Patch, Delete, DeleteCollection, Unknown. */
  verb: string;
  statusCode: number;
  /** The resource (plural) of the path, e.g. `deployments`; `Unknown` for discovery and others. */
  resourceKind: string;
  resourceNamespace: string;
}

export const kubeRequestChannel = channel(KUBE_REQUEST_CHANNEL);

/**
 * Resource, namespace and verb of a REST call, read from its path as client-go's request info does:
 * `/api/v1/namespaces/ns/configmaps/x`, `/apis/apps/v1/deployments`. Pure, so it is unit-tested.
 */
export function requestInfoOf(
  method: string,
  path: string,
  query: Record<string, string> = {},
): Pick<KubeRequestMessage, 'verb' | 'resourceKind' | 'resourceNamespace'> {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  const rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : undefined;
  if (!rest || rest.length === 0)
    return { verb: 'Unknown', resourceKind: 'Unknown', resourceNamespace: 'Unknown' };
  let namespace = '';
  let tail = rest;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = decodeURIComponent(rest[1] ?? '');
    tail = rest.slice(2);
  }
  const resource = tail[0] ?? 'Unknown';
  const named = tail.length >= 2;
  const verbs: Record<string, string> = {
    GET: query['watch'] === 'true' ? 'Watch' : named ? 'Get' : 'List',
    POST: 'Create',
    PUT: 'Update',
    PATCH: 'Patch',
    DELETE: named ? 'Delete' : 'DeleteCollection',
  };
  return { verb: verbs[method] ?? 'Unknown', resourceKind: resource, resourceNamespace: namespace };
}
