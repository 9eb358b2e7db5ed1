import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import {
  type AdmissionRequest,
  type AdmissionVerdict,
  type AdmissionWebhookReceiver,
  startAdmissionWebhookReceiver,
} from './testing/admission-webhook-receiver';

type Json = Record<string, unknown>;

const DEPLOYMENTS = '/apis/apps/v1/namespaces/hooks/deployments';
const CONFIGURATIONS = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';

function deployment(name: string): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'hooks', labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  };
}

/** What a sidecar injector answers: add the proxy container and its volume unless they are there. */
function injectSidecar(request: AdmissionRequest): AdmissionVerdict {
  const spec = ((request.object['spec'] as Json)['template'] as Json)['spec'] as {
    containers: Array<{ name: string }>;
    volumes?: Array<{ name: string }>;
  };
  const patch: Array<Record<string, unknown>> = [];
  if (!spec.containers.some((c) => c.name === 'proxy'))
    patch.push({
      op: 'add',
      path: '/spec/template/spec/containers/-',
      value: {
        name: 'proxy',
        image: 'envoyproxy/envoy:v1.31',
        volumeMounts: [{ name: 'proxy-config', mountPath: '/etc/proxy' }],
      },
    });
  if (!spec.volumes) patch.push({ op: 'add', path: '/spec/template/spec/volumes', value: [] });
  if (!spec.volumes?.some((v) => v.name === 'proxy-config'))
    patch.push({
      op: 'add',
      path: '/spec/template/spec/volumes/-',
      value: { name: 'proxy-config', emptyDir: {} },
    });
  return patch.length > 0 ? { patch } : {};
}

function webhookConfiguration(name: string, receiver: AdmissionWebhookReceiver, hook: Json = {}): Json {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name },
    webhooks: [
      {
        name: `${name}.example.com`,
        clientConfig: { url: receiver.url(), caBundle: receiver.caBundle },
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
        ...hook,
      },
    ],
  };
}

/** The containers a Deployment's managedFields attribute to any manager. */
function ownedContainers(obj: Json): string[] {
  const entries = (obj['metadata'] as { managedFields?: Array<{ fieldsV1?: unknown }> }).managedFields ?? [];
  return entries.flatMap(
    (e) => JSON.stringify(e.fieldsV1 ?? {}).match(/k:\{\\"name\\":\\"[a-z-]+\\"\}/g) ?? [],
  );
}

