import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import {
  type AdmissionRequest,
  type AdmissionVerdict,
  type AdmissionWebhookReceiver,
  startAdmissionWebhookReceiver,
} from './testing/admission-webhook-receiver';

// A server-side apply dry run (`dryRun=All`) must answer exactly what the same apply then stores, and store
// nothing: Berth's server-side diff (Argo CD's ServerSideDiff=true) takes the answer as the predicted live
// object. Defaults, admission webhooks, managedFields and generation as the real write; no resourceVersion,
// no watch event, no address taken.
type Json = Record<string, unknown>;

const NS = 'ssd';
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;
const SERVICES = `/api/v1/namespaces/${NS}/services`;
const APPLY = 'application/apply-patch+yaml';

function deployment(image: string, extra: Json = {}): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080 }], ...extra }] },
      },
    },
  };
}

function service(name: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

/** A mesh injector: a proxy container, once. */
function injectProxy(request: AdmissionRequest): AdmissionVerdict {
  const spec = ((request.object['spec'] as Json)['template'] as Json)['spec'] as {
    containers: Array<{ name: string }>;
  };
  if (spec.containers.some((c) => c.name === 'proxy')) return {};
  return {
    patch: [
      {
        op: 'add',
        path: '/spec/template/spec/containers/-',
        value: { name: 'proxy', image: 'envoyproxy/envoy:v1.31' },
      },
    ],
  };
}

/** What differs between a dry run's answer and the stored write by nature: the new resourceVersion, the times. */
function comparable(obj: Json): Json {
  const copy = JSON.parse(JSON.stringify(obj)) as Json;
  const meta = copy['metadata'] as Json;
  delete meta['resourceVersion'];
  for (const entry of (meta['managedFields'] as Json[] | undefined) ?? []) delete entry['time'];
  return copy;
}

describe('sandbox server-side apply dry runs answer what the apply stores, and store nothing', () => {
  let cluster: SandboxCluster;
  let injector: AdmissionWebhookReceiver;

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(cluster.url + path, {
      method,
      headers: {
        Authorization: 'Bearer sandbox',
        ...(body !== undefined ? { 'Content-Type': contentType } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const apply = (path: string, obj: Json, dryRun: boolean) =>
    call(
      'PATCH',
      `${path}?fieldManager=berth&force=true${dryRun ? '&dryRun=All' : ''}`,
      JSON.stringify(obj),
      APPLY,
    );
  /** The list resourceVersion: the store's one counter, moved by every stored write. */
  const storeVersion = async () =>
    ((await call('GET', '/api/v1/namespaces')).body['metadata'] as Json)['resourceVersion'];

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, simulate: false });
    injector = await startAdmissionWebhookReceiver(injectProxy);
    expect((await call('POST', '/api/v1/namespaces', { metadata: { name: NS } })).status).toBe(201);
    const configured = await call(
      'POST',
      '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: 'mesh' },
        webhooks: [
          {
            name: 'mesh.example.com',
            clientConfig: { url: injector.url(), caBundle: injector.caBundle },
            rules: [
              {
                operations: ['CREATE', 'UPDATE'],
                apiGroups: ['apps'],
                apiVersions: ['v1'],
                resources: ['deployments'],
              },
            ],
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
          },
        ],
      },
    );
    expect(configured.status).toBe(201);
  }, 30_000);
  afterAll(async () => {
    await cluster?.close();
    await injector?.close();
  });

  it('an update: defaults, the webhook’s sidecar, managedFields and generation as stored; nothing stored', async () => {
    const first = await apply(`${DEPLOYMENTS}/web`, deployment('nginx:1.27'), false);
    expect(first.status).toBe(201);
    const before = await storeVersion();
    const changed = deployment('nginx:1.28', { env: [{ name: 'MODE', value: 'blue' }] });

    const preview = await apply(`${DEPLOYMENTS}/web`, changed, true);
    expect(preview.status).toBe(200);
    expect(injector.reviews.at(-1)).toMatchObject({ operation: 'UPDATE', dryRun: true });
    // Nothing stored: the object, its resourceVersion and the store's counter are as they were.
    expect((await call('GET', `${DEPLOYMENTS}/web`)).body).toEqual(first.body);
    expect(await storeVersion()).toBe(before);
    expect((preview.body['metadata'] as Json)['resourceVersion']).toBe(
      (first.body['metadata'] as Json)['resourceVersion'],
    );

    const stored = await apply(`${DEPLOYMENTS}/web`, changed, false);
    expect(stored.status).toBe(200);
    expect(comparable(preview.body)).toEqual(comparable(stored.body));
    // What the answer holds is what server-side diff relies on.
    const spec = (preview.body['spec'] as Json)['template'] as { spec: { containers: Json[] } };
    expect(spec.spec.containers.map((c) => [c['name'], c['image'], c['imagePullPolicy']])).toEqual([
      ['web', 'nginx:1.28', 'IfNotPresent'],
      ['proxy', 'envoyproxy/envoy:v1.31', 'IfNotPresent'],
    ]);
    expect((preview.body['metadata'] as Json)['generation']).toBe(2);
    const berth = ((preview.body['metadata'] as Json)['managedFields'] as Json[]).filter(
      (e) => e['manager'] === 'berth',
    );
    expect(berth.map((e) => e['operation'])).toEqual(['Apply']);
    expect(JSON.stringify(berth[0]!['fieldsV1'])).toContain('f:env');
    expect(JSON.stringify(berth[0]!['fieldsV1'])).not.toContain('proxy');
  });

  it('an apply that changes nothing answers the live object as it is', async () => {
    const live = (await call('GET', `${DEPLOYMENTS}/web`)).body;
    const preview = await apply(
      `${DEPLOYMENTS}/web`,
      deployment('nginx:1.28', { env: [{ name: 'MODE', value: 'blue' }] }),
      true,
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual(live);
  });

  it('a create takes no ClusterIP or NodePort: the real create gets the addresses the dry run showed', async () => {
    const before = await storeVersion();
    const preview = await apply(`${SERVICES}/front`, service('front'), true);
    const again = await apply(`${SERVICES}/front`, service('front'), true);
    expect(preview.status).toBe(201);
    expect((await call('GET', `${SERVICES}/front`)).status).toBe(404);
    expect(await storeVersion()).toBe(before);
    const addresses = (obj: Json) => {
      const spec = obj['spec'] as { clusterIP: string; ports: Array<{ nodePort: number }> };
      return [spec.clusterIP, spec.ports.map((p) => p.nodePort)];
    };
    expect(addresses(again.body)).toEqual(addresses(preview.body));
    const created = await apply(`${SERVICES}/front`, service('front'), false);
    expect(created.status).toBe(201);
    expect(addresses(created.body)).toEqual(addresses(preview.body));
    const next = await apply(`${SERVICES}/back`, service('back'), false);
    expect(addresses(next.body)[0]).not.toBe(addresses(created.body)[0]);
  });

  it('a dry run the server refuses is refused as the real apply is', async () => {
    const invalid = deployment('nginx:1.28');
    ((invalid['spec'] as Json)['selector'] as Json)['matchLabels'] = { app: 'other' };
    const preview = await apply(`${DEPLOYMENTS}/web`, invalid, true);
    const real = await apply(`${DEPLOYMENTS}/web`, invalid, false);
    expect(preview.status).toBe(422);
    expect(real.status).toBe(422);
    expect(preview.body['message']).toBe(real.body['message']);
  });
});
