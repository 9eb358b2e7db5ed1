import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTrackingId, type KubeObject } from '@berth/domain';
import { KubeCluster } from '@berth/kube';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { bearer, eventually } from '@berth/testing';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { argoShapeProblems } from './testing/argo-shapes';
import { createSyncedWebApp, webDeployment } from './testing/recorded-status';
import { WatchClient } from './testing/watch-client';

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

  it('WatchResourceTree streams the tree at once, then again when the cluster changes it (a Deployment scaled by hand)', async () => {
    const server = scheduler.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stream = await WatchClient.open(
      `${url}/api/v1/stream/applications/tree/resource-tree`,
      bearer(scheduler.adminToken),
    );
    try {
      expect(stream.response.statusCode).toBe(200);
      const pods = (line: { result?: TreeAnswer }) =>
        (line.result?.nodes ?? []).filter((n) => n.kind === 'Pod').length;
      const first = await stream.next<{ result?: TreeAnswer }>((line) => line.result !== undefined);
      expect(first.result).toEqual((await http.get('/api/v1/applications/tree/resource-tree')).body);
      expect(pods(first)).toBe(1);
      // kubectl scale deployment web --replicas=2: the sandbox's controllers add a Pod; no event in Berth's log.
      await kube.mergePatch(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'tree', name: 'web' },
        { spec: { replicas: 2 } },
      );
      const scaled = await stream.next<{ result?: TreeAnswer }>((line) => pods(line) === 2, 20_000);
      expect(scaled.result?.nodes.filter((n) => n.kind === 'Pod').map((n) => n.images)).toEqual([
        ['nginx:1.27'],
        ['nginx:1.27'],
      ]);
      // Each line is grpc-gateway's {"result": ApplicationTree}, and a tree is sent only when it changed.
      for (const line of stream.lines)
        expect(argoShapeProblems('application-tree-stream-line', line)).toEqual([]);
      const texts = stream.lines.map((l) => JSON.stringify(l));
      for (let i = 1; i < texts.length; i++) expect(texts[i]).not.toBe(texts[i - 1]);
    } finally {
      stream.close();
      await kube.mergePatch(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'tree', name: 'web' },
        { spec: { replicas: 1 } },
      );
    }
    const unknown = await http.get('/api/v1/stream/applications/nope/resource-tree');
    expect(unknown.status).toBe(404);
  }, 40_000);

  it('an unknown application is 404, naming how to list them', async () => {
    const res = await http.get('/api/v1/applications/nope/resource-tree');
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain('GET /api/v1/applications');
  });
});
