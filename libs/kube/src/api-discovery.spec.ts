import { describe, expect, it } from '@jest/globals';
import { ApiDiscovery } from './api-discovery';
import { KubeApiError } from './kube-api.error';

const documents: Record<string, unknown> = {
  '/api/v1': {
    resources: [
      { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
      { name: 'namespaces', kind: 'Namespace', namespaced: false },
      { name: 'pods/status', kind: 'Pod', namespaced: true },
      { name: 'pods', kind: 'Pod', namespaced: true },
    ],
  },
  '/apis': {
    groups: [
      {
        name: 'example.com',
        preferredVersion: { groupVersion: 'example.com/v2' },
        versions: [{ groupVersion: 'example.com/v2' }, { groupVersion: 'example.com/v1' }],
      },
    ],
  },
  '/apis/example.com/v2': { resources: [{ name: 'gizmos', kind: 'Gizmo', namespaced: false }] },
  '/apis/example.com/v1': { resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] },
};

function fakeServer(docs: Record<string, unknown>) {
  const calls: string[] = [];
  const get = async (path: string) => {
    calls.push(path);
    return docs[path];
  };
  return { calls, discovery: new ApiDiscovery(get) };
}

describe('ApiDiscovery', () => {
  it.each([
    ['v1', 'ConfigMap', { plural: 'configmaps', namespaced: true }],
    ['v1', 'Namespace', { plural: 'namespaces', namespaced: false }],
    ['v1', 'Pod', { plural: 'pods', namespaced: true }],
    ['example.com/v1', 'Widget', { plural: 'widgets', namespaced: true }],
  ])('%s %s', async (apiVersion, kind, expected) => {
    expect(await fakeServer(documents).discovery.forApiVersion(apiVersion, kind)).toMatchObject(expected);
  });

  it('asks the server once per group version', async () => {
    const { calls, discovery } = fakeServer(documents);
    await discovery.forApiVersion('v1', 'ConfigMap');
    await discovery.forApiVersion('v1', 'Namespace');
    expect(calls).toEqual(['/api/v1']);
  });

  it('finds a versionless kind at the preferred version, else at another served version', async () => {
    const { discovery } = fakeServer(documents);
    expect(await discovery.forGroup('example.com', 'Gizmo')).toMatchObject({ apiVersion: 'example.com/v2' });
    expect(await discovery.forGroup('example.com', 'Widget')).toMatchObject({ apiVersion: 'example.com/v1' });
  });

  it('looks again once when a kind is missing (a CRD may just have been installed)', async () => {
    const docs: Record<string, unknown> = { ...documents };
    const { calls, discovery } = fakeServer(docs);
    await discovery.forApiVersion('v1', 'ConfigMap');
    docs['/api/v1'] = { resources: [{ name: 'secrets', kind: 'Secret', namespaced: true }] };
    expect(await discovery.forApiVersion('v1', 'Secret')).toMatchObject({ plural: 'secrets' });
    expect(calls).toEqual(['/api/v1', '/api/v1']);
  });

  it('says which kind is missing and what to install', async () => {
    const err = await fakeServer(documents)
      .discovery.forApiVersion('example.com/v1', 'Sprocket')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ code: 'UnknownResourceType' });
    expect((err as Error).message).toMatch(/"Sprocket".*"example.com\/v1".*CustomResourceDefinition/);
  });

  it('forgets a discovery the server did not answer: the next lookup asks again', async () => {
    let away = true;
    const calls: string[] = [];
    const discovery = new ApiDiscovery(async (path) => {
      calls.push(path);
      if (away) throw new KubeApiError('Unreachable', 'cannot reach the Kubernetes API server', 0);
      return documents[path];
    });
    await expect(discovery.forGroup('example.com', 'Gizmo')).rejects.toMatchObject({ code: 'Unreachable' });
    await expect(discovery.forApiVersion('v1', 'ConfigMap')).rejects.toMatchObject({ code: 'Unreachable' });
    away = false;
    // Before, the failed group list stayed cached: every versionless lookup failed until a restart.
    expect(await discovery.forGroup('example.com', 'Gizmo')).toMatchObject({ apiVersion: 'example.com/v2' });
    expect(await discovery.forApiVersion('v1', 'ConfigMap')).toMatchObject({ plural: 'configmaps' });
    expect(calls.filter((c) => c === '/apis')).toHaveLength(2);
  });

  it('watchableTypes: every kind with list and watch at the preferred version of its group, no subresources, a failing group left out', async () => {
    const watchable = ['get', 'list', 'watch'];
    const { discovery } = fakeServer({
      '/api/v1': {
        resources: [
          { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: watchable },
          { name: 'pods/log', kind: 'Pod', namespaced: true, verbs: ['get'] },
          { name: 'bindings', kind: 'Binding', namespaced: true, verbs: ['create'] },
        ],
      },
      '/apis': {
        groups: [
          { name: 'example.com', preferredVersion: { groupVersion: 'example.com/v2' } },
          { name: 'down.example.com', preferredVersion: { groupVersion: 'down.example.com/v1' } },
        ],
      },
      '/apis/example.com/v2': {
        resources: [{ name: 'gizmos', kind: 'Gizmo', namespaced: false, verbs: watchable }],
      },
    });
    expect(await discovery.watchableTypes()).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
      { apiVersion: 'example.com/v2', kind: 'Gizmo', plural: 'gizmos', namespaced: false },
    ]);
  });
});
