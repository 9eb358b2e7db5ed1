import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '@berth/domain';
import { KubeCluster } from '@berth/kube';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { eventually } from '@berth/testing';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { createSyncedWebApp, webDeployment } from './testing/recorded-status';

// Issue #23 item 14: Argo CD's PodLogs, `GET /api/v1/applications/{name}/logs`, read from the destination
// cluster (the sandbox's synthetic container logs) for the Pods that belong to the app only, streamed in
// grpc-gateway's form: one `{"result": LogEntry}` per line, then an entry with `last: true`.

interface LogEntry {
  content: string;
  podName: string;
  timeStamp: string;
  timeStampStr: string;
  last: boolean;
}

const deployment = webDeployment('shop');

const pod = (name: string, image: string, restartPolicy = 'Always'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop' },
  spec: { restartPolicy, containers: [{ name: 'main', image }] },
});

function entriesOf(text: string): LogEntry[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { result: LogEntry }).result);
}

describe('Argo CD client: application pod logs', () => {
  let root: string;
  let sandbox: SandboxCluster;
  let kube: KubeCluster;
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  let webPod: string;

  /** The answer's text: grpc-gateway streams JSON lines under `application/json`, one document per line. */
  const logs = async (query = '') => {
    const res = await http
      .get(`/api/v1/applications/shop/logs${query ? `?${query}` : ''}`)
      .buffer(true)
      .parse((stream, done) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
        stream.on('end', () => done(null, text));
      });
    const text = res.body as string;
    return {
      status: res.status,
      body: res.status === 200 ? undefined : (JSON.parse(text) as unknown),
      entries: res.status === 200 ? entriesOf(text) : [],
    };
  };
  const phase = async (name: string) =>
    (
      (await kube.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name }))?.['status'] as {
        phase?: string;
      }
    )?.phase;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-argo-logs-'));
    // A clock slow enough that a run-to-completion pod is seen running before it ends (0.4 s runs).
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.2 });
    const kubeconfig = join(root, 'kubeconfig');
    await sandbox.writeKubeconfig(kubeconfig);
    kube = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
    await kube.ensureNamespace('shop');
    await kube.create(deployment);
    await kube.create(pod('stranger', 'busybox:1.36'));
    webPod = await eventually(async () => {
      const pods = await kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop' });
      const owned = pods.find((p) => p.metadata.name.startsWith('web-'));
      expect(owned).toBeDefined();
      expect(await phase(owned!.metadata.name)).toBe('Running');
      return owned!.metadata.name;
    });
    scheduler = await startTestScheduler({ KUBECONFIG: kubeconfig, BERTH_DATA_DIR: join(root, 'data') });
    ({ http } = scheduler);
    await createSyncedWebApp(scheduler, 'shop', {
      alsoDeployed: [{ group: '', kind: 'Pod', namespace: 'shop', name: 'once' }],
    });
  });

  afterAll(async () => {
    await scheduler?.close();
    await sandbox?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("streams the app's Pods' logs (owned through the Deployment's ReplicaSet), never another Pod's", async () => {
    const { status, entries } = await logs();
    expect(status).toBe(200);
    const lines = entries.filter((e) => !e.last);
    expect(lines.map((e) => [e.podName, e.content])).toEqual([
      [
        webPod,
        '[sandbox] container "web" started from image "nginx:1.27" (run 1; simulated: the sandbox runs no processes)',
      ],
    ]);
    expect(lines[0]!.timeStamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines[0]!.timeStampStr).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(entries.at(-1)).toMatchObject({ last: true, podName: '', content: '' });
    // A Pod of the namespace that the app did not deploy: nothing at all, as Argo CD answers.
    expect((await logs('podName=stranger')).entries).toEqual([]);
  });

  it('narrows by podName or by resource, and filters lines as Argo CD does', async () => {
    expect((await logs(`podName=${webPod}&container=web`)).entries.filter((e) => !e.last)).toHaveLength(1);
    // The older route with the Pod in the path answers the same.
    const byPath = await http
      .get(`/api/v1/applications/shop/pods/${webPod}/logs`)
      .buffer(true)
      .parse((stream, done) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
        stream.on('end', () => done(null, text));
      });
    expect(entriesOf(byPath.body as string).map((e) => e.podName)).toEqual([webPod, '']);
    expect(
      (await logs('kind=Deployment&group=apps&resourceName=web')).entries.filter((e) => !e.last),
    ).toHaveLength(1);
    expect((await logs('kind=Deployment&group=apps&resourceName=other')).entries).toEqual([]);
    // No group with a kind: that kind in any group (`argocd app logs --kind Deployment --name web`).
    expect((await logs('kind=Deployment&resourceName=web')).entries.filter((e) => !e.last)).toHaveLength(1);
    expect((await logs('kind=Deployment&group=batch&resourceName=web')).entries).toEqual([]);
    expect((await logs('filter=NGINX')).entries.filter((e) => !e.last)).toHaveLength(1);
    expect((await logs('filter=NGINX&matchCase=true')).entries.filter((e) => !e.last)).toHaveLength(0);
    expect((await logs('filter=!nginx')).entries.filter((e) => !e.last)).toHaveLength(0);
    // Argo CD passes tailLines and sinceSeconds on only when above 0: 0 is the whole log.
    expect((await logs('tailLines=0')).entries.filter((e) => !e.last)).toHaveLength(1);
    expect((await logs('tailLines=1')).entries.filter((e) => !e.last)).toHaveLength(1);
  });

  it('follow=true keeps the answer open while the container runs, until it exits', async () => {
    await kube.create(pod('once', 'busybox:1.36', 'Never'));
    await eventually(async () => expect(await phase('once')).toBe('Running'), { interval: 10 });
    const { entries } = await logs('podName=once&follow=true');
    expect(entries.map((e) => e.content)).toEqual([
      '[sandbox] container "main" started from image "busybox:1.36" (run 1; simulated: the sandbox runs no processes)',
      '[sandbox] container "main" exited with code 0 (Completed)',
      '',
    ]);
    expect(await phase('once')).toBe('Succeeded');
  });

  it("a log the cluster refuses is the entry's content (Argo CD shows why)", async () => {
    const { entries } = await logs(`podName=${webPod}&previous=true`);
    expect(entries[0]?.content).toContain(`previous terminated container "web" in pod "${webPod}" not found`);
  });

  it('every query value is checked before the cluster sees it: 400 naming the field', async () => {
    for (const [query, field] of [
      ['container=--x', 'container'],
      ['podName=../etc', 'podName'],
      ['namespace=Shop!', 'namespace'],
      ['tailLines=-1', 'tailLines'],
      ['sinceSeconds=soon', 'sinceSeconds'],
      ['follow=yes', 'follow'],
      ['kind=Pod/../x', 'kind'],
      ['resourceName=a%2Fb', 'resourceName'],
      ['group=--', 'group'],
      ['untilTime=1', 'untilTime'],
    ] as const) {
      const { status, body } = await logs(query);
      expect([query, status]).toEqual([query, 400]);
      expect(JSON.stringify(body)).toContain(field);
    }
    const badPod = await http.get('/api/v1/applications/shop/pods/--x/logs');
    expect(badPod.status).toBe(400);
    expect(JSON.stringify(badPod.body)).toContain('podName');
    expect((await http.get('/api/v1/applications/ghost/logs')).status).toBe(404);
    expect((await scheduler.anonymous.get('/api/v1/applications/shop/logs')).status).toBe(401);
  });
});
