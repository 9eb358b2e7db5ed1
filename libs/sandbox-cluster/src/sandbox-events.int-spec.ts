import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api, KubeConfig, type CoreV1Event } from '@kubernetes/client-node';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';

// core/v1 Events as Argo CD's ListResourceEvents lists them: `kubectl get events
// --field-selector involvedObject.name=...`, in one namespace or across all of them.

function event(
  namespace: string,
  name: string,
  about: { kind: string; name: string; uid: string },
): CoreV1Event {
  return {
    metadata: { name, namespace },
    involvedObject: { apiVersion: 'v1', kind: about.kind, name: about.name, namespace, uid: about.uid },
    reason: 'Pulled',
    message: `about ${about.name}`,
    type: 'Normal',
    count: 1,
  };
}

describe('sandbox cluster: core/v1 Events', () => {
  let cluster: SandboxCluster;
  let core: CoreV1Api;

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, simulate: false });
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    core = kc.makeApiClient(CoreV1Api);
    for (const ns of ['shop', 'blog']) await core.createNamespace({ body: { metadata: { name: ns } } });
    await core.createNamespacedEvent({
      namespace: 'shop',
      body: event('shop', 'web-1.a', { kind: 'Pod', name: 'web-1', uid: 'uid-web-1' }),
    });
    await core.createNamespacedEvent({
      namespace: 'shop',
      body: event('shop', 'web-1.b', { kind: 'Pod', name: 'web-1', uid: 'uid-old-web-1' }),
    });
    await core.createNamespacedEvent({
      namespace: 'shop',
      body: event('shop', 'db.a', { kind: 'Pod', name: 'db', uid: 'uid-db' }),
    });
    await core.createNamespacedEvent({
      namespace: 'blog',
      body: event('blog', 'web-1.c', { kind: 'Pod', name: 'web-1', uid: 'uid-blog-web-1' }),
    });
  });
  afterAll(async () => cluster?.close());

  const names = (list: { items: CoreV1Event[] }) => list.items.map((e) => e.metadata?.name).sort();

  it('selects by involvedObject name, namespace and uid in a namespace', async () => {
    expect(
      names(
        await core.listNamespacedEvent({ namespace: 'shop', fieldSelector: 'involvedObject.name=web-1' }),
      ),
    ).toEqual(['web-1.a', 'web-1.b']);
    expect(
      names(
        await core.listNamespacedEvent({
          namespace: 'shop',
          fieldSelector:
            'involvedObject.name=web-1,involvedObject.namespace=shop,involvedObject.uid=uid-web-1',
        }),
      ),
    ).toEqual(['web-1.a']);
  });

  it('lists across namespaces, still selected', async () => {
    expect(
      names(await core.listEventForAllNamespaces({ fieldSelector: 'involvedObject.name=web-1' })),
    ).toEqual(['web-1.a', 'web-1.b', 'web-1.c']);
    expect(
      names(await core.listEventForAllNamespaces({ fieldSelector: 'involvedObject.namespace=blog' })),
    ).toEqual(['web-1.c']);
  });

  it('refuses a field it does not index, as the API server does', async () => {
    await expect(core.listNamespacedEvent({ namespace: 'shop', fieldSelector: 'message=x' })).rejects.toThrow(
      /field label not supported: message/,
    );
  });
});
