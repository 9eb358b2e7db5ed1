import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Deployment } from './api/builtin-kinds';
import type { KubeObject } from './api/resource-type';
import type { ManagedFieldsEntry } from './managed-fields/managed-fields';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { valueAt } from './store/object-utils';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

const testdata = resolve('libs/sandbox-cluster/testdata');
const kubectlPath = findKubectl();
const describeWithKubectl = kubectlPath ? describe : describe.skip;

describeWithKubectl('sandbox cluster driven by the real kubectl', () => {
  let cluster: SandboxCluster;
  let dir: string;
  let kubeconfig: string;
  const kubectl = (args: string[], input?: string) =>
    runKubectl(args, { kubeconfig, home: dir, ...(input !== undefined ? { input } : {}) });
  const manifest = (name: string) => readFile(join(testdata, name), 'utf8');
  const createNamespace = (name: string) => kubectl(['create', 'namespace', name]);
  /** `kubectl get ... -o yaml`, read as the kind's wire shape (api/builtin-kinds.ts). */
  const getYaml = async <T extends KubeObject = KubeObject>(args: string[]): Promise<T> =>
    parse((await kubectl(args)).stdout) as T;
  const firstContainer = (d: Deployment) => d.spec?.template?.spec?.containers?.[0];
  const rvOf = async (resource: string, ns = 'default') =>
    (await kubectl(['get', resource, '-n', ns, '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout;

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    dir = await mkdtemp(join(tmpdir(), 'sandbox-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts the protobuf bodies of kubectl create namespace / configmap / secret', async () => {
    expect((await kubectl(['create', 'namespace', 'imperative'])).stdout).toBe(
      'namespace/imperative created\n',
    );
    await kubectl(['create', 'configmap', 'cfg', '-n', 'imperative', '--from-literal=a=b']);
    await kubectl(['create', 'secret', 'generic', 'sec', '-n', 'imperative', '--from-literal=p=q']);
    const cm = await getYaml([
      'get',
      'configmap',
      'cfg',
      '-n',
      'imperative',
      '-o',
      'yaml',
      '--show-managed-fields',
    ]);
    expect(cm['data']).toEqual({ a: 'b' });
    const secret = await getYaml(['get', 'secret', 'sec', '-n', 'imperative', '-o', 'yaml']);
    expect(secret).toMatchObject({ type: 'Opaque', data: { p: Buffer.from('q').toString('base64') } });
    expect(cm.metadata?.managedFields?.[0]).toMatchObject({ manager: 'kubectl-create', operation: 'Update' });
  });

  it('lists the built-in namespaces and serves discovery', async () => {
    const ns = await kubectl(['get', 'namespaces', '-o', 'name']);
    expect(ns.stdout.split('\n')).toEqual(
      expect.arrayContaining(['namespace/default', 'namespace/kube-system']),
    );
    const resources = await kubectl(['api-resources', '-o', 'name']);
    expect(resources.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'deployments.apps',
        'customresourcedefinitions.apiextensions.k8s.io',
        'horizontalpodautoscalers.autoscaling',
      ]),
    );
  });

  it('client-side apply creates with defaults, and re-applying is "unchanged" without a new resourceVersion', async () => {
    await createNamespace('csa');
    const first = await kubectl(['apply', '-n', 'csa', '-f', join(testdata, 'web-deployment.yaml')]);
    expect(first).toMatchObject({ code: 0, stdout: 'deployment.apps/web created\n' });
    const live = await getYaml<Deployment>(['get', 'deployment', 'web', '-n', 'csa', '-o', 'yaml']);
    // Defaulted the way apps/v1 defaults.go does, so a naive diff shows the same drift as a real cluster.
    expect(live.spec).toMatchObject({
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      strategy: { type: 'RollingUpdate' },
    });
    expect(firstContainer(live)).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePolicy: 'File',
    });
    await kubectl(['rollout', 'status', 'deployment/web', '-n', 'csa', '--timeout=20s']);
    const rv = await rvOf('deployment/web', 'csa');
    const second = await kubectl(['apply', '-n', 'csa', '-f', join(testdata, 'web-deployment.yaml')]);
    expect(second.stdout).toBe('deployment.apps/web unchanged\n');
    expect(await rvOf('deployment/web', 'csa')).toBe(rv);
  });

  it('server-side apply twice is a no-op: resourceVersion unchanged', async () => {
    await createNamespace('ssa-noop');
    expect(
      (
        await kubectl([
          'apply',
          '--server-side',
          '-n',
          'ssa-noop',
          '-f',
          join(testdata, 'web-deployment.yaml'),
        ])
      ).code,
    ).toBe(0);
    // The simulated controllers write status (new RVs) until the rollout completes, as on a real cluster.
    await kubectl(['rollout', 'status', 'deployment/web', '-n', 'ssa-noop', '--timeout=20s']);
    const rv = await rvOf('deployment/web', 'ssa-noop');
    const again = await kubectl([
      'apply',
      '--server-side',
      '-n',
      'ssa-noop',
      '-f',
      join(testdata, 'web-deployment.yaml'),
    ]);
    expect(again.code).toBe(0);
    expect(await rvOf('deployment/web', 'ssa-noop')).toBe(rv);
  });

  it('server-side apply removes a field dropped from the applied config', async () => {
    await createNamespace('ssa-prune');
    await kubectl(['apply', '--server-side', '-n', 'ssa-prune', '-f', join(testdata, 'web-deployment.yaml')]);
    const withoutColor = (await manifest('web-deployment.yaml'))
      .replace(/\n\s+- name: COLOR\n\s+value: blue/, '')
      .replace(/\n\s+tier: frontend/, '');
    expect(withoutColor).not.toContain('COLOR');
    const applied = await kubectl(['apply', '--server-side', '-n', 'ssa-prune', '-f', '-'], withoutColor);
    expect(applied.code).toBe(0);
    const live = await getYaml<Deployment>(['get', 'deployment', 'web', '-n', 'ssa-prune', '-o', 'yaml']);
    expect(firstContainer(live)?.env).toEqual([{ name: 'GREETING', value: 'hello' }]);
    expect(live.metadata?.labels).toEqual({ app: 'web' });
  });

  it('another field manager conflicts on an owned field (409), and --force-conflicts takes ownership', async () => {
    await createNamespace('ssa-conflict');
    await kubectl([
      'apply',
      '--server-side',
      '-n',
      'ssa-conflict',
      '-f',
      join(testdata, 'web-deployment.yaml'),
    ]);
    const scaled = (await manifest('web-deployment.yaml')).replace('replicas: 2', 'replicas: 5');
    const refused = await kubectl(
      ['apply', '--server-side', '--field-manager=ops', '-n', 'ssa-conflict', '-f', '-'],
      scaled,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    const forced = await kubectl(
      ['apply', '--server-side', '--field-manager=ops', '--force-conflicts', '-n', 'ssa-conflict', '-f', '-'],
      scaled,
    );
    expect(forced.code).toBe(0);
    const live = await getYaml<Deployment>([
      'get',
      'deployment',
      'web',
      '-n',
      'ssa-conflict',
      '-o',
      'yaml',
      '--show-managed-fields',
    ]);
    expect(live.spec?.replicas).toBe(5);
    const owners = Object.fromEntries(
      ((live.metadata?.managedFields ?? []) as ManagedFieldsEntry[]).map((m) => [m.manager, m.fieldsV1]),
    );
    expect(valueAt(owners['ops'], 'f:spec', 'f:replicas')).toEqual({});
    // The forced apply moved .spec.replicas away from "kubectl" (server-side-apply docs, "Conflicts").
    expect(valueAt(owners['kubectl'], 'f:spec', 'f:replicas')).toBeUndefined();
  });

  it('selects by label with equality and set-based selectors', async () => {
    await createNamespace('labels');
    await kubectl(['apply', '-n', 'labels', '-f', join(testdata, 'web-configmap.yaml')]);
    await kubectl(
      ['apply', '-n', 'labels', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n',
    );
    expect((await kubectl(['get', 'cm', '-n', 'labels', '-l', 'app=web', '-o', 'name'])).stdout).toBe(
      'configmap/web-config\n',
    );
    expect(
      (await kubectl(['get', 'cm', '-n', 'labels', '-l', 'app in (web,api)', '-o', 'name'])).stdout,
    ).toBe('configmap/web-config\n');
    expect((await kubectl(['get', 'cm', '-n', 'labels', '-l', '!app', '-o', 'name'])).stdout).toBe(
      'configmap/other\n',
    );
  });

  it('kubectl diff reports drift (exit 1) and no drift (exit 0), server-side or not', async () => {
    await createNamespace('diff');
    await kubectl(['apply', '--server-side', '-n', 'diff', '-f', join(testdata, 'web-deployment.yaml')]);
    // Let the rollout finish first: live status changing mid-diff shows up as drift, as on a real cluster.
    await kubectl(['rollout', 'status', 'deployment/web', '-n', 'diff', '--timeout=20s']);
    const same = await kubectl([
      'diff',
      '--server-side',
      '-n',
      'diff',
      '-f',
      join(testdata, 'web-deployment.yaml'),
    ]);
    expect(same).toMatchObject({ code: 0, stdout: '' });
    const changed = (await manifest('web-deployment.yaml')).replace('nginx:1.27', 'nginx:1.28');
    const drift = await kubectl(['diff', '-n', 'diff', '-f', '-'], changed);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('+        image: nginx:1.28');
    // dryRun: the diff changed nothing.
    const live = await getYaml<Deployment>(['get', 'deployment', 'web', '-n', 'diff', '-o', 'yaml']);
    expect(firstContainer(live)?.image).toBe('nginx:1.27');
  });

  it('rolls a Deployment out: rollout status and wait --for=condition=Available succeed', async () => {
    await createNamespace('rollout');
    await kubectl(['apply', '-n', 'rollout', '-f', join(testdata, 'web-deployment.yaml')]);
    const status = await kubectl(['rollout', 'status', 'deployment/web', '-n', 'rollout', '--timeout=20s']);
    expect(status).toMatchObject({ code: 0 });
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
    const waited = await kubectl([
      'wait',
      '--for=condition=Available',
      'deployment/web',
      '-n',
      'rollout',
      '--timeout=20s',
    ]);
    expect(waited.stdout).toBe('deployment.apps/web condition met\n');
    const pods = await kubectl([
      'get',
      'pods',
      '-n',
      'rollout',
      '-l',
      'app=web',
      '-o',
      'jsonpath={.items[*].status.phase}',
    ]);
    expect(pods.stdout.split(' ')).toEqual(['Running', 'Running']);
  });

  it('delete removes the Deployment and garbage-collects its ReplicaSets and Pods', async () => {
    await createNamespace('gc');
    await kubectl(['apply', '-n', 'gc', '-f', join(testdata, 'web-deployment.yaml')]);
    await kubectl(['rollout', 'status', 'deployment/web', '-n', 'gc', '--timeout=20s']);
    const deleted = await kubectl([
      'delete',
      'deployment',
      'web',
      '-n',
      'gc',
      '--wait=true',
      '--timeout=20s',
    ]);
    expect(deleted.stdout).toContain('deployment.apps "web" deleted');
    const waited = await kubectl([
      'wait',
      '--for=delete',
      'pods',
      '-l',
      'app=web',
      '-n',
      'gc',
      '--timeout=20s',
    ]);
    expect(waited.code).toBe(0);
    expect((await kubectl(['get', 'rs,pods', '-n', 'gc', '-o', 'name'])).stdout).toBe('');
  });

  it('serves a CRD as soon as it is applied, so an Argo CD Application can be applied', async () => {
    expect((await kubectl(['apply', '-f', join(testdata, 'application-crd.yaml')])).code).toBe(0);
    await createNamespace('argocd');
    const applied = await kubectl(['apply', '--server-side', '-f', join(testdata, 'application.yaml')]);
    expect(applied).toMatchObject({ code: 0, stdout: 'application.argoproj.io/myapp serverside-applied\n' });
    const app = await getYaml(['get', 'app', 'myapp', '-n', 'argocd', '-o', 'yaml']);
    expect(valueAt(app, 'spec', 'source', 'repoURL')).toBe('https://github.com/example/k8s-manifests.git');
    expect(app.metadata?.generation).toBe(1);
  });

  it("refuses invalid objects with the API server's 422 message", async () => {
    const noSelector = (await manifest('web-deployment.yaml')).replace(
      / {2}selector:\n {4}matchLabels:\n {6}app: web\n/,
      '',
    );
    const res = await kubectl(['apply', '--server-side', '-f', '-'], noSelector);
    expect(res.code).not.toBe(0);
    // kubectl renders the Invalid Status from details.kind/name and the causes.
    expect(res.stderr).toContain('The Deployment "web" is invalid');
    expect(res.stderr).toContain('spec.selector: Required value');
  });
});
