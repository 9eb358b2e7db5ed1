import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Pod, ReplicaSet } from './api/builtin-kinds';
import type { KubeObject } from './api/resource-type';
import { eventually } from '@berth/testing';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 5: what kube-controller-manager does with orphans and rollbacks. A Deployment or
// ReplicaSet adopts the objects its selector matches that have no controller (ControllerRefManager), and
// `kubectl rollout undo` makes the old ReplicaSet the newest revision (SetNewReplicaSetAnnotations).

const describeWithKubectl = findKubectl() ? describe : describe.skip;
const REVISION = 'deployment.kubernetes.io/revision';

function deployment(name: string, ns: string, image = 'nginx:1.27'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image }] },
      },
    },
  };
}

interface Listed<T> {
  items: T[];
}

describeWithKubectl('orphan adoption and rollout undo (kubectl)', () => {
  let cluster: SandboxCluster;
  let dir: string;
  let kubeconfig: string;
  const kubectl = (args: string[], input?: string) =>
    runKubectl(args, { kubeconfig, home: dir, ...(input !== undefined ? { input } : {}) });
  const list = async <T>(kind: string, ns: string): Promise<T[]> =>
    (parse((await kubectl(['get', kind, '-n', ns, '-o', 'yaml'])).stdout) as Listed<T>).items;
  const controllerOf = (o: KubeObject) =>
    (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    dir = await mkdtemp(join(tmpdir(), 'sandbox-adoption-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
    await kubectl(['create', 'namespace', 'adopt']);
    await kubectl(['create', 'namespace', 'undo']);
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a re-created Deployment adopts the ReplicaSet --cascade=orphan left, and its pods stay', async () => {
    await kubectl(['apply', '-f', '-'], stringify(deployment('web', 'adopt')));
    expect(
      (await kubectl(['rollout', 'status', 'deployment/web', '-n', 'adopt', '--timeout=20s'])).code,
    ).toBe(0);
    const podsBefore = (await list<Pod>('pods', 'adopt')).map((p) => p.metadata?.name).sort();
    expect(podsBefore).toHaveLength(2);

    expect((await kubectl(['delete', 'deployment', 'web', '-n', 'adopt', '--cascade=orphan'])).code).toBe(0);
    // The garbage collector orphans the ReplicaSet (its ownerReference removed); the pods keep theirs.
    await eventually(async () => {
      const [rs] = await list<ReplicaSet>('replicasets', 'adopt');
      expect(rs?.metadata?.ownerReferences ?? []).toEqual([]);
    });

    await kubectl(['apply', '-f', '-'], stringify(deployment('web', 'adopt')));
    const newUid = (
      await kubectl(['get', 'deployment', 'web', '-n', 'adopt', '-o', 'jsonpath={.metadata.uid}'])
    ).stdout;
    await eventually(async () => {
      const replicaSets = await list<ReplicaSet>('replicasets', 'adopt');
      expect(replicaSets).toHaveLength(1);
      expect(controllerOf(replicaSets[0]!)).toMatchObject({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: newUid,
        controller: true,
        blockOwnerDeletion: true,
      });
    });
    expect(
      (await kubectl(['rollout', 'status', 'deployment/web', '-n', 'adopt', '--timeout=20s'])).code,
    ).toBe(0);
    const ready = await kubectl([
      'get',
      'deployment',
      'web',
      '-n',
      'adopt',
      '-o',
      'jsonpath={.status.readyReplicas}',
    ]);
    expect(ready.stdout).toBe('2');
    // No pod duplicated: the very same two pods serve the new Deployment.
    expect((await list<Pod>('pods', 'adopt')).map((p) => p.metadata?.name).sort()).toEqual(podsBefore);
    const [rs] = await list<ReplicaSet>('replicasets', 'adopt');
    expect(rs?.metadata?.annotations?.[REVISION]).toBe('1');
  });

  it('a re-created ReplicaSet adopts the pods --cascade=orphan left, creating none', async () => {
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'plain', namespace: 'adopt' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'plain' } },
        template: {
          metadata: { labels: { app: 'plain' } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    };
    await kubectl(['apply', '-f', '-'], stringify(rs));
    await eventually(async () => {
      const out = await kubectl([
        'get',
        'rs',
        'plain',
        '-n',
        'adopt',
        '-o',
        'jsonpath={.status.readyReplicas}',
      ]);
      expect(out.stdout).toBe('2');
    });
    const podsOf = async () =>
      (await list<Pod>('pods', 'adopt')).filter((p) => p.metadata?.labels?.['app'] === 'plain');
    const before = (await podsOf()).map((p) => p.metadata?.name).sort();
    await kubectl(['delete', 'rs', 'plain', '-n', 'adopt', '--cascade=orphan']);
    await eventually(async () => {
      for (const p of await podsOf()) expect(controllerOf(p)).toBeUndefined();
    });
    await kubectl(['apply', '-f', '-'], stringify(rs));
    const uid = (await kubectl(['get', 'rs', 'plain', '-n', 'adopt', '-o', 'jsonpath={.metadata.uid}']))
      .stdout;
    await eventually(async () => {
      const pods = await podsOf();
      expect(pods.map((p) => p.metadata?.name).sort()).toEqual(before);
      for (const p of pods) expect(controllerOf(p)).toMatchObject({ kind: 'ReplicaSet', name: 'plain', uid });
    });
  });

  it('rollout undo makes the old ReplicaSet the newest revision, as rollout history shows', async () => {
    await kubectl(['apply', '-f', '-'], stringify(deployment('app', 'undo')));
    await kubectl(['rollout', 'status', 'deployment/app', '-n', 'undo', '--timeout=20s']);
    await kubectl(['set', 'image', 'deployment/app', '-n', 'undo', 'web=nginx:1.28']);
    await kubectl(['annotate', 'deployment/app', '-n', 'undo', 'kubernetes.io/change-cause=image 1.28']);
    await kubectl(['rollout', 'status', 'deployment/app', '-n', 'undo', '--timeout=20s']);
    const history = await kubectl(['rollout', 'history', 'deployment/app', '-n', 'undo']);
    expect(history.stdout).toBe(
      'deployment.apps/app \nREVISION  CHANGE-CAUSE\n1         <none>\n2         image 1.28\n\n',
    );

    const undo = await kubectl(['rollout', 'undo', 'deployment/app', '-n', 'undo']);
    expect(undo).toMatchObject({ code: 0, stdout: 'deployment.apps/app rolled back\n' });
    await kubectl(['rollout', 'status', 'deployment/app', '-n', 'undo', '--timeout=20s']);
    const image = await kubectl([
      'get',
      'deployment',
      'app',
      '-n',
      'undo',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}',
    ]);
    expect(image.stdout).toBe('nginx:1.27 3');
    // Revision 1 became 3 (revision-history keeps "1"). kubectl restored revision 1's annotations on the
    // Deployment (no change-cause), and the controller copied those onto the ReplicaSet.
    await eventually(async () => {
      const after = await kubectl(['rollout', 'history', 'deployment/app', '-n', 'undo']);
      expect(after.stdout).toBe(
        'deployment.apps/app \nREVISION  CHANGE-CAUSE\n2         image 1.28\n3         <none>\n\n',
      );
    });
    const replicaSets = await list<ReplicaSet>('replicasets', 'undo');
    const rolledBack = replicaSets.find(
      (r) => r.spec?.template?.spec?.containers?.[0]?.image === 'nginx:1.27',
    );
    expect(rolledBack?.metadata?.annotations).toMatchObject({
      [REVISION]: '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(rolledBack?.spec?.replicas).toBe(2);
    const gone = await kubectl(['rollout', 'undo', 'deployment/app', '-n', 'undo', '--to-revision=1']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('error: unable to find specified revision 1 in history\n');
  });
});
