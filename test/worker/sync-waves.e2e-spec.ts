import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applicationEvent } from '@berth/domain';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { watchJobs } from '@berth/testing';
import { WorkerRuntime } from '../../apps/worker/src/worker-runtime';
import { guestbook, REDIS_URL, under, WorkerHarness } from './worker-harness';

let h: WorkerHarness;
// Jest runs from the repository root (jest.config.mjs rootDir).
const CHILD_DIR = join(process.cwd(), 'test', 'worker', 'testing');

const deployment = (
  name: string,
  wave: number,
  image = 'nginx:1.27',
  deadlineSeconds = 600,
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations:
    argocd.argoproj.io/sync-wave: "${wave}"
spec:
  replicas: 1
  progressDeadlineSeconds: ${deadlineSeconds}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: main
          image: ${image}
`;

const waves = {
  'migrate-job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: busybox:1.36
`,
  'config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
`,
  'backend.yaml': deployment('backend', 1),
  'frontend.yaml': deployment('frontend', 2),
};

beforeAll(async () => {
  h = await WorkerHarness.start();
  await h.repo.commit({
    ...under('waves', waves),
    ...under('crash', waves),
    ...under('stuck', {
      'slow.yaml': deployment('slow', 0, 'nginx:doesnotexist'),
      'after.yaml': deployment('after', 1),
    }),
    ...under('retry', {
      'bad.yaml': deployment('bad', 0, 'nginx:doesnotexist', 1),
      'after.yaml': deployment('after', 1),
    }),
    ...under('queued', guestbook()),
    ...under('hookfail', {
      'check.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: preflight
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: HookFailed
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: check
          image: busybox:fail
`,
      'app.yaml': deployment('app', 1),
    }),
  });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const refresh = (application: string) => h.refresh().process({ application, hard: false, reason: 'test' });

describe('sync waves and hooks', () => {
  it('runs the PreSync hook first, then wave by wave, waiting for health in between', async () => {
    await h.createApp('waves', 'waves');
    await refresh('waves');
    const operationId = await h.requestSync('waves');
    expect(await h.sync().process({ application: 'waves', operationId })).toBe('Succeeded');
    const synced = (await h.timeline('waves')).filter((t) => t.startsWith('ResourceSynced:'));
    expect(synced).toEqual([
      // The namespace the sync creates comes before everything inside it, hooks included.
      'ResourceSynced:Namespace/waves:created',
      'ResourceSynced:Job/migrate:created',
      'ResourceSynced:ConfigMap/settings:created',
      'ResourceSynced:Deployment/backend:created',
      'ResourceSynced:Deployment/frontend:created',
    ]);
    const job = await h.cluster.get({
      apiVersion: 'batch/v1',
      kind: 'Job',
      namespace: 'waves',
      name: 'migrate',
    });
    expect((job?.['status'] as { succeeded?: number }).succeeded).toBe(1);
    // A hook never makes the app OutOfSync.
    await refresh('waves');
    expect((await h.view('waves')).sync_status).toBe('Synced');
  });

  it('a second sync re-runs the hook (BeforeHookCreation deletes the old Job first)', async () => {
    const operationId = await h.requestSync('waves');
    expect(await h.sync().process({ application: 'waves', operationId })).toBe('Succeeded');
    const events = await h.events('waves');
    const presync = events.filter(
      (e) => e.type === 'ResourceSynced' && e.data.operationId === operationId && e.data.phase === 'PreSync',
    );
    // The hook ran again; the namespace exists now, so it is not created twice.
    expect(presync.map((e) => (e.data as { resource: { kind: string } }).resource.kind)).toEqual(['Job']);
  });
});

describe('crash and resume', () => {
  it('a sync killed after wave 1 resumes without repeating anything', async () => {
    await h.createApp('crash', 'crash');
    await refresh('crash');
    const operationId = await h.requestSync('crash');
    const crash = new Error('simulated kill -9 after the first Sync wave');
    await expect(
      h.sync().process(
        { application: 'crash', operationId },
        {
          afterWave: (phase) => {
            if (phase === 'Sync') throw crash;
          },
        },
      ),
    ).rejects.toBe(crash);
    const before = await h.timeline('crash');
    expect(before).not.toContain('SyncOperationSucceeded');
    expect(before.filter((t) => t.startsWith('ResourceSynced:'))).toHaveLength(3);

    // No job will run the open operation any more: the next refresh enqueues it again.
    const refreshed = await refresh('crash');
    expect(refreshed.resumedOperationId).toBe(operationId);
    const queued = await h.deps.queues.sync.getJobs(['waiting']);
    expect(queued.filter((j) => j.data.operationId === operationId)).toHaveLength(1);
    expect((await refresh('crash')).resumedOperationId).toBeUndefined();

    expect(await h.sync().process({ application: 'crash', operationId })).toBe('Succeeded');
    const after = await h.timeline('crash');
    const count = (t: string) => after.filter((x) => x === t).length;
    expect(count('SyncOperationStarted')).toBe(1);
    expect(count('SyncOperationSucceeded')).toBe(1);
    const synced = after.filter((t) => t.startsWith('ResourceSynced:'));
    expect(synced).toEqual([
      'ResourceSynced:Namespace/crash:created',
      'ResourceSynced:Job/migrate:created',
      'ResourceSynced:ConfigMap/settings:created',
      'ResourceSynced:Deployment/backend:created',
      'ResourceSynced:Deployment/frontend:created',
    ]);
    // And a third delivery of the same job changes nothing.
    expect(await h.sync().process({ application: 'crash', operationId })).toBe('AlreadyFinished');
    expect(await h.timeline('crash')).toHaveLength(after.length);
  });
});

