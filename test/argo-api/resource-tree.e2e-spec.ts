import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTrackingId, type KubeObject } from '@berth/domain';
import { KubeCluster } from '@berth/kube';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { eventually } from '@berth/testing';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { createSyncedWebApp, webDeployment } from './testing/recorded-status';

// Argo CD's UI, tree view: `GET /api/v1/applications/{name}/resource-tree` answers an ApplicationTree
// whose nodes link Deployment -> ReplicaSet -> Pod through parentRefs. The cluster is the sandbox, whose
// simulated controllers make the ReplicaSet and the Pod.

interface TreeAnswer {
  nodes: Array<{
    group: string;
    version: string;
    kind: string;
    namespace?: string;
    name: string;
    uid: string;
    parentRefs?: Array<{ kind: string; name: string; uid: string }>;
    info?: Array<{ name: string; value: string }>;
    images?: string[];
    health?: { status: string };
    createdAt?: string;
    resourceVersion: string;
  }>;
  orphanedNodes: unknown[];
}

const deployment: KubeObject = withTrackingId('tree', webDeployment('tree'));

describe('Argo CD client: resource tree', () => {
  let root: string;
  let sandbox: SandboxCluster;
  let kube: KubeCluster;
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-argo-tree-'));
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const kubeconfig = join(root, 'kubeconfig');
    await sandbox.writeKubeconfig(kubeconfig);
    kube = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
    await kube.ensureNamespace('tree');
    await kube.create(deployment);
    // A Pod nobody owns in the same namespace: not part of the tree.
    await kube.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stranger', namespace: 'tree' },
      spec: { containers: [{ name: 'x', image: 'busybox' }] },
    });
    await eventually(async () => {
      const pods = await kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'tree' });
      expect(pods).toHaveLength(2);
    });
    scheduler = await startTestScheduler({ KUBECONFIG: kubeconfig, BERTH_DATA_DIR: join(root, 'data') });
    ({ http } = scheduler);
    await createSyncedWebApp(scheduler, 'tree');
  });

  afterAll(async () => {
    await scheduler?.close();
    await sandbox?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('Deployment -> ReplicaSet -> Pod, linked by parentRefs, with health, info, images and versions', async () => {
    const res = await http.get('/api/v1/applications/tree/resource-tree');
    expect(res.status).toBe(200);
    const { nodes, orphanedNodes } = res.body as TreeAnswer;
    expect(orphanedNodes).toEqual([]);
    expect(nodes.map((n) => `${n.group}/${n.kind}`)).toEqual(['/Pod', 'apps/Deployment', 'apps/ReplicaSet']);
    const [pod, deploy, rs] = nodes as [
      TreeAnswer['nodes'][0],
      TreeAnswer['nodes'][0],
      TreeAnswer['nodes'][0],
    ];
    expect(deploy).toMatchObject({
      version: 'v1',
      namespace: 'tree',
      name: 'web',
      health: { status: 'Healthy' },
    });
    expect(deploy.parentRefs).toBeUndefined();
    expect(rs.parentRefs).toEqual([
      { group: 'apps', kind: 'Deployment', namespace: 'tree', name: 'web', uid: deploy.uid },
    ]);
    expect(rs.info).toEqual([{ name: 'Revision', value: 'Rev:1' }]);
    expect(pod.parentRefs).toEqual([
      { group: 'apps', kind: 'ReplicaSet', namespace: 'tree', name: rs.name, uid: rs.uid },
    ]);
    expect(pod.images).toEqual(['nginx:1.27']);
    expect(pod.info?.map((i) => i.name)).toEqual(['Status Reason', 'Containers']);
    expect(pod.name).not.toBe('stranger');
    for (const n of nodes) {
      expect(typeof n.createdAt).toBe('string');
      expect(n.resourceVersion).not.toBe('');
    }
  });

  it('an unknown application is 404, naming how to list them', async () => {
    const res = await http.get('/api/v1/applications/nope/resource-tree');
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain('GET /api/v1/applications');
  });
});
