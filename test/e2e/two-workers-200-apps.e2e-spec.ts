import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@berth/infra';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { bearer, eventually, provisionTestAdmin, StopWaiting, TEST_ADMIN_PASSWORD } from '@berth/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createSchedulerApp } from '../../apps/scheduler/src/create-scheduler-app';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';
import { assertBuilt } from './built-entrypoints';
import { checkOperationIntervals, type OperationEventRow } from './operation-intervals';
import { WorkerProcess } from './worker-process';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const APPS = 200;
const NAMESPACE = 'fleet';
const CONVERGE_MS = 180_000;

const appName = (i: number) => `app-${String(i).padStart(3, '0')}`;

/** 1 to 3 plain-YAML objects per app (ConfigMap; + Service; + Deployment), names unique in the shared namespace. */
function appFiles(i: number): Record<string, string> {
  const name = appName(i);
  const files: Record<string, string> = {
    [`${name}/configmap.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
data:
  index: "${i}"
`,
  };
  if (i % 3 >= 1) {
    files[`${name}/service.yaml`] = `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`;
  }
  if (i % 3 === 2) {
    files[`${name}/deployment.yaml`] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;
  }
  return files;
}

function applicationJson(i: number, repoURL: string): string {
  return JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: appName(i), namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL, targetRevision: 'main', path: appName(i) },
      destination: { server: 'https://kubernetes.default.svc', namespace: NAMESPACE },
      syncPolicy: { automated: { prune: true }, syncOptions: ['CreateNamespace=true'] },
    },
  });
}

describe('two worker processes, 200 apps', () => {
  let root: string;
  let db: TestDatabase;
  let sandbox: SandboxCluster;
  let repo: GitFixtureRepo;
  let prefix: string;
  let nest: NestExpressApplication;
  /** The admin's session token (a real login). */
  let token: string;
  let ctx: SchedulerContext;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    assertBuilt(['dist/apps/worker/src/main.js']);
    root = await mkdtemp(join(tmpdir(), 'berth-e2e-200-'));
    db = await createTestDatabase('berth_e2e_200');
    await provisionTestAdmin(db.dataSource);
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const kubeconfig = join(root, 'kubeconfig');
    await sandbox.writeKubeconfig(kubeconfig);
    repo = await GitFixtureRepo.create(root, 'fleet');
    const files: Record<string, string> = {};
    for (let i = 0; i < APPS; i++) Object.assign(files, appFiles(i));
    await repo.commit(files, `${APPS} apps`);
    prefix = `berth-e2e-200-${randomBytes(4).toString('hex')}`;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      BERTH_QUEUE_PREFIX: prefix,
      BERTH_ALLOW_FILE_REPOS: 'true',
      // Long enough that periodic refreshes do not pile up while 200 apps converge (each one is a
      // render + a cluster read), short enough that a Deployment seen Progressing right after its
      // sync is compared again and found Healthy well within the bound.
      REFRESH_INTERVAL_SECONDS: '20',
      REFRESH_JITTER_SECONDS: '5',
      LOG_LEVEL: 'warn',
    };
    ({ app: nest, ctx } = await createSchedulerApp(
      loadConfig({ ...env, BERTH_DATA_DIR: join(root, 'scheduler') }),
    ));
    await nest.init();
    const session = await request(nest.getHttpServer())
      .post('/api/v1/session')
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD })
      .expect(200);
    token = (session.body as { token: string }).token;
    for (const n of [1, 2]) {
      workers.push(
        await WorkerProcess.start(`worker-${n}`, {
          ...env,
          KUBECONFIG: kubeconfig,
          BERTH_DATA_DIR: join(root, `worker-${n}`),
        }),
      );
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await ctx?.queues.refresh.obliterate({ force: true }).catch(() => undefined);
    await ctx?.queues.sync.obliterate({ force: true }).catch(() => undefined);
    await nest?.close();
    await ctx?.close();
    if (prefix) {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await db?.drop();
    await sandbox?.close();
    if (root) await rm(root, { recursive: true, force: true });
  }, 60_000);

  it(
    'syncs every app to Synced and Healthy, one operation at a time per app, each started and finished once',
    async () => {
      const started = Date.now();
      const http = request(nest.getHttpServer());
      for (let i = 0; i < APPS; i++) {
        await http
          .post('/api/v1/applications')
          .set(bearer(token))
          .set('Content-Type', 'application/json')
          .send(applicationJson(i, repo.fileUrl))
          .expect(200);
      }

      // Real worker processes against the sandbox's simulated rollouts: real time.
      await eventually(
        async () => {
          for (const w of workers)
            if (w.exited) throw new StopWaiting(`${w.name} exited (${w.exited}):\n${w.log()}`);
          const counts: Array<{ sync_status: string; health_status: string; n: number }> =
            await db.dataSource.query(
              `SELECT sync_status, health_status, count(*)::int AS n FROM applications GROUP BY 1, 2`,
            );
          expect(counts).toEqual([{ sync_status: 'Synced', health_status: 'Healthy', n: APPS }]);
        },
        { timeout: CONVERGE_MS, interval: 500, what: `all ${APPS} apps to be Synced and Healthy` },
      );
      const convergedMs = Date.now() - started;
      const rows: Array<{
        stream_id: string;
        stream_version: number;
        type: string;
        operation_id: string | null;
        appended_by: string | null;
      }> = await db.dataSource.query(
        `SELECT stream_id, stream_version, type, data->>'operationId' AS operation_id,
                coalesce(metadata->>'workerId', metadata->>'source') AS appended_by
         FROM events
         WHERE type IN ('SyncOperationStarted', 'ResourceSynced', 'SyncOperationSucceeded',
                        'SyncOperationFailed', 'SyncOperationTerminated')
         ORDER BY stream_id, stream_version`,
      );
      const events: OperationEventRow[] = rows.map((r) => ({
        application: r.stream_id,
        streamVersion: r.stream_version,
        type: r.type,
        operationId: r.operation_id ?? undefined,
        appendedBy: r.appended_by ?? undefined,
      }));
      expect(checkOperationIntervals(events)).toEqual([]);
      // Every app was synced by at least one operation, and every operation succeeded.
      const synced = new Set(
        events.filter((e) => e.type === 'SyncOperationSucceeded').map((e) => e.application),
      );
      expect(synced.size).toBe(APPS);
      expect(
        events.filter((e) => e.type === 'SyncOperationFailed' || e.type === 'SyncOperationTerminated'),
      ).toEqual([]);

      // Both processes took part: the load was shared, so the checks above covered two workers.
      const done = await Promise.all(workers.map((w) => w.jobsDone('sync')));
      const refreshes = await Promise.all(workers.map((w) => w.jobsDone('refresh')));
      process.stdout.write(
        `${APPS} apps Synced+Healthy with 2 workers in ${(convergedMs / 1000).toFixed(1)} s; ` +
          `sync jobs per worker ${done.join('/')}, refresh jobs ${refreshes.join('/')}\n`,
      );
      expect(done.every((n) => n > 0)).toBe(true);
    },
    CONVERGE_MS + 60_000,
  );
});
