import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startSandboxCluster, type RecordedRequest, type SandboxCluster } from '@berth/sandbox-cluster';
import { effectiveSyncOptions, type KubeObject, LAST_APPLIED_ANNOTATION } from '@berth/domain';
import { applyStrategyOf } from './apply-strategy';
import { KubeCluster } from './kube-cluster';

const NS = 'apply-it';

/** The strategy a resource annotated `argocd.argoproj.io/sync-options: <options>` gets. */
const strategy = (options = '') =>
  applyStrategyOf(effectiveSyncOptions(undefined, configMap('x', {}, options ? { options } : {})));

function configMap(
  name: string,
  data: Record<string, string>,
  extra: { options?: string; labels?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: NS,
      ...(extra.labels ? { labels: extra.labels } : {}),
      ...(extra.options ? { annotations: { 'argocd.argoproj.io/sync-options': extra.options } } : {}),
    },
    data,
  };
}

function job(name: string, image: string): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } },
    },
  };
}

function deployment(name: string, containers: Array<Record<string, unknown>>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}

/** What was sent for one object: `METHOD content-type` per request, GETs left out. */
function writes(requests: RecordedRequest[]): string[] {
  return requests
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method}${r.contentType ? ` ${r.contentType}` : ''}`);
}

describe('applyResource sends what each sync option asks for (request log of the sandbox)', () => {
  let sandbox: SandboxCluster;
  let cluster: KubeCluster;
  const sent = (name: string) =>
    sandbox.requests(
      (r) =>
        r.path.endsWith(`/${name}`) ||
        r.path.endsWith(`/${NS}/configmaps`) ||
        r.path.endsWith(`/${NS}/jobs`) ||
        r.path.endsWith(`/${NS}/deployments`),
    );

  beforeAll(async () => {
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01, recordRequests: true });
    cluster = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
    await cluster.ensureNamespace(NS);
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(() => sandbox.clearRequests());

  it('by default: server-side apply, field manager berth, conflicts forced, strict field validation', async () => {
    const outcome = await cluster.applyResource(configMap('ssa', { a: '1' }), strategy());
    expect(outcome.result).toBe('created');
    const [request] = sandbox.requests((r) => r.method === 'PATCH');
    expect(request).toMatchObject({
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'berth', force: 'true', fieldValidation: 'Strict' },
    });
    const again = await cluster.applyResource(configMap('ssa', { a: '1' }), strategy(), {
      live: outcome.object,
    });
    expect(again.result).toBe('unchanged');
  });

  it('Validate=false: fieldValidation=Ignore, whatever the write', async () => {
    for (const options of [
      'Validate=false',
      'Validate=false,ServerSideApply=false',
      'Validate=false,Replace=true',
    ]) {
      sandbox.clearRequests();
      await cluster.applyResource(configMap('lenient', { a: options }, { options }), strategy(options));
      const written = sandbox.requests((r) => r.method !== 'GET');
      expect(written.length).toBeGreaterThan(0);
      for (const r of written) expect(r.query['fieldValidation']).toBe('Ignore');
    }
  });

  it('ServerSideApply=false: created with last-applied, then kubectl’s three-way patch; nothing sent when unchanged', async () => {
    const options = 'ServerSideApply=false';
    const first = configMap('csa', { a: '1', b: '2' }, { options, labels: { team: 'a', tier: 'front' } });
    const created = await cluster.applyResource(first, strategy(options));
    expect(created.result).toBe('created');
    const lastApplied = JSON.parse(
      created.object.metadata.annotations![LAST_APPLIED_ANNOTATION]!,
    ) as KubeObject;
    expect(lastApplied).toMatchObject({ data: { a: '1', b: '2' }, metadata: { labels: { tier: 'front' } } });
    // Someone else adds a label: client-side apply leaves what its last apply did not declare.
    await cluster.mergePatch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'csa' },
      {
        metadata: { labels: { 'added-by': 'controller' } },
      },
    );
    sandbox.clearRequests();
    const second = configMap('csa', { a: '1' }, { options, labels: { team: 'b' } });
    const patched = await cluster.applyResource(second, strategy(options));
    expect(patched.result).toBe('configured');
    expect(writes(sent('csa'))).toEqual(['PATCH application/strategic-merge-patch+json']);
    const [request] = sandbox.requests((r) => r.method === 'PATCH');
    expect(request?.query).toEqual({ fieldManager: 'berth', fieldValidation: 'Strict' });
    expect(JSON.parse(request!.body!)).toMatchObject({
      data: { b: null },
      metadata: { labels: { team: 'b', tier: null } },
    });
    expect(patched.object.metadata.labels).toEqual({ team: 'b', 'added-by': 'controller' });
    expect(patched.object['data']).toEqual({ a: '1' });
    sandbox.clearRequests();
    expect((await cluster.applyResource(second, strategy(options))).result).toBe('unchanged');
    expect(writes(sent('csa'))).toEqual([]);
  });

  it('ServerSideApply=false keeps what a webhook or controller added to a Deployment’s lists', async () => {
    const options = 'ServerSideApply=false';
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'csa-web' };
    await cluster.applyResource(
      deployment('csa-web', [{ name: 'web', image: 'nginx:1.27' }]),
      strategy(options),
    );
    const live = await cluster.get(ref);
    const spec = (live!['spec'] as { template: { spec: { containers: unknown[] } } }).template.spec;
    await cluster.mergePatch(ref, {
      spec: { template: { spec: { containers: [...spec.containers, { name: 'proxy', image: 'envoy' }] } } },
    });
    const updated = await cluster.applyResource(
      deployment('csa-web', [{ name: 'web', image: 'nginx:1.28' }]),
      strategy(options),
    );
    const containers = (
      updated.object['spec'] as { template: { spec: { containers: Array<{ name: string; image: string }> } } }
    ).template.spec.containers;
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['web=nginx:1.28', 'proxy=envoy']);
  });

  it('Replace=true: PUT when it exists, POST when it does not; never server-side apply', async () => {
    const options = 'Replace=true';
    expect(
      (await cluster.applyResource(configMap('replaced', { a: '1' }, { options }), strategy(options))).result,
    ).toBe('created');
    expect(
      (await cluster.applyResource(configMap('replaced', { b: '2' }, { options }), strategy(options))).result,
    ).toBe('replaced');
    expect(writes(sent('replaced'))).toEqual(['POST application/json', 'PUT application/json']);
    const put = sandbox.requests((r) => r.method === 'PUT')[0]!;
    expect((JSON.parse(put.body!) as KubeObject).metadata['resourceVersion']).toBeDefined();
    const live = await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'replaced' });
    expect(live?.['data']).toEqual({ b: '2' });
  });

  it('Force=true,Replace=true: deleted and created anew (a new uid) on every sync', async () => {
    const options = 'Force=true,Replace=true';
    const first = await cluster.applyResource(job('migrate', 'migrate:1'), strategy(options));
    sandbox.clearRequests();
    const second = await cluster.applyResource(job('migrate', 'migrate:1'), strategy(options));
    expect(second.result).toBe('replaced');
    expect(writes(sent('migrate'))).toEqual(['DELETE application/json', 'POST application/json']);
    expect(second.object.metadata['uid']).not.toBe(first.object.metadata['uid']);
  });

  it('Force=true: an apply the server refuses (an immutable Job template) deletes and recreates', async () => {
    await cluster.applyResource(job('once', 'migrate:1'), strategy());
    const refused = await cluster
      .applyResource(job('once', 'migrate:2'), strategy())
      .catch((e: unknown) => e);
    expect((refused as Error).message).toContain('spec.template: Invalid value');
    sandbox.clearRequests();
    const options = 'Force=true';
    const forced = await cluster.applyResource(job('once', 'migrate:2'), strategy(options));
    expect(forced.result).toBe('replaced');
    expect(writes(sent('once'))).toEqual([
      'PATCH application/apply-patch+yaml',
      'DELETE application/json',
      'PATCH application/apply-patch+yaml',
    ]);
  });

  it('drops a namespace Git set on a cluster-scoped object', async () => {
    const ns: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'stray-ns', namespace: 'default' },
    };
    await cluster.applyResource(ns, strategy());
    const [request] = sandbox.requests((r) => r.method === 'PATCH');
    expect(request?.path).toBe('/api/v1/namespaces/stray-ns');
    expect((JSON.parse(request!.body!) as KubeObject).metadata.namespace).toBeUndefined();
  });
});