describe('sandbox admission webhooks (a MutatingWebhookConfiguration called as a real API server calls it)', () => {
  let cluster: SandboxCluster;
  let injector: AdmissionWebhookReceiver;
  let stranger: AdmissionWebhookReceiver;

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
  const containers = (obj: Json) =>
    (((obj['spec'] as Json)['template'] as Json)['spec'] as { containers: Json[] }).containers;
  const configure = async (configuration: Json) => {
    const created = await call('POST', CONFIGURATIONS, configuration);
    expect(created.status).toBe(201);
  };

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, simulate: false, recordRequests: true });
    injector = await startAdmissionWebhookReceiver(injectSidecar);
    stranger = await startAdmissionWebhookReceiver(() => ({}));
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'hooks', labels: { inject: 'enabled' } } });
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'plain' } });
  });
  afterAll(async () => {
    await cluster?.close();
    await injector?.close();
    await stranger?.close();
  });
  beforeEach(async () => {
    await call('DELETE', CONFIGURATIONS);
    await call('DELETE', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations');
    await call('DELETE', DEPLOYMENTS);
    injector.reviews.length = 0;
  });

  it('refuses a configuration it could not call as the real server refuses it, naming the field', async () => {
    const noSideEffects = webhookConfiguration('bad', injector);
    delete ((noSideEffects['webhooks'] as Json[])[0] as Json)['sideEffects'];
    const refused = await call('POST', CONFIGURATIONS, noSideEffects);
    expect(refused.status).toBe(422);
    expect(refused.body['message']).toContain('webhooks[0].sideEffects: Required value');
    const http = webhookConfiguration('http', injector, { clientConfig: { url: 'http://127.0.0.1:1/x' } });
    expect((await call('POST', CONFIGURATIONS, http)).body['message']).toContain(
      "'https' is the only allowed URL scheme",
    );
    const stored = await call('POST', CONFIGURATIONS, webhookConfiguration('defaults', injector));
    expect((stored.body['webhooks'] as Json[])[0]).toMatchObject({
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      timeoutSeconds: 10,
      reinvocationPolicy: 'Never',
      namespaceSelector: {},
      objectSelector: {},
    });
  });

  it('applies the JSONPatch of a create, defaults what it added, and attributes it to no manager', async () => {
    await configure(webhookConfiguration('inject', injector));
    const created = await call('POST', `${DEPLOYMENTS}?fieldManager=alice`, deployment('web'));
    expect(created.status).toBe(201);
    expect(containers(created.body).map((c) => c['name'])).toEqual(['web', 'proxy']);
    // The webhook's container is defaulted like the rest of the object.
    expect(containers(created.body)[1]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
    });
    // Kubernetes records managedFields before mutating admission: what the webhook added has no owner.
    expect(ownedContainers(created.body)).toEqual([String.raw`k:{\"name\":\"web\"}`]);
    const [review] = injector.reviews;
    expect(review).toMatchObject({
      operation: 'CREATE',
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      name: 'web',
      namespace: 'hooks',
      dryRun: false,
      oldObject: null,
      options: { kind: 'CreateOptions', fieldManager: 'alice' },
    });
  });

  it('calls it on server-side apply and dry runs; a re-apply the webhook leaves alone is a no-op', async () => {
    await configure(webhookConfiguration('inject', injector));
    const apply = (dryRun: boolean) =>
      call(
        'PATCH',
        `${DEPLOYMENTS}/api?fieldManager=berth&force=true${dryRun ? '&dryRun=All' : ''}`,
        JSON.stringify(deployment('api')),
        'application/apply-patch+yaml',
      );
    const preview = await apply(true);
    expect(preview.status).toBe(201);
    expect(containers(preview.body).map((c) => c['name'])).toEqual(['web', 'proxy']);
    expect(injector.reviews[0]).toMatchObject({
      operation: 'CREATE',
      dryRun: true,
      options: { dryRun: ['All'] },
    });
    expect((await call('GET', `${DEPLOYMENTS}/api`)).status).toBe(404);

    const first = await apply(false);
    expect(containers(first.body).map((c) => c['name'])).toEqual(['web', 'proxy']);
    expect(ownedContainers(first.body)).toEqual([String.raw`k:{\"name\":\"web\"}`]);
    const again = await apply(false);
    expect(again.status).toBe(200);
    const rv = (o: Json) => (o['metadata'] as Json)['resourceVersion'];
    expect(rv(again.body)).toBe(rv(first.body));
    expect(injector.reviews.map((r) => r.operation)).toEqual(['CREATE', 'CREATE', 'UPDATE']);
    expect(injector.reviews[2]!.oldObject).not.toBeNull();
  });

  it('calls only webhooks whose rules and namespaceSelector select the request', async () => {
    await configure(
      webhookConfiguration('status-only', injector, {
        rules: [
          { operations: ['*'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments/status'] },
        ],
      }),
    );
    await configure(
      webhookConfiguration('configmaps', injector, {
        rules: [{ operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      }),
    );
    await configure(
      webhookConfiguration('create-elsewhere', injector, {
        namespaceSelector: { matchLabels: { inject: 'elsewhere' } },
      }),
    );
    const created = await call('POST', DEPLOYMENTS, deployment('quiet'));
    expect(containers(created.body).map((c) => c['name'])).toEqual(['web']);
    expect(injector.reviews).toEqual([]);

    await configure(
      webhookConfiguration('update-only', injector, {
        rules: [{ operations: ['UPDATE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }],
        namespaceSelector: { matchExpressions: [{ key: 'inject', operator: 'In', values: ['enabled'] }] },
      }),
    );
    const second = await call('POST', DEPLOYMENTS, deployment('still-quiet'));
    expect(containers(second.body).map((c) => c['name'])).toEqual(['web']);
    const patched = await call(
      'PATCH',
      `${DEPLOYMENTS}/still-quiet`,
      { metadata: { labels: { touched: 'yes' } } },
      'application/merge-patch+json',
    );
    expect(containers(patched.body).map((c) => c['name'])).toEqual(['web', 'proxy']);
    expect(injector.reviews.map((r) => `${r.operation} ${r.name}`)).toEqual(['UPDATE still-quiet']);
  });

  it('failurePolicy decides what an unreachable or untrusted webhook means', async () => {
    const untrusted = webhookConfiguration('untrusted', injector, {
      clientConfig: { url: injector.url(), caBundle: stranger.caBundle },
    });
    await configure(untrusted);
    const refused = await call('POST', DEPLOYMENTS, deployment('refused'));
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({ reason: 'InternalError' });
    expect(refused.body['message']).toMatch(
      /^Internal error occurred: failed calling webhook "untrusted.example.com": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/mutate\?timeout=10s": .*certificate/,
    );
    expect(injector.reviews).toEqual([]);
    await call('DELETE', CONFIGURATIONS);
    await configure(
      webhookConfiguration('gone', injector, {
        clientConfig: { url: 'https://127.0.0.1:1/mutate', caBundle: injector.caBundle },
        failurePolicy: 'Ignore',
      }),
    );
    const allowed = await call('POST', DEPLOYMENTS, deployment('allowed'));
    expect(allowed.status).toBe(201);
    expect(containers(allowed.body).map((c) => c['name'])).toEqual(['web']);
  });

  it('a denial is the webhook’s status, naming it; a validating webhook can deny too', async () => {
    const denier = await startAdmissionWebhookReceiver(() => ({
      allowed: false,
      status: { code: 403, message: 'images must come from registry.example.com' },
    }));
    try {
      await configure(
        webhookConfiguration('policy', denier, {
          clientConfig: { url: denier.url(), caBundle: denier.caBundle },
        }),
      );
      const denied = await call('POST', DEPLOYMENTS, deployment('denied'));
      expect(denied.status).toBe(403);
      expect(denied.body['message']).toBe(
        'admission webhook "policy.example.com" denied the request: images must come from registry.example.com',
      );
      await call('DELETE', CONFIGURATIONS);
      const validating = {
        ...webhookConfiguration('validate', denier, {
          clientConfig: { url: denier.url(), caBundle: denier.caBundle },
        }),
        kind: 'ValidatingWebhookConfiguration',
      };
      await call('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', validating);
      expect((await call('POST', DEPLOYMENTS, deployment('denied'))).status).toBe(403);
      expect((await call('GET', `${DEPLOYMENTS}/denied`)).status).toBe(404);
    } finally {
      await denier.close();
    }
  });

  it('a response for another request (wrong uid) is a failed call', async () => {
    const liar = await startAdmissionWebhookReceiver(() => ({
      raw: {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid: 'other', allowed: true },
      },
    }));
    try {
      await configure(
        webhookConfiguration('liar', liar, { clientConfig: { url: liar.url(), caBundle: liar.caBundle } }),
      );
      const failed = await call('POST', DEPLOYMENTS, deployment('lied-to'));
      expect(failed.status).toBe(500);
      expect(failed.body['message']).toContain('received invalid webhook response: expected response.uid=');
    } finally {
      await liar.close();
    }
  });

  it('records what clients sent: method, path, query parameters, content type and body', async () => {
    cluster.clearRequests();
    await call(
      'PATCH',
      `${DEPLOYMENTS}/logged?fieldManager=berth&force=true&fieldValidation=Strict`,
      JSON.stringify(deployment('logged')),
      'application/apply-patch+yaml',
    );
    const [request] = cluster.requests((r) => r.method === 'PATCH');
    expect(request).toMatchObject({
      method: 'PATCH',
      path: `${DEPLOYMENTS}/logged`,
      query: { fieldManager: 'berth', force: 'true', fieldValidation: 'Strict' },
      contentType: 'application/apply-patch+yaml',
      status: 201,
    });
    expect(JSON.parse(request!.body!)).toMatchObject({ kind: 'Deployment' });
  });
});
