import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@berth/testing';
import { crashLoop } from './controllers/pod-kubelet.controller';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 7: the controllers a GitOps app relies on behave as a real cluster's: a `default`
// ServiceAccount in each new namespace, crash-looping containers backing off, a finished Job's Pod shown as
// Completed, CronJobs creating Jobs on their (scaled) schedule.

describe('the controllers a GitOps app uses', () => {
  let cluster: SandboxCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let dir: string;
  let kubeconfig: string;
  const kubectlIt = findKubectl() ? it : it.skip;

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    core = kc.makeApiClient(CoreV1Api);
    batch = kc.makeApiClient(BatchV1Api);
    dir = await mkdtemp(join(tmpdir(), 'sandbox-controllers-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
    await core.createNamespace({ body: { metadata: { name: 'team' } } });
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a new namespace gets its default ServiceAccount', async () => {
    await eventually(async () => {
      const sa = await core.readNamespacedServiceAccount({ name: 'default', namespace: 'team' });
      expect(sa.metadata?.name).toBe('default');
    });
    const list = await core.listNamespacedServiceAccount({ namespace: 'default' });
    expect(list.items.map((s) => s.metadata?.name)).toContain('default');
  });

  it('a crash-looping container backs off 10 s, 20 s, 40 s ... capped at 5 min', () => {
    const unscaled = (ms: number) => ms;
    expect(crashLoop(0, unscaled)).toMatchObject({ restarts: 1, backOffSeconds: 10, nextCrashAt: 10_000 });
    expect(crashLoop(10_000, unscaled)).toMatchObject({
      restarts: 2,
      backOffSeconds: 20,
      lastCrashAt: 10_000,
    });
    expect(crashLoop(29_999, unscaled)).toMatchObject({ restarts: 2, backOffSeconds: 20 });
    expect(crashLoop(30_000, unscaled)).toMatchObject({ restarts: 3, backOffSeconds: 40 });
    // 10+20+40+80+160 = 310 s, then 300 s each.
    expect(crashLoop(310_000, unscaled)).toMatchObject({ restarts: 6, backOffSeconds: 300 });
    expect(crashLoop(910_000, unscaled)).toMatchObject({ restarts: 8, backOffSeconds: 300 });
  });

  it('a crash-looping Pod shows the back-off in its waiting message, and restarts ever more slowly', async () => {
    await core.createNamespacedPod({
      namespace: 'team',
      body: {
        metadata: { name: 'crash' },
        spec: { containers: [{ name: 'app', image: 'example/app:crashloop' }] },
      },
    });
    // timeScale 0.01: crashes at 0, 0.1, 0.3, 0.7 s... so after ~0.35 s, three restarts, not 35 ms apart.
    await eventually(async () => {
      const pod = await core.readNamespacedPod({ name: 'crash', namespace: 'team' });
      const status = pod.status?.containerStatuses?.[0];
      expect(status?.restartCount).toBeGreaterThanOrEqual(3);
      expect(status?.state?.waiting?.message).toMatch(
        /^back-off (40|80|160|300)s restarting failed container=app pod=crash_team/,
      );
    });
    const pod = await core.readNamespacedPod({ name: 'crash', namespace: 'team' });
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBeLessThan(8);
  });

  kubectlIt("kubectl get pods shows a finished Job's Pod as Completed", async () => {
    await batch.createNamespacedJob({
      namespace: 'team',
      body: {
        metadata: { name: 'migrate' },
        spec: {
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox:1.36' }] } },
        },
      },
    });
    await eventually(async () => {
      const out = await runKubectl(['get', 'pods', '-n', 'team', '-l', 'job-name=migrate', '--no-headers'], {
        kubeconfig,
        home: dir,
      });
      expect(out.stdout).toMatch(/^migrate-\S+\s+0\/1\s+Completed\s+0\s+/);
    });
  });

  it('a CronJob creates Jobs on its schedule (scaled), owned by it, and keeps its history limit', async () => {
    await batch.createNamespacedCronJob({
      namespace: 'team',
      body: {
        metadata: { name: 'report' },
        spec: {
          schedule: '* * * * *',
          successfulJobsHistoryLimit: 2,
          jobTemplate: {
            spec: {
              template: {
                spec: { restartPolicy: 'OnFailure', containers: [{ name: 'r', image: 'busybox:1.36' }] },
              },
            },
          },
        },
      },
    });
    // Every simulated minute is 0.6 real seconds at timeScale 0.01.
    await eventually(
      async () => {
        const cj = await batch.readNamespacedCronJob({ name: 'report', namespace: 'team' });
        expect(cj.status?.lastScheduleTime).toBeDefined();
        expect(cj.status?.lastSuccessfulTime).toBeDefined();
        const jobs = (await batch.listNamespacedJob({ namespace: 'team' })).items.filter((j) =>
          j.metadata?.name?.startsWith('report-'),
        );
        const completed = jobs.filter((j) => j.status?.conditions?.some((c) => c.type === 'Complete'));
        expect(completed.length).toBe(2);
        expect(jobs[0]?.metadata?.ownerReferences?.[0]).toMatchObject({
          kind: 'CronJob',
          name: 'report',
          controller: true,
        });
        expect(jobs[0]?.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toMatch(
          /:00Z$/,
        );
      },
      { timeout: 10_000 },
    );
  });
});
