import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InClusterResolver, KubeCluster } from '@berth/kube';
import { TcpProxy } from '../security/testing/tcp-proxy';
import { guestbook, under, WorkerHarness } from './worker-harness';

/**
 * Issue #24: the cluster's API server goes away under a sync (it restarts, the network to it drops).
 * The operation waits for it and goes on by itself, the same operation, once it answers; an automated
 * sync is never started while the comparison fails. The cluster sits behind a TCP proxy that refuses.
 */

let h: WorkerHarness;
let proxy: TcpProxy;

beforeAll(async () => {
  h = await WorkerHarness.start();
  proxy = await TcpProxy.start(h.sandbox.port);
  const behindProxy = h.sandbox.kubeconfig().replaceAll(h.sandbox.url, `http://127.0.0.1:${proxy.port}`);
  h.deps.clusters = new InClusterResolver(KubeCluster.fromKubeconfig(behindProxy));
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await h?.stop();
});

const refresh = (application: string) => h.refresh().process({ application, hard: false, reason: 'test' });

/** The deliveries of an operation the queue holds, with their state. */
async function deliveries(application: string, operationId: string): Promise<Array<[string, number]>> {
  const jobs = await h.deps.queues.sync.getJobs(['waiting', 'delayed', 'prioritized']);
  const mine = jobs.filter((j) => j.data.application === application && j.data.operationId === operationId);
  return Promise.all(mine.map(async (j) => [await j.getState(), j.opts.delay ?? 0] as [string, number]));
}

async function drop(application: string, operationId: string): Promise<void> {
  const jobs = await h.deps.queues.sync.getJobs(['waiting', 'delayed', 'prioritized']);
  for (const j of jobs)
    if (j.data.application === application && j.data.operationId === operationId) await j.remove();
}

describe('the cluster API server away under a sync', () => {
  it('an automated sync waits for the cluster before it starts, then runs by itself as the same operation', async () => {
    await h.repo.commit(under('before-start', guestbook()));
    await h.createApp('before-start', 'before-start', { automated: { prune: true } });
    const compared = await refresh('before-start');
    const operationId = compared.autoSyncOperationId!;
    expect(operationId).toBeDefined();

    await proxy.refuse();
    try {
      expect(await h.sync().process({ application: 'before-start', operationId })).toBe('WaitingForCluster');
      // Again while it is away: nothing new in the log, another delivery later.
      await drop('before-start', operationId);
      expect(await h.sync().process({ application: 'before-start', operationId })).toBe('WaitingForCluster');
      const waited = (await h.events('before-start')).filter((e) => e.type === 'SyncOperationWaiting');
      expect(waited).toHaveLength(1);
      expect(waited[0]!.data).toMatchObject({ operationId, waitingFor: 'cluster' });
      const message = (waited[0]!.data as { message: string }).message;
      expect(message).toContain(`127.0.0.1:${proxy.port}`);
      expect(message).toContain('ECONNREFUSED');
      // Not an attempt: no failure recorded, the operation runs (Argo CD's "Running" with the message).
      expect(await h.timeline('before-start')).not.toContain('SyncOperationFailed');
      const [delivery, ...more] = await deliveries('before-start', operationId);
      expect(more).toEqual([]);
      expect(delivery![0]).toBe('delayed');
      expect(delivery![1]).toBeGreaterThanOrEqual(1_000);
      expect(delivery![1]).toBeLessThanOrEqual(5_000);
      // A refresh meanwhile fails its comparison and leaves the operation to its next delivery.
      const duringOutage = await refresh('before-start');
      expect(duringOutage.appended).toContain('ConditionRaised');
      expect(duringOutage.resumedOperationId).toBeUndefined();
    } finally {
      await proxy.forward();
    }

    // Back: the refresh that compares again sends the waiting operation on at once.
    await drop('before-start', operationId);
    const back = await refresh('before-start');
    expect(back.resumedOperationId).toBe(operationId);
    expect(await deliveries('before-start', operationId)).toEqual([['waiting', 0]]);
    expect(await h.sync().process({ application: 'before-start', operationId })).toBe('Succeeded');
    const ended = (await h.events('before-start')).filter(
      (e) => e.type === 'SyncOperationStarted' || e.type === 'SyncOperationSucceeded',
    );
    expect(ended.map((e) => [e.type, (e.data as { attempt?: number }).attempt])).toEqual([
      ['SyncOperationStarted', 1],
      ['SyncOperationSucceeded', undefined],
    ]);
  });

  it('no automated sync starts while the comparison fails, and one does once it succeeds', async () => {
    await h.repo.commit(under('idle', guestbook()));
    await h.createApp('idle', 'idle', { automated: { prune: true } });
    const first = await refresh('idle');
    expect(await h.sync().process({ application: 'idle', operationId: first.autoSyncOperationId! })).toBe(
      'Succeeded',
    );
    const next = await h.repo.commit(under('idle', guestbook('nginx:1.27', 'newer')));
    await proxy.refuse();
    try {
      // Argo CD: a comparison error leaves the sync status Unknown, and auto-sync acts only on OutOfSync.
      const duringOutage = await refresh('idle');
      expect(duringOutage.appended).toEqual(['ConditionRaised', 'SyncStatusChanged']);
      expect(duringOutage.autoSyncOperationId).toBeUndefined();
      expect(await h.view('idle')).toMatchObject({ sync_status: 'Unknown' });
    } finally {
      await proxy.forward();
    }
    const back = await refresh('idle');
    expect(back.autoSyncOperationId).toBeDefined();
    expect(await h.view('idle')).toMatchObject({ revision: next });
  });

  it('an operation the cluster leaves mid-wave waits and resumes where it stopped, each task once', async () => {
    await h.repo.commit(under('mid-wave', guestbook()));
    await h.createApp('mid-wave', 'mid-wave');
    await refresh('mid-wave');
    const operationId = await h.requestSync('mid-wave');
    let first: string | undefined;
    const outcome = await h.sync().process(
      { application: 'mid-wave', operationId },
      {
        beforeRecord: async (taskId) => {
          if (first) return;
          first = taskId;
          await proxy.refuse();
        },
      },
    );
    try {
      expect(outcome).toBe('WaitingForCluster');
      expect(await h.timeline('mid-wave')).not.toContain('SyncOperationFailed');
      expect((await h.events('mid-wave')).at(-1)).toMatchObject({
        type: 'SyncOperationWaiting',
        data: { waitingFor: 'cluster' },
      });
    } finally {
      await proxy.forward();
    }
    await drop('mid-wave', operationId);
    expect(await h.sync().process({ application: 'mid-wave', operationId })).toBe('Succeeded');
    const synced = (await h.events('mid-wave'))
      .filter((e) => e.type === 'ResourceSynced')
      .map((e) => (e.data as { taskId: string }).taskId);
    expect(synced).toContain(first);
    expect(new Set(synced).size).toBe(synced.length);
    expect(await h.timeline('mid-wave')).not.toContain('SyncOperationFailed');
  });
});
