import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type AdmissionRequest,
  type AdmissionVerdict,
  type AdmissionWebhookReceiver,
  type RecordedRequest,
  startAdmissionWebhookReceiver,
} from '@berth/sandbox-cluster';
import { guestbook, under, WorkerHarness } from './worker-harness';

// Issue #22 "Done when": an app synced while a mutating admission webhook injects a sidecar container and a
// volume into its Deployment stays Synced and Healthy with selfHeal on, and Berth applies it once. The
// sandbox calls the webhook's local HTTPS receiver as a real API server does (AdmissionReview v1, caBundle,
// JSONPatch); as in Kubernetes, what the webhook adds is attributed to no field manager, so Berth's
// server-side apply never removes it and its diff (which only counts what Git declares and what Berth's
// own apply owns) never reports it.
const TIME_SCALE = 0.02;
const DEPLOYMENT_PATH = '/apis/apps/v1/namespaces/mesh/deployments/guestbook-ui';
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'mesh', name: 'guestbook-ui' };

type PodSpec = { containers: Array<{ name: string; image: string }>; volumes?: Array<{ name: string }> };

/** A Vault-agent / Istio-style injector: a proxy container and its volume, added once. */
function injectSidecar(request: AdmissionRequest): AdmissionVerdict {
  const spec = ((request.object['spec'] as Record<string, unknown>)['template'] as { spec: PodSpec }).spec;
  const patch: Array<Record<string, unknown>> = [];
  if (!spec.containers.some((c) => c.name === 'mesh-proxy'))
    patch.push({
      op: 'add',
      path: '/spec/template/spec/containers/-',
      value: {
        name: 'mesh-proxy',
        image: 'envoyproxy/envoy:v1.31',
        volumeMounts: [{ name: 'mesh-certs', mountPath: '/etc/mesh' }],
      },
    });
  if (!spec.volumes) patch.push({ op: 'add', path: '/spec/template/spec/volumes', value: [] });
  if (!spec.volumes?.some((v) => v.name === 'mesh-certs'))
    patch.push({
      op: 'add',
      path: '/spec/template/spec/volumes/-',
      value: { name: 'mesh-certs', emptyDir: {} },
    });
  return patch.length > 0 ? { patch } : {};
}

/** Berth's writes of the Deployment that changed (or would change) the cluster: applies that are not dry runs. */
const applies = (r: RecordedRequest) =>
  r.path === DEPLOYMENT_PATH &&
  r.method === 'PATCH' &&
  r.contentType === 'application/apply-patch+yaml' &&
  r.query['dryRun'] === undefined;

describe('a mutating admission webhook injects a sidecar and a volume: Synced, Healthy, applied once', () => {
  let h: WorkerHarness;
  let injector: AdmissionWebhookReceiver;

  beforeAll(async () => {
    injector = await startAdmissionWebhookReceiver(injectSidecar);
    h = await WorkerHarness.start({ sandbox: { timeScale: TIME_SCALE, recordRequests: true } });
    await h.cluster.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'mesh-injector' },
      webhooks: [
        {
          name: 'inject.mesh.example.com',
          clientConfig: { url: injector.url('/inject'), caBundle: injector.caBundle },
          rules: [
            {
              operations: ['CREATE', 'UPDATE'],
              apiGroups: ['apps'],
              apiVersions: ['v1'],
              resources: ['deployments'],
            },
          ],
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mesh' } },
          failurePolicy: 'Fail',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
    await h.repo.commit(under('mesh', guestbook()));
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await injector?.close();
  });

  it('syncs through the webhook, also as a dry run, and the injected sidecar and volume are not drift', async () => {
    await h.createApp('mesh', 'mesh', { automated: { selfHeal: true, prune: true } });
    const first = await h.refresh().process({ application: 'mesh', hard: false, reason: 'test' });
    expect(await h.sync().process({ application: 'mesh', operationId: first.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    await h.refreshUntilHealth('mesh', 'Healthy');
    const live = await h.cluster.get(deployment);
    const spec = (live!['spec'] as { template: { spec: PodSpec } }).template.spec;
    expect(spec.containers.map((c) => c.name)).toEqual(['ui', 'mesh-proxy']);
    expect(spec.volumes?.map((v) => v.name)).toEqual(['mesh-certs']);
    // Server-side apply went through the webhook: the sync's dry run of every task first, then the CREATE.
    expect(
      injector.reviews.filter((r) => r.name === 'guestbook-ui').map((r) => `${r.operation}:${r.dryRun}`),
    ).toEqual(['CREATE:true', 'CREATE:false']);
    expect(h.sandbox.requests(applies)).toHaveLength(1);

    // A dry-run sync is admitted too (sideEffects None), and changes nothing.
    const dryRun = await h.requestSync('mesh', { dryRun: true });
    expect(await h.sync().process({ application: 'mesh', operationId: dryRun })).toBe('Succeeded');
    expect(
      injector.reviews.filter((r) => r.name === 'guestbook-ui').map((r) => `${r.operation}:${r.dryRun}`),
    ).toEqual(['CREATE:true', 'CREATE:false', 'UPDATE:true', 'UPDATE:true']);
    expect(h.sandbox.requests(applies)).toHaveLength(1);
    expect((await h.cluster.get(deployment))!.metadata['resourceVersion']).toBe(
      live!.metadata['resourceVersion'],
    );
  });

  it('stays Synced and Healthy with selfHeal on for a minute of simulated time, with no repeated apply', async () => {
    const before = (await h.events('mesh')).length;
    const started = Date.now();
    let refreshes = 0;
    // The sandbox's controllers run on its clock (timeScale): a simulated minute is TIME_SCALE minutes of real time.
    while ((Date.now() - started) / TIME_SCALE < 60_000 || refreshes < 5) {
      const result = await h.refresh().process({ application: 'mesh', hard: false, reason: 'test' });
      expect({
        sync: result.syncStatus,
        health: result.healthStatus,
        autoSync: result.autoSyncOperationId,
      }).toEqual({
        sync: 'Synced',
        health: 'Healthy',
        autoSync: undefined,
      });
      h.clock.advance(10_000);
      refreshes++;
    }
    expect(h.sandbox.requests(applies)).toHaveLength(1);
    expect((await h.events('mesh')).slice(before).map((e) => e.type)).not.toContain('SyncRequested');
    expect(await h.view('mesh')).toMatchObject({ sync_status: 'Synced', health_status: 'Healthy' });
  });

  it('a change in Git is applied once more, through the webhook, and the sidecar stays', async () => {
    await h.repo.commit(under('mesh', guestbook('nginx:1.28')));
    const drift = await h.refresh().process({ application: 'mesh', hard: true, reason: 'test' });
    expect(drift.autoSyncOperationId).toBeDefined();
    expect(await h.sync().process({ application: 'mesh', operationId: drift.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    const spec = ((await h.cluster.get(deployment))!['spec'] as { template: { spec: PodSpec } }).template
      .spec;
    expect(spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual([
      'ui=nginx:1.28',
      'mesh-proxy=envoyproxy/envoy:v1.31',
    ]);
    expect(h.sandbox.requests(applies)).toHaveLength(2);
    await h.refreshUntilHealth('mesh', 'Healthy');
    const after = await h.refresh().process({ application: 'mesh', hard: false, reason: 'test' });
    expect(after).toMatchObject({ syncStatus: 'Synced', healthStatus: 'Healthy' });
    expect(after.autoSyncOperationId).toBeUndefined();
  });
});
