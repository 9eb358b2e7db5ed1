import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1DaemonSet,
  type V1Deployment,
  type V1Job,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1ReplicaSet,
  type V1Service,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import type { Pod } from './api/builtin-kinds';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { eventually } from '@berth/testing';

/** An object this spec sends: client-node's KubernetesObject plus the kind's own fields. */
type Obj = KubernetesObject & Record<string, unknown>;

/**
 * The controller simulator's documented behaviour (README "Simulated controllers"), observed the
 * way Berth observes a cluster: through the API. timeScale 0.01 makes a 1 s pod start take 10 ms.
 */
describe('controller simulator', () => {
  let cluster: SandboxCluster;
  let api: KubernetesObjectApi;
  // client-node reads built-in kinds into its typed models (V1Deployment ...): the spec reads those.
  const read = <T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace = 'sim',
  ) => api.read<T>({ apiVersion, kind, metadata: { name, namespace } });
  const podsOf = async (label: string) =>
    (await api.list<V1Pod>('v1', 'Pod', 'sim', undefined, undefined, undefined, undefined, label)).items;
  const workload = (kind: string, name: string, image: string, extra: Record<string, unknown> = {}): Obj => ({
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'sim' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
      ...extra,
    },
  });

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    api = KubernetesObjectApi.makeApiClient(kc);
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sim' } });
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('rolls a Deployment to a new ReplicaSet on a template change and keeps the old one scaled to 0', async () => {
    await api.create(workload('Deployment', 'roll', 'nginx:1.27', { replicas: 2 }));
    await eventually(async () =>
      expect((await read<V1Deployment>('apps/v1', 'Deployment', 'roll')).status?.availableReplicas).toBe(2),
    );
    await api.patch(
      { ...workload('Deployment', 'roll', 'nginx:1.28', { replicas: 2 }) },
      undefined,
      undefined,
      'test',
      true,
      'application/apply-patch+yaml',
    );
    const done = await eventually(async () => {
      const d = await read<V1Deployment>('apps/v1', 'Deployment', 'roll');
      const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
      expect([d.status?.observedGeneration, progressing?.reason, d.status?.replicas]).toEqual([
        2,
        'NewReplicaSetAvailable',
        2,
      ]);
      return d;
    });
    expect(done.metadata?.generation).toBe(2);
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(done.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    const sets = (
      await api.list<V1ReplicaSet>(
        'apps/v1',
        'ReplicaSet',
        'sim',
        undefined,
        undefined,
        undefined,
        undefined,
        'app=roll',
      )
    ).items;
    expect(sets.map((rs) => rs.spec?.replicas).sort()).toEqual([0, 2]);
    // The old pods terminate gracefully (as on a real cluster they may outlive the rollout's status
    // by their grace period), so wait for them to go before looking at what is left.
    const pods = await eventually(async () => {
      const all = await podsOf('app=roll');
      expect(all).toHaveLength(2);
      return all;
    });
    expect(pods.map((p) => p.spec?.containers[0]?.image)).toEqual(['nginx:1.28', 'nginx:1.28']);
  });

  it('Recreate scales the old ReplicaSet to zero before the new one starts', async () => {
    const recreate = (image: string) =>
      workload('Deployment', 'rec', image, { replicas: 2, strategy: { type: 'Recreate' } });
    await api.create(recreate('nginx:1.27'));
    await eventually(async () =>
      expect((await read<V1Deployment>('apps/v1', 'Deployment', 'rec')).status?.availableReplicas).toBe(2),
    );
    const images = new Set<string>();
    const unsubscribe = cluster.registry.store.subscribe((e) => {
      if (
        e.type !== 'DELETED' &&
        e.object.kind === 'Pod' &&
        e.object.metadata?.['labels']?.['app'] === 'rec'
      ) {
        const live = cluster.registry.store.list(cluster.registry.types.byKind('v1', 'Pod')!, 'sim', true);
        const running = live.filter(
          (p) => p.metadata?.['labels']?.['app'] === 'rec' && !p.metadata?.['deletionTimestamp'],
        ) as Pod[];
        images.add(
          running
            .map((p) => p.spec?.containers?.[0]?.image)
            .sort()
            .join(','),
        );
      }
    });
    await api.patch(
      recreate('nginx:1.28'),
      undefined,
      undefined,
      'test',
      true,
      'application/apply-patch+yaml',
    );
    await eventually(async () => {
      const d = await read<V1Deployment>('apps/v1', 'Deployment', 'rec');
      expect(d.status).toMatchObject({ updatedReplicas: 2, availableReplicas: 2, replicas: 2 });
    });
    unsubscribe();
    // Never old and new pods side by side.
    expect([...images].filter((set) => set.includes('1.27') && set.includes('1.28'))).toEqual([]);
  });

  it('an unpullable image gives ImagePullBackOff pods and ProgressDeadlineExceeded', async () => {
    await api.create(
      workload('Deployment', 'badimage', 'invalid.example/app:1.0', {
        replicas: 1,
        progressDeadlineSeconds: 5,
      }),
    );
    const pod = await eventually(async () => {
      const [p] = await podsOf('app=badimage');
      expect(p?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ImagePullBackOff');
      return p!;
    });
    expect(pod.status?.phase).toBe('Pending');
    const d = await eventually(async () => {
      const dep = await read<V1Deployment>('apps/v1', 'Deployment', 'badimage');
      expect(dep.status?.conditions).toContainEqual(
        expect.objectContaining({ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }),
      );
      return dep;
    });
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      message: expect.stringContaining('has timed out progressing'),
    });
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
  });

  it('a crashloop image gives CrashLoopBackOff with restarts', async () => {
    await api.create(workload('Deployment', 'crashy', 'example/app:crashloop', { replicas: 1 }));
    const pod = await eventually(async () => {
      const [p] = await podsOf('app=crashy');
      expect(p?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
      return p!;
    });
    expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(1);
  });

  it('StatefulSets create ordered pods and claims and converge revisions; DaemonSets run one pod', async () => {
    await api.create(
      workload('StatefulSet', 'db', 'postgres:16', {
        replicas: 2,
        serviceName: 'db',
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      }),
    );
    await api.create(workload('DaemonSet', 'agent', 'busybox:1.36'));
    const sts = await eventually(async () => {
      const s = await read<V1StatefulSet>('apps/v1', 'StatefulSet', 'db');
      expect(s.status?.readyReplicas).toBe(2);
      return s;
    });
    expect(sts.status?.currentRevision).toBe(sts.status?.updateRevision);
    expect((await podsOf('app=db')).map((p) => p.metadata?.name).sort()).toEqual(['db-0', 'db-1']);
    const pvc = await eventually(async () => {
      const c = await read<V1PersistentVolumeClaim>('v1', 'PersistentVolumeClaim', 'data-db-1');
      expect(c.status?.phase).toBe('Bound');
      return c;
    });
    expect(pvc.status?.capacity).toEqual({ storage: '1Gi' });
    const ds = await eventually(async () => {
      const d = await read<V1DaemonSet>('apps/v1', 'DaemonSet', 'agent');
      expect(d.status?.numberAvailable).toBe(1);
      return d;
    });
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      numberReady: 1,
      updatedNumberScheduled: 1,
    });
  });

  it('Jobs complete, and a failing Job stops at its backoffLimit', async () => {
    const job = (name: string, image: string): Obj => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'sim' },
      spec: {
        backoffLimit: 1,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image }] } },
      },
    });
    await api.create(job('ok', 'busybox:1.36'));
    await api.create(job('broken', 'busybox:fail'));
    const ok = await eventually(async () => {
      const j = await read<V1Job>('batch/v1', 'Job', 'ok');
      expect(j.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Complete' }));
      return j;
    });
    expect(ok.status).toMatchObject({ succeeded: 1 });
    expect(ok.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid']).toBe(ok.metadata?.uid);
    const broken = await eventually(async () => {
      const j = await read<V1Job>('batch/v1', 'Job', 'broken');
      expect(j.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Failed' }));
      return j;
    });
    expect(broken.status?.failed).toBe(2);
    expect(broken.status?.conditions?.find((c) => c.type === 'Failed')).toMatchObject({
      status: 'True',
      reason: 'BackoffLimitExceeded',
    });
  });

  it('deletes pods gracefully: Terminating with a deletionTimestamp until the kubelet finishes', async () => {
    await api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bare', namespace: 'sim' },
      spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: 'nginx:1.27' }] },
    });
    await eventually(async () =>
      expect((await read<V1Pod>('v1', 'Pod', 'bare')).status?.phase).toBe('Running'),
    );
    // A graceful delete answers with the object, now Terminating (as kube-apiserver does). Read it from the
    // answer: at timeScale 0.01 the kubelet finishes in 10 ms, which a follow-up GET can miss under load.
    // Raw HTTP, because client-node reads a DELETE answer as a V1Status and drops the object's metadata.
    const res = await fetch(`${cluster.url}/api/v1/namespaces/sim/pods/bare`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer sandbox' },
    });
    expect(res.status).toBe(200);
    const terminating = (await res.json()) as Obj;
    expect(terminating.kind).toBe('Pod');
    expect(terminating.metadata?.deletionGracePeriodSeconds).toBe(5);
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    await eventually(async () => {
      const gone = await read('v1', 'Pod', 'bare').then(
        () => 'still there',
        (err: unknown) => (err instanceof ApiException ? err.code : String(err)),
      );
      expect(gone).toBe(404);
    });
  });

  it('LoadBalancer Services get a ClusterIP at once and an ingress IP shortly after', async () => {
    const svc = await api.create<V1Service>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb', namespace: 'sim' },
      spec: { type: 'LoadBalancer', selector: { app: 'roll' }, ports: [{ port: 80 }] },
    });
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);
    expect(svc.spec?.ports?.[0]).toMatchObject({
      protocol: 'TCP',
      targetPort: 80,
      nodePort: expect.any(Number),
    });
    const ready = await eventually(async () => {
      const s = await read<V1Service>('v1', 'Service', 'lb');
      expect(s.status?.loadBalancer?.ingress?.[0]?.ip).toBeTruthy();
      return s;
    });
    expect(ready.status?.loadBalancer?.ingress?.[0]?.ip).toBe('172.18.255.200');
  });
});

describe('state file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-state-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('survives a restart: objects and the resourceVersion counter come back', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await startSandboxCluster({ port: 0, simulate: false, stateFile });
    const kc = new KubeConfig();
    kc.loadFromString(first.kubeconfig());
    const created = await KubernetesObjectApi.makeApiClient(kc).create<Obj>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kept', namespace: 'default' },
      data: { a: '1' },
    });
    await first.close();
    const second = await startSandboxCluster({ port: 0, simulate: false, stateFile });
    try {
      const kc2 = new KubeConfig();
      kc2.loadFromString(second.kubeconfig());
      const api2 = KubernetesObjectApi.makeApiClient(kc2);
      const kept = await api2.read<Obj>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kept', namespace: 'default' },
      });
      expect(kept).toMatchObject({
        data: { a: '1' },
        metadata: { uid: created.metadata?.uid, resourceVersion: created.metadata?.resourceVersion },
      });
      const next = await api2.create<Obj>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'after', namespace: 'default' },
      });
      expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(
        Number(created.metadata?.resourceVersion),
      );
    } finally {
      await second.close();
    }
  });
});
