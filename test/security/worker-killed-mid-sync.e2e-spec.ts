import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applicationStreamId } from '@berth/domain';
import { QUEUE } from '@berth/queues';
import { eventually } from '@berth/testing';
import { QueueEvents } from 'bullmq';
import { join } from 'node:path';
import { assertBuilt } from '../e2e/built-entrypoints';
import { WorkerProcess } from '../e2e/worker-process';
import { REDIS_URL, under, WorkerHarness } from '../worker/worker-harness';

/**
 * Fault: a worker process dies (kill -9, OOM kill, node lost) while it runs a sync. Another worker
 * must carry the operation on quickly (the app shows `Running` until then) and never run one of
 * its tasks twice. See docs/adr/0003-one-operation-per-app.md for the timings.
 */

const RESUME_BOUND_MS = 15_000;

const configMap = (name: string, wave: number) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  annotations:
    argocd.argoproj.io/sync-wave: "${wave}"
data:
  wave: "${wave}"
`;

/** Wave 1 never becomes healthy by itself (the image does not exist): the sync waits there until the test fixes it. */
const gate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: gate
  annotations:
    argocd.argoproj.io/sync-wave: "1"
spec:
  replicas: 1
  progressDeadlineSeconds: 600
  selector:
    matchLabels: { app: gate }
  template:
    metadata:
      labels: { app: gate }
    spec:
      containers:
        - name: main
          image: nginx:doesnotexist
`;

interface EventRow {
  type: string;
  data: { operationId?: string; taskId?: string; resource?: { kind: string; name: string } };
  source: string | null;
}

let h: WorkerHarness;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  assertBuilt(['dist/apps/worker/src/main.js']);
  h = await WorkerHarness.start();
  await h.repo.commit({
    ...under('gate', {
      'first.yaml': configMap('first', 0),
      'gate.yaml': gate,
      'last.yaml': configMap('last', 2),
    }),
    ...under('stall', { 'first.yaml': configMap('first', 0), 'second.yaml': configMap('second', 1) }),
  });
  const kubeconfig = join(h.root, 'kubeconfig');
  await h.sandbox.writeKubeconfig(kubeconfig);
  for (const n of [1, 2]) {
    workers.push(
      await WorkerProcess.start(`worker-${n}`, {
        DATABASE_URL: h.db.url,
        REDIS_URL,
        BERTH_QUEUE_PREFIX: h.prefix,
        BERTH_ALLOW_FILE_REPOS: 'true',
        KUBECONFIG: kubeconfig,
        BERTH_DATA_DIR: join(h.root, `worker-${n}`),
        LOG_LEVEL: 'warn',
      }),
    );
  }
}, 90_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await h?.stop();
}, 60_000);

async function operationEvents(application: string, operationId: string): Promise<EventRow[]> {
  const rows: EventRow[] = await h.db.dataSource.query(
    `SELECT type, data, metadata->>'source' AS source FROM events
     WHERE stream_id = $1 AND data->>'operationId' = $2 ORDER BY stream_version`,
    [applicationStreamId(application), operationId],
  );
  return rows;
}

