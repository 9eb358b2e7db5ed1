import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ApplicationManifest,
  applicationEvent,
  type ConditionRaised,
  type SyncStatusChanged,
} from '@berth/domain';
import {
  type AdmissionRequest,
  type AdmissionVerdict,
  type AdmissionWebhookReceiver,
  type RecordedRequest,
  startAdmissionWebhookReceiver,
} from '@berth/sandbox-cluster';
import { PredictedLiveCache } from '../../apps/worker/src/predicted-live';
import { guestbook, under, WorkerHarness } from './worker-harness';

// Issue #22 item 8: Argo CD's server-side diff (compare option ServerSideDiff=true, or BerthConfig
// compareOptions.serverSideDiff as argocd-cmd-params-cm controller.diff.server.side), against the sandbox over
// HTTP while a MutatingWebhookConfiguration's local HTTPS receiver rewrites images and injects a proxy. The
// predicted live objects are the sandbox's answers to server-side apply dry runs (dryRun=All, field manager
// berth, force), one per live resource, kept in the worker's cache until the resource, Git or a requested
// refresh says otherwise.
type PodSpec = { containers: Array<{ name: string; image: string }> };

const webhookState = { proxyImage: 'envoyproxy/envoy:v1.30' };

/**
 * Per namespace: `mirror` rewrites every image to a registry mirror (as an enterprise admission policy
 * does), `mesh*` injects a proxy container (and brings an existing one to the current version), `defaults`
 * refuses images tagged `forbidden` (a policy webhook); elsewhere nothing.
 */
function admit(request: AdmissionRequest): AdmissionVerdict {
  const spec = ((request.object['spec'] as Record<string, unknown>)['template'] as { spec: PodSpec }).spec;
  const namespace = request.namespace ?? '';
  if (namespace === 'mirror') {
    const patch = spec.containers.flatMap((c, i) =>
      c.image.startsWith('mirror.local/')
        ? []
        : [
            {
              op: 'replace',
              path: `/spec/template/spec/containers/${i}/image`,
              value: `mirror.local/${c.image}`,
            },
          ],
    );
    return patch.length > 0 ? { patch } : {};
  }
  if (namespace.startsWith('mesh')) {
    const i = spec.containers.findIndex((c) => c.name === 'mesh-proxy');
    if (i < 0)
      return {
        patch: [
          {
            op: 'add',
            path: '/spec/template/spec/containers/-',
            value: { name: 'mesh-proxy', image: webhookState.proxyImage },
          },
        ],
      };
    if (spec.containers[i]!.image === webhookState.proxyImage) return {};
    return {
      patch: [
        { op: 'replace', path: `/spec/template/spec/containers/${i}/image`, value: webhookState.proxyImage },
      ],
    };
  }
  if (namespace === 'defaults' && spec.containers.some((c) => c.image.endsWith(':forbidden')))
    return {
      allowed: false,
      status: { code: 403, message: 'images tagged "forbidden" are not allowed here' },
    };
  return {};
}

/** Every value a Deployment or Service may leave to the API server's defaults, and values it normalizes. */
const defaulted = {
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook-ui
spec:
  replicas: 1
  selector:
    matchLabels: { app: guestbook-ui }
  template:
    metadata:
      labels: { app: guestbook-ui }
    spec:
      containers:
        - name: ui
          image: nginx:1.27
          ports: [{ name: http, containerPort: 80 }]
          resources:
            requests: { cpu: 0.5, memory: 64Mi }
          securityContext: { readOnlyRootFilesystem: false }
          volumeMounts: [{ name: config, mountPath: /etc/ui, readOnly: false }]
      volumes:
        - name: config
          configMap: { name: guestbook-config }
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: guestbook-ui
spec:
  selector: { app: guestbook-ui }
  ports: [{ port: 80, targetPort: http }]
`,
  'config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: guestbook-config
data:
  greeting: hello
`,
};