describe('kill -9 of a worker process', () => {
  it('another worker resumes the operation: one start, each resource once, one success', async () => {
    await h.createApp('kill9', 'crash');
    await refresh('kill9');
    const operationId = await h.requestSync('kill9');
    const child = spawn(
      process.execPath,
      ['--no-warnings', '--import', join(CHILD_DIR, 'register-ts.mjs'), join(CHILD_DIR, 'sync-child.ts')],
      {
        env: {
          ...process.env,
          BERTH_SYNC_CHILD: JSON.stringify({
            databaseUrl: h.db.url,
            kubeconfig: h.sandbox.kubeconfig(),
            gitCacheDir: join(h.root, 'git'),
            redisUrl: REDIS_URL,
            prefix: h.prefix,
            application: 'kill9',
            operationId,
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((r) =>
      child.on('exit', (code, signal) => r(signal ?? code)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('WAVE_DONE')) resolve();
      });
      void exited.then(() => reject(new Error(`sync child exited before the first wave: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await h.timeline('kill9')).not.toContain('SyncOperationSucceeded');

    expect(await h.sync().process({ application: 'kill9', operationId })).toBe('Succeeded');
    const timeline = await h.timeline('kill9');
    expect(timeline.filter((t) => t === 'SyncOperationStarted')).toHaveLength(1);
    expect(timeline.filter((t) => t === 'SyncOperationSucceeded')).toHaveLength(1);
    const synced = timeline.filter((t) => t.startsWith('ResourceSynced:'));
    expect(synced).toEqual([
      'ResourceSynced:Namespace/kill9:created',
      'ResourceSynced:Job/migrate:created',
      'ResourceSynced:ConfigMap/settings:created',
      'ResourceSynced:Deployment/backend:created',
      'ResourceSynced:Deployment/frontend:created',
    ]);
  }, 30_000);
});

describe('crash between changing the cluster and recording it', () => {
  it('re-applies the unrecorded task once and records it once', async () => {
    await h.createApp('crash-mid', 'crash');
    await refresh('crash-mid');
    const operationId = await h.requestSync('crash-mid');
    const crash = new Error('simulated kill -9 after applying the ConfigMap');
    await expect(
      h.sync().process(
        { application: 'crash-mid', operationId },
        {
          beforeRecord: (taskId) => {
            if (taskId.includes('/ConfigMap/')) throw crash;
          },
        },
      ),
    ).rejects.toBe(crash);
    const live = await h.cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'crash-mid',
      name: 'settings',
    });
    expect(live).toBeDefined();
    expect(await h.timeline('crash-mid')).not.toContain('ResourceSynced:ConfigMap/settings:created');

    expect(await h.sync().process({ application: 'crash-mid', operationId })).toBe('Succeeded');
    const synced = (await h.timeline('crash-mid')).filter((t) => t.startsWith('ResourceSynced:'));
    // Applied before the crash, so the resumed run finds it live and unchanged.
    expect(synced).toEqual([
      'ResourceSynced:Namespace/crash-mid:created',
      'ResourceSynced:Job/migrate:created',
      'ResourceSynced:ConfigMap/settings:unchanged',
      'ResourceSynced:Deployment/backend:created',
      'ResourceSynced:Deployment/frontend:created',
    ]);
  });
});

describe('terminate and retry', () => {
  it('TerminateRequested stops a sync that waits for health', async () => {
    await h.createApp('stuck', 'stuck');
    await refresh('stuck');
    const operationId = await h.requestSync('stuck');
    // Terminate once wave 0 (the Deployment that never becomes healthy) is recorded: the sync now waits for its health.
    let waiting!: () => void;
    const waitsForHealth = new Promise<void>((r) => (waiting = r));
    const running = h.sync().process(
      { application: 'stuck', operationId },
      {
        afterWave: async () => {
          if ((await h.timeline('stuck')).includes('ResourceSynced:Deployment/slow:created')) waiting();
        },
      },
    );
    await waitsForHealth;
    await h.record(
      'stuck',
      [applicationEvent('TerminateRequested', { application: 'stuck', operationId })],
      'alice',
    );
    expect(await running).toBe('Terminated');
    const timeline = await h.timeline('stuck');
    expect(timeline[timeline.length - 1]).toBe('SyncOperationTerminated');
    expect(timeline).not.toContain('ResourceSynced:Deployment/after:created');
  });

  it('a failed sync is retried per syncPolicy.retry, then fails for good', async () => {
    await h.createApp('retry', 'retry', { retry: { limit: 1, backoff: { duration: '1s', factor: 2 } } });
    await refresh('retry');
    const operationId = await h.requestSync('retry');
    expect(await h.sync().process({ application: 'retry', operationId })).toBe('Retrying');
    const failed = (await h.events('retry')).filter((e) => e.type === 'SyncOperationFailed');
    expect(failed[0]?.data).toMatchObject({ retryInMs: 1000, attempt: 1 });
    expect((failed[0]?.data as { message: string }).message).toContain('Degraded');
    expect(await h.deps.queues.sync.getDelayedCount()).toBeGreaterThanOrEqual(1);
    // Too early: the retry waits for its backoff.
    expect(await h.sync().process({ application: 'retry', operationId })).toBe('RetryNotDue');
    // The backoff is the subject: move the processors' clock past it instead of sleeping through it.
    h.clock.advance(1000);
    expect(await h.sync().process({ application: 'retry', operationId })).toBe('Failed');
    const timeline = await h.timeline('retry');
    expect(timeline.filter((t) => t === 'SyncOperationStarted')).toHaveLength(2);
    expect(timeline.filter((t) => t === 'SyncOperationFailed')).toHaveLength(2);
    const last = (await h.events('retry')).pop();
    expect(last?.data).toMatchObject({ attempt: 2 });
    expect(last?.data).not.toHaveProperty('retryInMs');
  });

  it("a manual sync's retryStrategy (Argo CD's Operation.retry) is the operation's, whatever syncPolicy.retry says (#23.5)", async () => {
    await h.createApp('retry-op', 'retry');
    await refresh('retry-op');
    const own = await h.requestSync('retry-op', {
      retry: { limit: 1, backoff: { duration: '2s', factor: 2 } },
    });
    expect(await h.sync().process({ application: 'retry-op', operationId: own })).toBe('Retrying');
    const failed = (await h.events('retry-op')).filter((e) => e.type === 'SyncOperationFailed');
    expect(failed[0]?.data).toMatchObject({ retryInMs: 2000, attempt: 1 });
    h.clock.advance(2000);
    expect(await h.sync().process({ application: 'retry-op', operationId: own })).toBe('Failed');
    // limit 0 for this operation: no retry, though the app's policy would retry.
    await h.createApp('no-retry', 'retry', { retry: { limit: 3, backoff: { duration: '1s' } } });
    await refresh('no-retry');
    const none = await h.requestSync('no-retry', { retry: { limit: 0 } });
    expect(await h.sync().process({ application: 'no-retry', operationId: none })).toBe('Failed');
  });
});

describe('hook delete policies', () => {
  it('a PreSync hook that fails stops the sync before any app resource (only the namespace exists), and HookFailed deletes it', async () => {
    await h.createApp('hookfail', 'hookfail');
    await refresh('hookfail');
    const operationId = await h.requestSync('hookfail');
    expect(await h.sync().process({ application: 'hookfail', operationId })).toBe('Failed');
    const synced = (await h.events('hookfail')).filter((e) => e.type === 'ResourceSynced').map((e) => e.data);
    // The HookFailed deletion happens once the operation has failed, and is recorded.
    expect(
      synced.map(
        (d) => `${(d as { resource: { kind: string } }).resource.kind}:${(d as { result: string }).result}`,
      ),
    ).toEqual(['Namespace:created', 'Job:created', 'Job:deleted']);
    const job = await h.cluster.get({
      apiVersion: 'batch/v1',
      kind: 'Job',
      namespace: 'hookfail',
      name: 'preflight',
    });
    expect(job).toBeUndefined();
    const app = await h.cluster.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'hookfail',
      name: 'app',
    });
    expect(app).toBeUndefined();
  });
});

describe('through the queues', () => {
  it('a refresh job auto-syncs an automated app end to end', async () => {
    const runtime = new WorkerRuntime(h.deps, { redisUrl: REDIS_URL, prefix: h.prefix, concurrency: 2 });
    await h.deps.queues.sync.obliterate({ force: true });
    const syncs = await watchJobs(h.deps.queues.sync);
    const refreshes = await watchJobs(h.deps.queues.refresh);
    runtime.start();
    try {
      await h.createApp('queued', 'queued', { automated: {} });
      await h.deps.queues.requestRefresh({ application: 'queued', hard: false, reason: 'test' });
      // The refresh starts the auto-sync; the sync job runs it and asks for the refresh that records Synced.
      const sync = await syncs.awaitJob((j) => j.data?.application === 'queued', {
        timeout: 20_000,
        what: 'the auto-sync of queued',
      });
      expect(sync).toMatchObject({ outcome: 'completed', returnvalue: 'Succeeded' });
      await refreshes.awaitJob((j) => j.data?.application === 'queued' && j.data.reason === 'sync-finished', {
        timeout: 20_000,
        what: 'the refresh after the sync of queued',
      });
      expect((await h.view('queued')).sync_status).toBe('Synced');
      const timeline = await h.timeline('queued');
      expect(timeline.filter((t) => t === 'SyncOperationSucceeded')).toHaveLength(1);
    } finally {
      await runtime.close();
      await syncs.close();
      await refreshes.close();
    }
  });
});