describe('fault: a worker process is killed with kill -9 in the middle of a sync', () => {
  it('another worker carries the operation on within 15 s and records every task exactly once', async () => {
    await h.createApp('gate', 'gate');
    const operationId = await h.requestSync('gate');
    await h.deps.queues.requestSync({ application: 'gate', operationId });

    // The holder recorded wave 1 and now waits for the Deployment to become healthy.
    const holderSource = await eventually(
      async () => {
        const events = await operationEvents('gate', operationId);
        const source = events.find(
          (e) => e.type === 'ResourceSynced' && e.data.resource?.kind === 'Deployment',
        )?.source;
        expect(source).toEqual(expect.any(String));
        return source!;
      },
      { timeout: 30_000, interval: 100, what: 'wave 1 recorded' },
    );
    const holder = workers.find((w) => holderSource.endsWith(`:${w.pid}`));
    const survivor = workers.find((w) => w !== holder);
    if (!holder || !survivor) throw new Error(`no worker process appended as ${holderSource}`);
    // What the wait is made of, for the test's output: BullMQ finds the job stalled, a worker takes it.
    const queueEvents = new QueueEvents(QUEUE.sync, { connection: { url: REDIS_URL }, prefix: h.prefix });
    await queueEvents.waitUntilReady();
    const seen: string[] = [];
    let killedAt = Date.now();
    for (const event of ['stalled', 'active', 'delayed'] as const)
      queueEvents.on(event, () => seen.push(`${event} +${Date.now() - killedAt} ms`));
    holder.kill();
    killedAt = Date.now();
    await eventually(() => expect(holder.exited).toBeDefined(), {
      timeout: 5_000,
      interval: 100,
      what: 'the holder to exit',
    });

    // Let wave 1 become healthy; only a live worker can now record wave 2.
    await h.cluster.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'gate', name: 'gate' },
      { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } } },
    );
    const resumed = await eventually(
      async () => {
        const events = await operationEvents('gate', operationId);
        expect(events.map((e) => `${e.type}:${e.data.resource?.name}`)).toContain('ResourceSynced:last');
        return events;
      },
      { timeout: 150_000, interval: 100, what: 'another worker to record wave 2' },
    );
    const resumedAfterMs = Date.now() - killedAt;
    await queueEvents.close();
    process.stdout.write(
      `kill -9 to wave 2 recorded by the other worker: ${resumedAfterMs} ms (sync job: ${seen.join(', ')})\n`,
    );
    expect(resumedAfterMs).toBeLessThan(RESUME_BOUND_MS);
    expect(resumed.find((e) => e.data.resource?.name === 'last')?.source).toBe(
      holderSource.replace(`:${holder.pid}`, `:${survivor.pid}`),
    );

    const done = await eventually(
      async () => {
        const events = await operationEvents('gate', operationId);
        expect(
          events.filter((e) => e.type.startsWith('SyncOperation') && e.type !== 'SyncOperationStarted'),
        ).not.toEqual([]);
        return events;
      },
      { timeout: 30_000, interval: 100, what: 'the operation to finish' },
    );
    const count = (type: string) => done.filter((e) => e.type === type).length;
    expect(count('SyncOperationStarted')).toBe(1);
    expect(count('SyncOperationSucceeded')).toBe(1);
    const tasks = done.filter((e) => e.type === 'ResourceSynced').map((e) => e.data.taskId);
    expect(tasks).toHaveLength(4); // the namespace, first, gate, last
    expect(new Set(tasks).size).toBe(tasks.length);
  }, 240_000);

  it('a holder that stalls past its lease (a long GC pause, a partition) stops at its next write instead of recording a task twice', async () => {
    await h.createApp('stall', 'stall');
    const operationId = await h.requestSync('stall');
    // Run A applies the wave-1 ConfigMap, then stalls before recording it: its lease runs out meanwhile.
    let stalled!: () => void;
    const reachedStall = new Promise<void>((r) => (stalled = r));
    let wake!: () => void;
    const stall = new Promise<void>((r) => (wake = r));
    const runA = h.sync().process(
      { application: 'stall', operationId },
      {
        beforeRecord: async (taskId) => {
          if (!taskId.includes('second')) return;
          stalled();
          await stall;
        },
      },
    );
    await reachedStall;
    // Run B is the worker that took the expired lease: it carries the operation to its end.
    expect(await h.sync().process({ application: 'stall', operationId })).toBe('Succeeded');
    wake();
    expect(await runA).toBe('TakenOver');

    const events = await operationEvents('stall', operationId);
    const tasks = events.filter((e) => e.type === 'ResourceSynced').map((e) => e.data.taskId);
    expect(new Set(tasks).size).toBe(tasks.length);
    expect(events.filter((e) => e.type === 'SyncOperationStarted')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'SyncOperationSucceeded')).toHaveLength(1);
  });
});