/** The dry runs a refresh sent for the resources of one namespace. */
const dryRunsIn = (namespace: string) => (r: RecordedRequest) =>
  r.method === 'PATCH' &&
  r.contentType === 'application/apply-patch+yaml' &&
  r.query['dryRun'] === 'All' &&
  r.query['fieldManager'] === 'berth' &&
  r.query['force'] === 'true' &&
  r.path.includes(`/namespaces/${namespace}/`);

describe('server-side diff against the sandbox, with a mutating webhook', () => {
  let h: WorkerHarness;
  let webhook: AdmissionWebhookReceiver;
  const cache = new PredictedLiveCache();

  const refresh = (app: string, reason = 'periodic', hard = false) =>
    h.refresh().process({ application: app, hard, reason });
  /** The resources the app's last sync status change named as drifted (`Kind/name`). */
  const drifted = async (app: string) => {
    const changes = (await h.events(app)).filter(
      (e): e is SyncStatusChanged => e.type === 'SyncStatusChanged',
    );
    return (changes.at(-1)?.data.outOfSync ?? []).map((r) => `${r.kind}/${r.name}`);
  };
  const createApp = async (name: string, path: string, compareOptions?: string) => {
    const manifest: ApplicationManifest = h.manifest(name, path);
    if (compareOptions)
      manifest.metadata.annotations = { 'argocd.argoproj.io/compare-options': compareOptions };
    await h.createAppFromManifest(manifest);
    const id = await h.requestSync(name);
    expect(await h.sync().process({ application: name, operationId: id })).toBe('Succeeded');
    return manifest;
  };

  beforeAll(async () => {
    webhook = await startAdmissionWebhookReceiver(admit);
    h = await WorkerHarness.start({
      sandbox: { timeScale: 0.02, recordRequests: true },
      deps: { predictedLive: cache },
    });
    await h.cluster.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'policies' },
      webhooks: [
        {
          name: 'policies.example.com',
          clientConfig: { url: webhook.url('/admit'), caBundle: webhook.caBundle },
          rules: [
            {
              operations: ['CREATE', 'UPDATE'],
              apiGroups: ['apps'],
              apiVersions: ['v1'],
              resources: ['deployments'],
            },
          ],
          failurePolicy: 'Fail',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
    await h.repo.commit({
      ...under('mirror', guestbook()),
      ...under('mesh', guestbook()),
      ...under('defaults', defaulted),
    });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await webhook?.close();
  });

  it('the three-way diff fights a webhook that rewrites an image; server-side diff sees the rewrite coming', async () => {
    const manifest = await createApp('mirror', 'mirror');
    const live = await h.cluster.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'mirror',
      name: 'guestbook-ui',
    });
    expect((live!['spec'] as { template: { spec: PodSpec } }).template.spec.containers[0]!.image).toBe(
      'mirror.local/nginx:1.27',
    );

    // Default (three-way): Git says nginx:1.27, live says mirror.local/nginx:1.27, forever.
    expect((await refresh('mirror')).syncStatus).toBe('OutOfSync');
    expect(await drifted('mirror')).toEqual(['Deployment/guestbook-ui']);

    // controller.diff.server.side for every app: the dry run predicts the rewritten image.
    h.deps.compareOptions = { serverSideDiff: true };
    try {
      expect((await refresh('mirror')).syncStatus).toBe('Synced');
      // ServerSideDiff=false on the app wins over the global setting.
      manifest.metadata.annotations = { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=false' };
      await h.record('mirror', [
        applicationEvent('ApplicationSpecChanged', {
          application: 'mirror',
          project: 'default',
          manifest,
          changedPaths: ['metadata.annotations'],
        }),
      ]);
      expect((await refresh('mirror')).syncStatus).toBe('OutOfSync');
    } finally {
      delete h.deps.compareOptions;
    }
  });

  it('IncludeMutationWebhook: a proxy upgrade the webhook would make is drift only when asked for', async () => {
    await createApp('mesh', 'mesh', 'ServerSideDiff=true');
    await createApp('mesh-strict', 'mesh', 'ServerSideDiff=true, IncludeMutationWebhook=true');
    // Rolled out: the simulated controllers no longer write the Deployment (a new resourceVersion asks anew).
    await h.refreshUntilHealth('mesh', 'Healthy');
    await h.refreshUntilHealth('mesh-strict', 'Healthy');
    h.sandbox.clearRequests();
    expect((await refresh('mesh', 'user')).syncStatus).toBe('Synced');
    expect((await refresh('mesh-strict', 'user')).syncStatus).toBe('Synced');
    // One dry run per live resource (ConfigMap, Deployment, Service); a periodic refresh asks none again.
    expect(h.sandbox.requests(dryRunsIn('mesh-strict'))).toHaveLength(3);
    const hits = cache.hits;
    expect((await refresh('mesh-strict')).syncStatus).toBe('Synced');
    expect(h.sandbox.requests(dryRunsIn('mesh-strict'))).toHaveLength(3);
    expect(cache.hits - hits).toBe(3);

    webhookState.proxyImage = 'envoyproxy/envoy:v1.31';
    // The cache cannot see a webhook answer differently: a periodic refresh keeps the last prediction, as
    // Argo CD keeps its cached diff until a refresh is requested.
    expect((await refresh('mesh-strict')).syncStatus).toBe('Synced');
    // A requested refresh asks the server again.
    expect((await refresh('mesh-strict', 'user')).syncStatus).toBe('OutOfSync');
    expect(await drifted('mesh-strict')).toEqual(['Deployment/guestbook-ui']);
    expect(h.sandbox.requests(dryRunsIn('mesh-strict'))).toHaveLength(6);
    // Without IncludeMutationWebhook the proxy the webhook owns is left out of the prediction.
    expect((await refresh('mesh', 'user')).syncStatus).toBe('Synced');
    // A hard refresh asks again too.
    expect((await refresh('mesh', 'test', true)).syncStatus).toBe('Synced');
    expect(h.sandbox.requests(dryRunsIn('mesh'))).toHaveLength(9);
  });

  it('no false OutOfSync for defaulted and normalized fields; a change someone makes in the cluster is drift', async () => {
    await createApp('defaults', 'defaults', 'ServerSideDiff=true, IncludeMutationWebhook=true');
    await h.refreshUntilHealth('defaults', 'Healthy');
    expect((await refresh('defaults', 'user')).syncStatus).toBe('Synced');
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'defaults',
      name: 'guestbook-ui',
    };
    // What the server stored differs from Git in form only.
    const live = (await h.cluster.get(deployment))!['spec'] as {
      revisionHistoryLimit: number;
      template: { spec: { containers: Array<{ imagePullPolicy: string; resources: unknown }> } };
    };
    expect(live.revisionHistoryLimit).toBe(10);
    expect(live.template.spec.containers[0]!.imagePullPolicy).toBe('IfNotPresent');

    await h.cluster.mergePatch(deployment, { spec: { replicas: 3 } });
    expect((await refresh('defaults')).syncStatus).toBe('OutOfSync');
    expect(await drifted('defaults')).toEqual(['Deployment/guestbook-ui']);
  });

  it('a dry run an admission webhook refuses fails the comparison, naming the resource and the reason', async () => {
    await h.repo.commit(
      under('defaults', {
        ...defaulted,
        'deployment.yaml': defaulted['deployment.yaml'].replace('nginx:1.27', 'nginx:forbidden'),
      }),
    );
    const result = await refresh('defaults', 'test', true);
    expect(result.syncStatus).toBeUndefined();
    const raised = (await h.events('defaults')).filter(
      (e): e is ConditionRaised => e.type === 'ConditionRaised',
    );
    expect(raised.at(-1)!.data).toMatchObject({ conditionType: 'ComparisonError' });
    expect(raised.at(-1)!.data.message).toContain(
      'server-side diff: the server-side apply dry run of apps/Deployment/defaults/guestbook-ui failed',
    );
    expect(raised.at(-1)!.data.message).toContain('images tagged "forbidden" are not allowed here');
  });
});
