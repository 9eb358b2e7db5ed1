import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { guestbook, under, WorkerHarness } from './worker-harness';

// Issue #22 item 1: what another manager adds to a Deployment Berth applied (a sidecar container, a
// volume, an env var and a volumeMount in Berth's container, a pod annotation: what Istio, Linkerd or
// the Vault agent injector add) is not drift. With selfHeal on, Berth must not fight it. The additions
// are written as another field manager writes them (an Update through the sandbox API server, which
// records its managedFields), Berth applies with server-side apply as in production.
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'mesh', name: 'guestbook-ui' };

describe('fields another manager adds are not drift (selfHeal does not fight them)', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start();
    await h.repo.commit(under('mesh', guestbook()));
  }, 60_000);
  afterAll(async () => h?.stop());

  it('stays Synced with an injected sidecar, volume, env var and annotation, and starts no sync', async () => {
    await h.createApp('mesh', 'mesh', { automated: { selfHeal: true } });
    const first = await h.refresh().process({ application: 'mesh', hard: false, reason: 'test' });
    expect(await h.sync().process({ application: 'mesh', operationId: first.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    await h.refreshUntilHealth('mesh', 'Healthy');

    // A JSON merge patch replaces lists whole: Berth's container is sent back as it is, plus the additions.
    await h.cluster.mergePatch(deployment, {
      spec: {
        template: {
          metadata: { annotations: { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' } },
          spec: {
            containers: [
              {
                name: 'ui',
                image: 'nginx:1.27',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                env: [{ name: 'ISTIO_META_APP', value: 'guestbook' }],
                volumeMounts: [{ name: 'istio-envoy', mountPath: '/etc/istio/proxy' }],
              },
              { name: 'istio-proxy', image: 'istio/proxyv2:1.22' },
            ],
            volumes: [{ name: 'istio-envoy', emptyDir: {} }],
          },
        },
      },
    });
    const before = (await h.events('mesh')).length;
    for (let i = 0; i < 3; i++) {
      const result = await h.refresh().process({ application: 'mesh', hard: false, reason: 'test' });
      expect(result.autoSyncOperationId).toBeUndefined();
      expect(result.syncStatus).toBe('Synced');
    }
    expect((await h.events('mesh')).slice(before).map((e) => e.type)).not.toContain('SyncRequested');
  });

  it('a change to what Git declares is still drift, and the self-heal keeps the injected sidecar', async () => {
    await h.cluster.mergePatch(deployment, { spec: { replicas: 3 } });
    const drift = await h.refresh().process({ application: 'mesh', hard: false, reason: 'test' });
    expect(drift.autoSyncOperationId).toBeDefined();
    expect(await h.sync().process({ application: 'mesh', operationId: drift.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    const live = await h.cluster.get(deployment);
    const spec = live?.['spec'] as {
      replicas: number;
      template: { spec: { containers: Array<{ name: string }> } };
    };
    expect(spec.replicas).toBe(1);
    expect(spec.template.spec.containers.map((c) => c.name).sort()).toEqual(['istio-proxy', 'ui']);
    const after = await h.refresh().process({ application: 'mesh', hard: false, reason: 'test' });
    expect(after.syncStatus).toBe('Synced');
  });
});
