import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compareApp, serverSideDiffTargets } from './compare-app';
import { COMPARE_OPTIONS_ANNOTATION, diffStrategyOf } from './compare-options';
import { diffResource } from './diff-resource';
import { DiffError } from './diff.error';
import type { KubeObject } from './kube-object';
import { diffServerSide, type ServerSideDiffOptions } from './server-side-diff';
import { withoutWebhookMutations } from './webhook-mutations';

// Issue #22 item 8: Argo CD's server-side diff. `predicted` is what the API server answered to a server-side
// apply dry run of `desired` (the sandbox's answers are checked against the real apply in
// libs/sandbox-cluster/src/sandbox-server-side-apply-dry-run.int-spec.ts).
interface ServerSideCase {
  description: string;
  options: ServerSideDiffOptions;
  desired: KubeObject;
  live: KubeObject;
  predicted: KubeObject;
  expected: {
    status: string;
    changes: Array<{ path: string; op: string; desired?: unknown; live?: unknown }>;
  };
}

const dir = join(process.cwd(), 'libs/domain/src/diff/testdata/server-side');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as ServerSideCase] as const);
const caseNamed = (file: string): ServerSideCase => cases.find(([f]) => f === file)![1];

describe('diffServerSide golden cases (testdata/server-side/*.yaml)', () => {
  it('has cases to run', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  it.each(cases)('%s', (_file, c) => {
    const result = diffServerSide(c.desired, c.predicted, c.live, c.options);
    expect(result.status).toBe(c.expected.status);
    const got = result.changes.map((ch) => ({
      path: ch.path,
      op: ch.op,
      ...(c.expected.changes.some((e) => e.path === ch.path && 'desired' in e)
        ? { desired: ch.desired, live: ch.live }
        : {}),
    }));
    expect(got).toEqual(c.expected.changes);
  });
});

describe('diffServerSide', () => {
  it('a webhook that rewrites a field Berth owns: the three-way diff reports drift forever, the server-side diff does not', () => {
    const c = caseNamed('webhook-rewrites-an-owned-image.yaml');
    expect(diffResource(c.desired, c.live, { fieldManager: 'berth' }).status).toBe('OutOfSync');
    expect(diffServerSide(c.desired, c.predicted, c.live, { fieldManager: 'berth' }).status).toBe('Synced');
  });

  it('without the dry run’s managedFields it cannot leave webhooks out: an error that says what to set', () => {
    const c = caseNamed('webhook-sidecar-upgraded-left-out.yaml');
    const { managedFields: _dropped, ...metadata } = c.predicted.metadata;
    const bare = { ...c.predicted, metadata };
    let thrown: unknown;
    try {
      diffServerSide(c.desired, bare, c.live, { fieldManager: 'berth' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DiffError);
    expect((thrown as DiffError).code).toBe('NoManagedFields');
    expect(() => diffServerSide(c.desired, bare, c.live, { fieldManager: 'berth' })).toThrow(
      /IncludeMutationWebhook=true/,
    );
    // With IncludeMutationWebhook the prediction is taken as it is.
    expect(diffServerSide(c.desired, bare, c.live, { includeMutationWebhook: true }).status).toBe(
      'OutOfSync',
    );
    expect(() => diffServerSide(c.desired, c.predicted, c.live, {})).toThrow(DiffError);
  });

  it('a missing live object is missing: no prediction is used', () => {
    const c = caseNamed('image-changed-in-git.yaml');
    const result = diffServerSide(c.desired, c.predicted, undefined, { fieldManager: 'berth' });
    expect(result).toMatchObject({ status: 'OutOfSync', reason: 'resource missing' });
  });

  it('ignoreDifferences apply to the prediction and to live', () => {
    const c = caseNamed('replicas-scaled-by-another-manager.yaml');
    const result = diffServerSide(c.desired, c.predicted, c.live, {
      fieldManager: 'berth',
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
    });
    expect(result.status).toBe('Synced');
  });

  it('a Secret is compared before it is masked, and its changes show masks only', () => {
    const secret = (data: Record<string, string>, withManagedFields: boolean): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'shop',
        ...(withManagedFields
          ? {
              managedFields: [
                {
                  manager: 'berth',
                  operation: 'Apply',
                  fieldsType: 'FieldsV1',
                  fieldsV1: { 'f:data': { 'f:password': {} } },
                },
              ],
            }
          : {}),
      },
      type: 'Opaque',
      data,
    });
    const result = diffServerSide(
      secret({ password: 'bmV3' }, false),
      secret({ password: 'bmV3' }, true),
      secret({ password: 'b2xk' }, true),
      { fieldManager: 'berth' },
    );
    expect(result.status).toBe('OutOfSync');
    expect(result.changes).toEqual([
      { path: '/data/password', op: 'replace', desired: '++++++++', live: '+++++++++' },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/bmV3|b2xk/);
  });
});

describe('withoutWebhookMutations', () => {
  it('keeps what the webhook injected as live has it, takes what Berth owns from the prediction', () => {
    const c = caseNamed('image-changed-in-git.yaml');
    const expected = withoutWebhookMutations(c.predicted, c.live, 'berth');
    const containers = (expected['spec'] as { template: { spec: { containers: unknown[] } } }).template.spec
      .containers;
    expect(containers).toEqual([
      { name: 'web', image: 'nginx:1.28', imagePullPolicy: 'IfNotPresent' },
      {
        name: 'mesh-proxy',
        image: 'envoyproxy/envoy:v1.30',
        volumeMounts: [{ name: 'mesh-certs', mountPath: '/etc/mesh' }],
      },
    ]);
    // Neither input is changed.
    expect((c.live['spec'] as { replicas: number }).replicas).toBe(2);
    expect(JSON.stringify(c.predicted)).toContain('envoyproxy/envoy:v1.31');
  });
});

describe('diffStrategyOf (Argo CD compare-options on the Application)', () => {
  const annotations = (value: string) => ({ [COMPARE_OPTIONS_ANNOTATION]: value });
  it.each([
    [undefined, false, { serverSideDiff: false, includeMutationWebhook: false }],
    [undefined, true, { serverSideDiff: true, includeMutationWebhook: false }],
    ['ServerSideDiff=true', false, { serverSideDiff: true, includeMutationWebhook: false }],
    ['ServerSideDiff=false', true, { serverSideDiff: false, includeMutationWebhook: false }],
    [
      'ServerSideDiff=true, IncludeMutationWebhook=true',
      false,
      { serverSideDiff: true, includeMutationWebhook: true },
    ],
    ['IncludeMutationWebhook=true', false, { serverSideDiff: false, includeMutationWebhook: true }],
    ['ServerSideDiff=True', false, { serverSideDiff: false, includeMutationWebhook: false }],
    ['ServerSideDiff = true', false, { serverSideDiff: false, includeMutationWebhook: false }],
    ['IgnoreExtraneous', true, { serverSideDiff: true, includeMutationWebhook: false }],
  ])('%j with the global setting %s', (value, global, expected) => {
    expect(diffStrategyOf(value === undefined ? undefined : annotations(value), global)).toEqual(expected);
  });
});

describe('compareApp with predicted live objects', () => {
  it('compares a resource with a prediction server-side and the others with the three-way diff', () => {
    const c = caseNamed('webhook-rewrites-an-owned-image.yaml');
    const configMap: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop' },
      data: { a: '1' },
    };
    const hook: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'shop', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } },
    };
    const desired = [c.desired, configMap, hook];
    const live = [c.live, { ...configMap, data: { a: '2' } }, hook];
    expect(serverSideDiffTargets(desired, live).map((t) => t.key)).toEqual([
      'apps/Deployment/shop/web',
      '/ConfigMap/shop/settings',
    ]);
    const threeWay = compareApp(desired, live, { fieldManager: 'berth' });
    expect(threeWay.resources.filter((r) => r.status === 'OutOfSync').map((r) => r.key)).toEqual([
      '/ConfigMap/shop/settings',
      'apps/Deployment/shop/web',
    ]);
    const serverSide = compareApp(desired, live, {
      fieldManager: 'berth',
      predictedLive: new Map([['apps/Deployment/shop/web', c.predicted]]),
    });
    expect(serverSide.resources.filter((r) => r.status === 'OutOfSync').map((r) => r.key)).toEqual([
      '/ConfigMap/shop/settings',
    ]);
  });
});
