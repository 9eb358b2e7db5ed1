import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Deployment } from './api/builtin-kinds';
import type { ManagedFieldsEntry } from './managed-fields/managed-fields';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 6: the first `kubectl apply --server-side` on an object made by client-side apply takes
// over the fields of its last-applied-configuration without a conflict (apimachinery lastAppliedManager),
// and keeps that annotation up to date (lastAppliedUpdater); `kubectl diff --server-side` shows the change.

const describeWithKubectl = findKubectl() ? describe : describe.skip;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function deployment(name: string, replicas: number, image = 'nginx:1.27'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image }] },
      },
    },
  };
}

describeWithKubectl('server-side apply over client-side apply (kubectl)', () => {
  let cluster: SandboxCluster;
  let dir: string;
  let kubeconfig: string;
  const kubectl = (args: string[], input?: string) =>
    runKubectl(args, { kubeconfig, home: dir, ...(input !== undefined ? { input } : {}) });
  const getDeployment = async (name: string): Promise<Deployment> =>
    parse(
      (await kubectl(['get', 'deployment', name, '-o', 'yaml', '--show-managed-fields'])).stdout,
    ) as Deployment;
  const ownersOf = (d: Deployment, manager: string): ManagedFieldsEntry | undefined =>
    (d.metadata?.managedFields as ManagedFieldsEntry[] | undefined)?.find((e) => e.manager === manager);

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    dir = await mkdtemp(join(tmpdir(), 'sandbox-csa-ssa-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the first apply --server-side changes a client-side applied field without a conflict', async () => {
    expect((await kubectl(['apply', '-f', '-'], stringify(deployment('web', 2)))).stdout).toBe(
      'deployment.apps/web created\n',
    );
    const applied = await kubectl(['apply', '--server-side', '-f', '-'], stringify(deployment('web', 3)));
    expect(applied).toMatchObject({ code: 0, stdout: 'deployment.apps/web serverside-applied\n' });

    const live = await getDeployment('web');
    expect(live.spec?.replicas).toBe(3);
    // kubectl (Apply) now owns what it applied; client-side apply lost the field kubectl changed.
    const ssa = ownersOf(live, 'kubectl');
    expect(ssa).toMatchObject({ operation: 'Apply' });
    expect(ssa?.fieldsV1).toMatchObject({ 'f:spec': { 'f:replicas': {} } });
    const csa = ownersOf(live, 'kubectl-client-side-apply');
    expect(csa).toMatchObject({ operation: 'Update' });
    expect(csa?.fieldsV1['f:spec']).not.toHaveProperty('f:replicas');
    // The annotation now holds the server-side applied configuration, as kube-apiserver rewrites it.
    expect(live.metadata?.annotations?.[LAST_APPLIED]).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},' +
        '"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":' +
        '{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.27","name":"web"}]}}}}\n',
    );
    // A later client-side apply diffs against that annotation: going back to 2 replicas works.
    expect((await kubectl(['apply', '-f', '-'], stringify(deployment('web', 2)))).stdout).toBe(
      'deployment.apps/web configured\n',
    );
    expect((await getDeployment('web')).spec?.replicas).toBe(2);
  });

  it('a field someone else changed since the client-side apply still conflicts, naming only it', async () => {
    await kubectl(['apply', '-f', '-'], stringify(deployment('scaled', 2)));
    expect((await kubectl(['scale', 'deployment', 'scaled', '--replicas=5'])).code).toBe(0);
    const applied = await kubectl(
      ['apply', '--server-side', '-f', '-'],
      stringify(deployment('scaled', 3, 'nginx:1.28')),
    );
    expect(applied.code).toBe(1);
    // The image was client-side applied and still holds its value: taken over. The replicas were not.
    expect(applied.stderr).toContain(
      'error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas\n',
    );
    const live = await getDeployment('scaled');
    expect(live.spec?.replicas).toBe(5);
    expect(live.spec?.template?.spec?.containers?.[0]?.image).toBe('nginx:1.27');
  });

  it("only kubectl's own manager upgrades: another --field-manager conflicts with client-side apply", async () => {
    await kubectl(['apply', '-f', '-'], stringify(deployment('other', 2)));
    const applied = await kubectl(
      ['apply', '--server-side', '--field-manager=ci', '-f', '-'],
      stringify(deployment('other', 3)),
    );
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain(
      'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas\n',
    );
  });

  it('kubectl diff --server-side shows the change a server-side apply would make and stores nothing', async () => {
    await kubectl(['apply', '-f', '-'], stringify(deployment('diffed', 2)));
    const before = await getDeployment('diffed');
    const diff = await kubectl(['diff', '--server-side', '-f', '-'], stringify(deployment('diffed', 4)));
    // kubectl diff exits 1 when there are differences.
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('\n-  replicas: 2\n+  replicas: 4\n');
    expect(diff.stdout).toContain('-  generation: 1\n+  generation: 2\n');
    const after = await getDeployment('diffed');
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.spec?.replicas).toBe(2);
    const same = await kubectl(['diff', '--server-side', '-f', '-'], stringify(deployment('diffed', 2)));
    // Same values: the only difference is the annotation the server would rewrite (kubectl's
    // `"annotations":{}` is not in the server-side applied configuration), as on a real cluster.
    expect(same.code).toBe(1);
    const changed = same.stdout.split('\n').filter((l) => /^[-+] /.test(l));
    expect(changed).toEqual([
      expect.stringMatching(
        /^- {6}\{"apiVersion":"apps\/v1","kind":"Deployment","metadata":\{"annotations":\{\},"name":"diffed"/,
      ),
      expect.stringMatching(
        /^\+ {6}\{"apiVersion":"apps\/v1","kind":"Deployment","metadata":\{"name":"diffed"/,
      ),
    ]);
    // Once applied server-side, the same configuration diffs clean.
    await kubectl(['apply', '--server-side', '-f', '-'], stringify(deployment('diffed', 2)));
    const clean = await kubectl(['diff', '--server-side', '-f', '-'], stringify(deployment('diffed', 2)));
    expect(clean).toMatchObject({ code: 0, stdout: '' });
  });
});
