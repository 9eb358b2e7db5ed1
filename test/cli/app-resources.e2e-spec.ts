import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeCluster } from '@berth/kube';
import type { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import type { SandboxCluster } from '@berth/sandbox-cluster';
import { eventually } from '@berth/testing';
import type { Redis } from 'ioredis';
import type { WorkerProcess } from '../e2e/worker-process';
import type { TestScheduler } from '../scheduler/scheduler-harness';
import { guestbook, under } from '../worker/worker-harness';
import { type CliStack, startCliStack } from './cli-stack';

// The resource tree as Argo CD serves it: the worker that refreshes an app builds the tree from its
// watch-fed cluster cache and stores it in Redis; the scheduler's route answers from there without
// reading the cluster, and reads the cluster itself only when Redis has no tree. `berth app resources`
// prints it, `--orphaned` the orphaned nodes a project with orphanedResources gets.
let sandbox: SandboxCluster;
let kube: KubeCluster;
let repo: GitFixtureRepo;
let s: TestScheduler;
let worker: WorkerProcess;
let prefix: string;
let redis: Redis;

interface Node {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  parentRefs?: Array<{ kind: string; uid: string }>;
  health?: { status: string };
  info?: Array<{ name: string; value: string }>;
}
interface Tree {
  nodes: Node[];
  orphanedNodes: Node[];
}

let stack: CliStack;

beforeAll(async () => {
  stack = await startCliStack({
    name: 'tree',
    files: under('web', guestbook()),
    env: {
      // No periodic refresh: the trees published are those of the refreshes the test asks for.
      REFRESH_INTERVAL_SECONDS: '0',
    },
  });
  ({ sandbox, repo, scheduler: s, worker, prefix } = stack);
  kube = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
  redis = stack.redis;
}, 120_000);

afterAll(() => stack?.stop(), 60_000);

const berth = (...args: string[]) => stack.berth(...args);

const counts = async () =>
  (await (await fetch(`${sandbox.url}/sandbox/request-counts`)).json()) as { get: number; list: number };

const tree = async (): Promise<Tree> => {
  const res = await s.http.get('/api/v1/applications/web/resource-tree');
  expect(res.status).toBe(200);
  return res.body as Tree;
};

const label = (n: Node) => `${n.group}/${n.kind}/${n.name}`;

describe('the resource tree from the workers, through Redis', () => {
  it('a project that monitors orphans (warn off), an app deployed into it', async () => {
    const project = await s.http.post('/api/v1/projects').send({
      project: {
        metadata: { name: 'watched' },
        spec: {
          sourceRepos: ['*'],
          destinations: [{ server: '*', namespace: '*' }],
          clusterResourceWhitelist: [{ group: '*', kind: '*' }],
          // Argo CD fills orphanedNodes whenever orphanedResources is set; warn only adds the condition.
          orphanedResources: { warn: false, ignore: [{ kind: 'Secret' }] },
        },
      },
    });
    expect(project.status).toBe(200);
    const created = await berth(
      'app',
      'create',
      'web',
      '--project',
      'watched',
      '--repo',
      repo.fileUrl,
      '--path',
      'web',
      '--revision',
      'main',
      '--dest-server',
      'https://kubernetes.default.svc',
      '--dest-namespace',
      'web',
      '--sync-option',
      'CreateNamespace=true',
    );
    expect(created.code).toBe(0);
    const synced = await berth('app', 'sync', 'web', '--timeout', '60');
    if (synced.code !== 0) throw new Error(`sync: ${synced.stdout}\n${synced.stderr}\n${worker.log()}`);
    const waited = await berth('app', 'wait', 'web', '--health', '--timeout', '60');
    if (waited.code !== 0) throw new Error(`wait: ${waited.stdout}\n${waited.stderr}`);
    // What Kubernetes and people put in the namespace beside the app.
    for (const [kind, name] of [
      ['ConfigMap', 'stray'],
      ['ConfigMap', 'kube-root-ca.crt'],
      ['Secret', 'ignored'],
    ] as const)
      await kube.create({ apiVersion: 'v1', kind, metadata: { name, namespace: 'web' } });
  }, 180_000);

  it('answers the tree the worker published: Deployment -> ReplicaSet -> Pod and the orphans, no GET or list of the cluster', async () => {
    // A refresh after the orphans appeared publishes a tree that carries them.
    await eventually(
      async () => {
        await berth('app', 'get', 'web', '--refresh');
        expect((await tree()).orphanedNodes.map(label)).toEqual(['/ConfigMap/stray']);
      },
      { timeout: 30_000, interval: 500, what: 'the published tree with the orphaned ConfigMap' },
    );
    expect(await redis.exists(`${prefix}:resource-tree:web`)).toBe(1);
    const before = await counts();
    const { nodes } = await tree();
    const after = await counts();
    expect([after.get - before.get, after.list - before.list]).toEqual([0, 0]);

    const deploy = nodes.find((n) => n.kind === 'Deployment')!;
    const rs = nodes.find((n) => n.kind === 'ReplicaSet')!;
    const pod = nodes.find((n) => n.kind === 'Pod')!;
    expect(deploy).toMatchObject({ group: 'apps', name: 'guestbook-ui', health: { status: 'Healthy' } });
    expect(rs.parentRefs).toEqual([expect.objectContaining({ kind: 'Deployment', uid: deploy.uid })]);
    expect(pod.parentRefs).toEqual([expect.objectContaining({ kind: 'ReplicaSet', uid: rs.uid })]);
    // The Pod is only a node in the worker's cache: its health and info were worked out as it came in.
    expect(pod.health?.status).toBeDefined();
    expect(pod.info?.map((i) => i.name)).toEqual(['Status Reason', 'Containers']);
    expect(nodes.map(label)).toEqual(
      expect.arrayContaining(['/ConfigMap/guestbook-config', '/Service/guestbook-ui']),
    );
  }, 60_000);

  it('berth app resources: the top-level nodes and the orphans; --orphaned the orphans only', async () => {
    const all = await berth('app', 'resources', 'web');
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual(['GROUP', 'KIND', 'NAMESPACE', 'NAME', 'ORPHANED']);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^apps\s+Deployment\s+web\s+guestbook-ui\s+No$/),
        expect.stringMatching(/^\s+Service\s+web\s+guestbook-ui\s+No$/),
        expect.stringMatching(/^\s+ConfigMap\s+web\s+stray\s+Yes$/),
      ]),
    );
    // The ReplicaSet and the Pod are below the Deployment: not listed (Argo CD prints top-level nodes).
    expect(all.stdout).not.toMatch(/ReplicaSet|Pod/);
    const orphaned = await berth('app', 'resources', 'web', '--orphaned');
    expect(orphaned.code).toBe(0);
    expect(orphaned.stdout.trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^\s+ConfigMap\s+web\s+stray\s+Yes$/),
    ]);
  }, 60_000);

  it('with the Redis key gone, the scheduler reads the cluster itself: the same nodes, by GETs and lists', async () => {
    const published = await tree();
    await redis.del(`${prefix}:resource-tree:web`);
    const before = await counts();
    const read = await tree();
    const after = await counts();
    expect(after.get - before.get).toBeGreaterThanOrEqual(3);
    expect(after.list - before.list).toBeGreaterThanOrEqual(1);
    expect(read.nodes.map((n) => n.uid).sort()).toEqual(published.nodes.map((n) => n.uid).sort());
    // The cluster read lists no whole namespace: no orphans without the workers' tree.
    expect(read.orphanedNodes).toEqual([]);
  }, 60_000);

  it('a managed resource missing from the cluster is a node of its own, without uid or health (as Argo CD)', async () => {
    await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'guestbook-config' });
    await eventually(
      async () => {
        await berth('app', 'get', 'web', '--refresh');
        const missing = (await tree()).nodes.find(
          (n) => n.kind === 'ConfigMap' && n.name === 'guestbook-config',
        );
        expect(missing).toBeDefined();
        expect(missing!.uid ?? '').toBe('');
        expect(missing!.health).toBeUndefined();
      },
      { timeout: 30_000, interval: 500, what: 'the missing ConfigMap as a node without uid' },
    );
    // The others are still there, with their uids.
    expect((await tree()).nodes.find((n) => n.kind === 'Deployment')?.uid).toBeTruthy();
  }, 60_000);

  it('deleting the app removes its tree from Redis', async () => {
    await berth('app', 'get', 'web', '--hard-refresh');
    await eventually(async () => expect(await redis.exists(`${prefix}:resource-tree:web`)).toBe(1), {
      timeout: 20_000,
      interval: 200,
      what: 'the tree published again',
    });
    const deleted = await berth('app', 'delete', 'web', '--cascade=false', '-y');
    expect(deleted.code).toBe(0);
    await eventually(async () => expect(await redis.exists(`${prefix}:resource-tree:web`)).toBe(0), {
      timeout: 20_000,
      interval: 200,
      what: 'the tree removed',
    });
  }, 60_000);
});
