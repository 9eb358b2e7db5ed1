import { describe, expect, it } from '@jest/globals';
import { requestInfoOf } from './kube-request.channel';

describe('requestInfoOf: the labels of argocd_app_k8s_request_total', () => {
  it.each<[string, string, Record<string, string>, ReturnType<typeof requestInfoOf>]>([
    [
      'GET',
      '/api/v1/namespaces/ns/configmaps/x',
      {},
      { verb: 'Get', resourceKind: 'configmaps', resourceNamespace: 'ns' },
    ],
    [
      'GET',
      '/apis/apps/v1/namespaces/ns/deployments',
      {},
      { verb: 'List', resourceKind: 'deployments', resourceNamespace: 'ns' },
    ],
    [
      'GET',
      '/apis/apps/v1/deployments',
      { watch: 'true' },
      { verb: 'Watch', resourceKind: 'deployments', resourceNamespace: '' },
    ],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/ns/deployments/web',
      {},
      { verb: 'Patch', resourceKind: 'deployments', resourceNamespace: 'ns' },
    ],
    ['POST', '/api/v1/namespaces', {}, { verb: 'Create', resourceKind: 'namespaces', resourceNamespace: '' }],
    [
      'PUT',
      '/api/v1/namespaces/ns',
      {},
      { verb: 'Update', resourceKind: 'namespaces', resourceNamespace: '' },
    ],
    [
      'DELETE',
      '/api/v1/namespaces/ns/pods',
      {},
      { verb: 'DeleteCollection', resourceKind: 'pods', resourceNamespace: 'ns' },
    ],
    ['GET', '/apis/apps/v1', {}, { verb: 'Unknown', resourceKind: 'Unknown', resourceNamespace: 'Unknown' }],
    ['GET', '/version', {}, { verb: 'Unknown', resourceKind: 'Unknown', resourceNamespace: 'Unknown' }],
  ])('%s %s %j', (method, path, query, expected) =>
    expect(requestInfoOf(method, path, query)).toEqual(expected),
  );
});
