import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1Status,
} from '@kubernetes/client-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 2: custom resources are checked against their CRD version's structural schema as the
// apiextensions server checks them: validation (422 Invalid, one cause per field with kube-openapi's wording),
// defaults, pruning (x-kubernetes-preserve-unknown-fields kept), printer columns, and `kubectl explain`.

type Obj = KubernetesObject & Record<string, unknown>;

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        additionalPrinterColumns: [
          { name: 'Size', type: 'string', jsonPath: '.spec.size' },
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
          { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                description: 'What the widget should be.',
                required: ['name'],
                properties: {
                  name: {
                    type: 'string',
                    pattern: '^[a-z]+$',
                    maxLength: 10,
                    description: 'The widget name.',
                  },
                  replicas: { type: 'integer', minimum: 0, maximum: 5, default: 1 },
                  size: { type: 'string', enum: ['small', 'large'], default: 'small' },
                  port: { 'x-kubernetes-int-or-string': true },
                  tags: { type: 'array', maxItems: 2, items: { type: 'string', minLength: 2 } },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  note: { type: 'string', nullable: true },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  limits: {
                    type: 'object',
                    default: {},
                    properties: { cpu: { type: 'string', default: '100m' } },
                  },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

function widget(name: string, spec: Record<string, unknown>): Obj {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'crd-schemas' }, spec };
}

async function failure(call: Promise<unknown>): Promise<{ code: number; status: V1Status }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    return { code: err.code, status: JSON.parse(String(err.body)) as V1Status };
  }
  throw new Error('expected the call to fail');
}

describe('custom resources against their CRD structural schema', () => {
  let cluster: SandboxCluster;
  let api: KubernetesObjectApi;
  let dir: string;
  let kubeconfig: string;
  const kubectlIt = findKubectl() ? it : it.skip;
  const kubectl = (args: string[], input?: string) =>
    runKubectl(args, { kubeconfig, home: dir, ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    api = KubernetesObjectApi.makeApiClient(kc);
    dir = await mkdtemp(join(tmpdir(), 'sandbox-crd-schemas-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crd-schemas' } });
    // Raw JSON: client-node's typed serializer drops `default`, `enum` and the x-kubernetes-* members of a CRD
    // schema (it reads its own property names, `_default`, `x_kubernetes_int_or_string`...).
    const res = await fetch(`${cluster.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(crd),
    });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a wrong type: 422 Invalid with the field path and kube-openapi wording', async () => {
    const { code, status } = await failure(api.create(widget('typed', { name: 'abc', replicas: 'three' })));
    expect(code).toBe(422);
    const message = 'Invalid value: "string": spec.replicas in body must be of type integer: "string"';
    expect(status).toMatchObject({
      reason: 'Invalid',
      message: `Widget.example.com "typed" is invalid: spec.replicas: ${message}`,
      details: {
        name: 'typed',
        group: 'example.com',
        kind: 'Widget',
        causes: [{ reason: 'FieldValueTypeInvalid', message, field: 'spec.replicas' }],
      },
    });
  });

  it('enum, required, pattern, bounds, lengths and items: one cause each, all in one 422', async () => {
    const { code, status } = await failure(
      api.create(
        widget('many', { size: 'huge', replicas: 9, port: true, tags: ['a', 'bb', 'cc'], labels: { x: 1 } }),
      ),
    );
    expect(code).toBe(422);
    expect(status.details?.causes).toEqual(
      expect.arrayContaining([
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.name' },
        {
          reason: 'FieldValueNotSupported',
          message: 'Unsupported value: "huge": supported values: "small", "large"',
          field: 'spec.size',
        },
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 9: spec.replicas in body should be less than or equal to 5',
          field: 'spec.replicas',
        },
        {
          reason: 'FieldValueTypeInvalid',
          message: 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
          field: 'spec.port',
        },
        {
          reason: 'FieldValueTooMany',
          message: 'Too many: 3: must have at most 2 items',
          field: 'spec.tags',
        },
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "a": spec.tags[0] in body should be at least 2 chars long',
          field: 'spec.tags[0]',
        },
        {
          reason: 'FieldValueTypeInvalid',
          message: 'Invalid value: "integer": spec.labels.x in body must be of type string: "integer"',
          field: 'spec.labels.x',
        },
      ]),
    );
    expect(status.message).toMatch(/^Widget\.example\.com "many" is invalid: \[spec\.name: Required value, /);
    const pattern = await failure(api.create(widget('pattern', { name: 'ABC-too-long' })));
    expect(pattern.status.details?.causes).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 10 bytes', field: 'spec.name' },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "ABC-too-long": spec.name in body should match \'^[a-z]+$\'',
        field: 'spec.name',
      },
    ]);
  });

  it('defaults are applied, unknown fields pruned, preserve-unknown-fields and int-or-string kept', async () => {
    const created = await api.create<Obj>(
      widget('defaults', {
        name: 'ok',
        port: 'http',
        note: null,
        extra: { anything: { goes: 1 } },
        bogus: 1,
      }),
    );
    expect(created['spec']).toEqual({
      name: 'ok',
      port: 'http',
      note: null,
      extra: { anything: { goes: 1 } },
      replicas: 1,
      size: 'small',
      limits: { cpu: '100m' },
    });
    const res = await fetch(
      `${cluster.url}/apis/example.com/v1/namespaces/crd-schemas/widgets?fieldValidation=Strict`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(widget('strict', { name: 'ok', zeta: 1, alpha: { b: 1 } })),
      },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message?: string }).message).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.alpha", unknown field "spec.zeta"',
    );
  });

  kubectlIt(
    'kubectl: apply prints the 422, get shows the printer columns, explain reads the CRD schema',
    async () => {
      const invalid = await kubectl(
        ['apply', '-f', '-'],
        stringify(widget('bad', { name: 'ok', replicas: 'x' })),
      );
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toContain(
        'The Widget "bad" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      );
      const ssa = await kubectl(
        ['apply', '--server-side', '-f', '-'],
        stringify(widget('wide', { name: 'wide', size: 'large', replicas: 3, unknown: 1 })),
      );
      expect(ssa.stderr).toBe(
        'Error from server: failed to create typed patch object (crd-schemas/wide; example.com/v1, Kind=Widget): .spec.unknown: field not declared in schema\n',
      );
      const ok = await kubectl(
        ['apply', '--server-side', '-f', '-'],
        stringify(widget('wide', { name: 'wide', size: 'large', replicas: 3 })),
      );
      expect(ok).toMatchObject({ code: 0, stdout: 'widget.example.com/wide serverside-applied\n' });
      const table = await kubectl(['get', 'widgets', 'wide', '-n', 'crd-schemas']);
      expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+SIZE\s+REPLICAS\s+READY$/);
      expect(table.stdout.split('\n')[1]).toMatch(/^wide\s+large\s+3\s+$/);
      const explain = await kubectl(['explain', 'widgets.spec.name']);
      expect(explain.code).toBe(0);
      expect(explain.stdout).toContain('FIELD: name <string>');
      expect(explain.stdout).toContain('The widget name.');
    },
  );
});
