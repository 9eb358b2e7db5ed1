import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 1: fields a kind's schema does not declare are dropped from what is stored, and
// `fieldValidation=Strict|Warn|Ignore` decides whether the request is refused, warned about or silent, with a
// real kube-apiserver 1.34's status codes, messages and Warning headers, for client- and server-side apply.

const ns = 'field-validation';

/** The members of a stored Deployment these tests read. */
interface StoredDeployment {
  spec: {
    foo?: unknown;
    replicas?: number;
    template: { spec: { containers: Array<Record<string, unknown>> } };
  };
}

function deployment(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ...(extra['container'] ?? {}) }] },
      },
      ...(extra['spec'] as Record<string, unknown> | undefined),
    },
  };
}

describe('field validation of unknown fields, as kube-apiserver 1.34 does it', () => {
  let cluster: SandboxCluster;
  let dir: string;
  let kubeconfig: string;
  const kubectlIt = findKubectl() ? it : it.skip;
  const kubectl = (args: string[], input?: string) =>
    runKubectl(args, { kubeconfig, home: dir, ...(input !== undefined ? { input } : {}) });
  const send = (method: string, path: string, body: unknown, contentType = 'application/json') =>
    fetch(`${cluster.url}${path}`, {
      method,
      headers: { 'Content-Type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const getJson = async (path: string) =>
    (await (await fetch(`${cluster.url}${path}`)).json()) as StoredDeployment;

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    dir = await mkdtemp(join(tmpdir(), 'sandbox-field-validation-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
    await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const collection = `/apis/apps/v1/namespaces/${ns}/deployments`;
  const withUnknown = (name: string) => deployment(name, { spec: { foo: 1 }, container: { bar: 'x' } });

  it('Strict: 400 BadRequest naming every unknown field, nothing stored', async () => {
    const res = await send('POST', `${collection}?fieldValidation=Strict`, withUnknown('strict'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'BadRequest',
      code: 400,
      message:
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ' +
        'unknown field "spec.template.spec.containers[0].bar", unknown field "spec.foo"',
    });
    expect((await fetch(`${cluster.url}${collection}/strict`)).status).toBe(404);
  });

  it('Warn (the default): 201 with one Warning header per field, the fields pruned', async () => {
    for (const [name, query] of [
      ['warn', '?fieldValidation=Warn'],
      ['default', ''],
    ] as const) {
      const res = await send('POST', `${collection}${query}`, withUnknown(name));
      expect(res.status).toBe(201);
      expect(res.headers.get('warning')).toBe(
        '299 - "unknown field \\"spec.template.spec.containers[0].bar\\"", 299 - "unknown field \\"spec.foo\\""',
      );
      const stored = await getJson(`${collection}/${name}`);
      expect(stored.spec.foo).toBeUndefined();
      expect(stored.spec.template.spec.containers[0]?.bar).toBeUndefined();
      expect(stored.spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    }
  });

  it('Ignore: 201, no warning, the fields pruned all the same', async () => {
    const res = await send('POST', `${collection}?fieldValidation=Ignore`, withUnknown('ignore'));
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBeNull();
    expect((await getJson(`${collection}/ignore`)).spec.foo).toBeUndefined();
  });

  it("duplicate JSON members: warned about (Warn) or refused (Strict) with the decoder's words, the last one kept", async () => {
    const text = JSON.stringify(deployment('dupes')).replace('"replicas":1', '"replicas":3,"replicas":1');
    const strict = await send('POST', `${collection}?fieldValidation=Strict`, text);
    expect(strict.status).toBe(400);
    expect(((await strict.json()) as { message?: string }).message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "replicas"',
    );
    const warned = await send('POST', collection, text);
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "duplicate field \\"replicas\\""');
    expect((await getJson(`${collection}/dupes`)).spec.replicas).toBe(1);
  });

  it('repeated YAML keys of an apply configuration: a warning with the line (Warn), 400 (Strict); bad YAML is a 400', async () => {
    const yaml = stringify(deployment('yaml-dupes')).replace('replicas: 1', 'replicas: 3\n  replicas: 1');
    const line = yaml.split('\n').lastIndexOf('  replicas: 1') + 1;
    const applyPath = `${collection}/yaml-dupes?fieldManager=test`;
    const strict = await send(
      'PATCH',
      `${applyPath}&fieldValidation=Strict`,
      yaml,
      'application/apply-patch+yaml',
    );
    expect(strict.status).toBe(400);
    expect(((await strict.json()) as { message?: string }).message).toBe(
      `error strict decoding YAML: line ${line}: key "replicas" already set in map`,
    );
    const warned = await send('PATCH', applyPath, yaml, 'application/apply-patch+yaml');
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe(`299 - "line ${line}: key \\"replicas\\" already set in map"`);
    expect((await getJson(`${collection}/yaml-dupes`)).spec.replicas).toBe(1);
    const bad = await send('POST', collection, 'kind: [', 'application/yaml');
    expect(bad.status).toBe(400);
  });

  it('an unsupported directive is refused with the 422 on the request options', async () => {
    const res = await send('POST', `${collection}?fieldValidation=Loud`, deployment('loud'));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      reason: 'Invalid',
      message:
        'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Warn", "Strict"',
    });
  });

  it('a strategic merge patch under Strict: 422 on the patch, as patch.go words it', async () => {
    await send('POST', collection, deployment('patched'));
    const res = await send(
      'PATCH',
      `${collection}/patched?fieldValidation=Strict`,
      { spec: { foo: 1, replicas: 2 } },
      'application/strategic-merge-patch+json',
    );
    expect(res.status).toBe(422);
    const message =
      'Invalid value: "map[spec:map[foo:1 replicas:2]]": strict decoding error: unknown field "spec.foo"';
    expect(await res.json()).toMatchObject({
      reason: 'Invalid',
      message: ` "" is invalid: patch: ${message}`,
      details: { causes: [{ reason: 'FieldValueInvalid', message, field: 'patch' }] },
    });
    const warned = await send(
      'PATCH',
      `${collection}/patched`,
      { spec: { foo: 1, replicas: 2 } },
      'application/merge-patch+json',
    );
    expect(warned.status).toBe(200);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.foo\\""');
    expect((await getJson(`${collection}/patched`)).spec).toMatchObject({ replicas: 2 });
  });

  it('server-side apply: an undeclared field fails the typed patch whatever fieldValidation says (500, no reason)', async () => {
    for (const query of ['&fieldValidation=Ignore', '']) {
      const res = await send(
        'PATCH',
        `${collection}/applied?fieldManager=test${query}`,
        withUnknown('applied'),
        'application/apply-patch+yaml',
      );
      expect(res.status).toBe(500);
      const body = (await res.json()) as { reason?: string; message?: string };
      expect(body.reason).toBeUndefined();
      expect(body.message).toBe(
        `failed to create typed patch object (${ns}/applied; apps/v1, Kind=Deployment): errors:\n` +
          '  .spec.template.spec.containers[name="web"].bar: field not declared in schema\n' +
          '  .spec.foo: field not declared in schema',
      );
    }
  });

  kubectlIt(
    'kubectl apply (client-side): strict by default, --validate=warn prints the warning, --validate=false is silent',
    async () => {
      const manifest = stringify(deployment('csa', { spec: { foo: 1 } }));
      const strict = await kubectl(['apply', '-f', '-'], manifest);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toBe(
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"\n',
      );
      const warn = await kubectl(['apply', '--validate=warn', '-f', '-'], manifest);
      expect(warn).toMatchObject({ code: 0, stdout: 'deployment.apps/csa created\n' });
      expect(warn.stderr).toBe('Warning: unknown field "spec.foo"\n');
      const silent = await kubectl(
        ['apply', '--validate=false', '-f', '-'],
        stringify(deployment('csa', { spec: { foo: 2, replicas: 2 } })),
      );
      expect(silent).toMatchObject({ code: 0, stderr: '', stdout: 'deployment.apps/csa configured\n' });
      const live = JSON.parse(
        (await kubectl(['get', 'deployment', 'csa', '-n', ns, '-o', 'json'])).stdout,
      ) as StoredDeployment;
      expect(live.spec.foo).toBeUndefined();
      expect(live.spec.replicas).toBe(2);
    },
  );

  kubectlIt('kubectl apply --server-side: the typed patch error, whatever --validate says', async () => {
    const manifest = stringify(deployment('ssa', { spec: { foo: 1 } }));
    for (const validate of ['--validate=strict', '--validate=false']) {
      const res = await kubectl(['apply', '--server-side', validate, '-f', '-'], manifest);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(
        `Error from server: failed to create typed patch object (${ns}/ssa; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema\n`,
      );
    }
    const valid = await kubectl(['apply', '--server-side', '-f', '-'], stringify(deployment('ssa')));
    expect(valid).toMatchObject({ code: 0, stdout: 'deployment.apps/ssa serverside-applied\n' });
  });

  kubectlIt('kubectl explain reads the OpenAPI v3 schemas', async () => {
    const res = await kubectl(['explain', 'deployment.spec.replicas']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('GROUP:      apps');
    expect(res.stdout).toContain('KIND:       Deployment');
    expect(res.stdout).toContain('FIELD: replicas <integer>');
    expect(res.stdout).toContain('Number of desired pods.');
    // A reference's type is printed by its definition's last name segment, as for a real server's documents.
    expect((await kubectl(['explain', 'deployment.spec'])).stdout).toContain('FIELD: spec <DeploymentSpec>');
    const pod = await kubectl(['explain', 'pods.spec.containers.image']);
    expect(pod.stdout).toContain('FIELD: image <string>');
  });
});
