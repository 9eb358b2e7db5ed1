import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { freePort } from '@berth/sources/testing/free-port';
import { eventually, login, provisionTestAdmin, TEST_ADMIN_PASSWORD } from '@berth/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthProcess } from '../security/testing/berth-process';
import { guestbook, under } from '../worker/worker-harness';
import { assertBuilt } from './built-entrypoints';
import { jsonLogRecords, type JsonLogRecord } from '../testing/json-log-records';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Every non-empty line of stdout and stderr, parsed: a line that is not JSON fails the test. */
const records = (proc: BerthProcess): JsonLogRecord[] => jsonLogRecords(`${proc.stdout}\n${proc.stderr}`);

/**
 * LOG_FORMAT=json on the compiled scheduler and worker, as an operator runs them: every line is one JSON
 * object; the lines about an app name it, the correlation id (the request's X-Correlation-Id at the
 * scheduler, the operation id in the worker, the id its events carry) and the actor.
 */
describe('structured logs (LOG_FORMAT=json)', () => {
  let db: TestDatabase;
  let sandbox: SandboxCluster;
  let root: string;
  let scheduler: BerthProcess;
  let worker: BerthProcess;
  let base: string;
  let token: string;
  const prefix = `berth-json-logs-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    assertBuilt(['dist/apps/scheduler/src/main.js', 'dist/apps/worker/src/main.js']);
    root = await mkdtemp(join(tmpdir(), 'berth-json-logs-'));
    db = await createTestDatabase('berth_json_logs');
    await provisionTestAdmin(db.dataSource);
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const kubeconfig = join(root, 'kubeconfig');
    await sandbox.writeKubeconfig(kubeconfig);
    const repo = await GitFixtureRepo.create(root, 'apps');
    await repo.commit(under('guestbook', guestbook()));
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      BERTH_QUEUE_PREFIX: prefix,
      BERTH_ALLOW_FILE_REPOS: 'true',
      KUBECONFIG: kubeconfig,
      REFRESH_INTERVAL_SECONDS: '0',
      LOG_FORMAT: 'json',
    };
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    scheduler = BerthProcess.start('dist/apps/scheduler/src/main.js', {
      ...env,
      SCHEDULER_PORT: String(port),
      BERTH_DATA_DIR: join(root, 'scheduler'),
      LOG_LEVEL: 'log',
    });
    worker = BerthProcess.start('dist/apps/worker/src/main.js', {
      ...env,
      WORKER_PORT: String(await freePort()),
      BERTH_DATA_DIR: join(root, 'worker'),
      LOG_LEVEL: 'debug',
    });
    await eventually(
      async () => {
        expect(scheduler.running && worker.running).toBe(true);
        expect((await fetch(`${base}/readyz`)).status).toBe(200);
      },
      { timeout: 30_000, interval: 200, what: 'the scheduler to be ready' },
    );
    token = await login(base, 'admin', TEST_ADMIN_PASSWORD);
    const repoURL = repo.fileUrl;
    const created = await fetch(`${base}/api/v1/applications`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
        'X-Correlation-Id': 'create-guestbook-1',
      },
      body: JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'guestbook', namespace: 'argocd' },
        spec: {
          project: 'default',
          source: { repoURL, targetRevision: 'main', path: 'guestbook' },
          destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
          syncPolicy: { syncOptions: ['CreateNamespace=true'] },
        },
      }),
    });
    expect(created.headers.get('x-correlation-id')).toBe('create-guestbook-1');
    expect(created.status).toBeLessThan(300);
  }, 90_000);

  afterAll(async () => {
    scheduler?.terminate();
    worker?.terminate();
    await Promise.all([scheduler?.exitWithin(10_000), worker?.exitWithin(15_000)]);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db?.drop();
    await sandbox?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("a sync: the scheduler's line carries the request's correlation id and actor, the worker's the operation's", async () => {
    const answer = await fetch(`${base}/api/v1/applications/guestbook/sync`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
        'X-Correlation-Id': 'sync-guestbook-1',
      },
      body: '{}',
    });
    expect(answer.status).toBeLessThan(300);
    const [requested] = await db.dataSource.query<Array<{ operation_id: string; correlation: string }>>(
      `SELECT data->>'operationId' AS operation_id, metadata->>'correlationId' AS correlation
       FROM events WHERE type = 'SyncRequested' AND stream_id LIKE '%guestbook'`,
    );
    expect(requested?.correlation).toBe('sync-guestbook-1');
    const operationId = requested!.operation_id;

    await eventually(
      async () => {
        expect(records(worker)).toContainEqual(
          expect.objectContaining({
            level: 'log',
            process: 'worker',
            message: `sync operation ${operationId}: Succeeded`,
            application: 'guestbook',
            correlationId: operationId,
            actor: 'admin',
          }),
        );
      },
      { timeout: 30_000, interval: 200, what: "the worker's line about the sync" },
    );
    // The refresh the creation asked for: a debug line of its own, about the app, by the refresh.
    expect(records(worker)).toContainEqual(
      expect.objectContaining({
        level: 'debug',
        application: 'guestbook',
        actor: 'system:refresh',
        correlationId: expect.stringMatching(/^refresh:/) as unknown,
        message: expect.stringMatching(/^refresh \(spec-changed\) done: OutOfSync\//) as unknown,
      }),
    );
    const lines = records(scheduler);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'log',
        process: 'scheduler',
        context: 'api',
        message: expect.stringMatching(
          /^POST \/api\/v1\/applications\/:name\/sync: done in \d+ ms$/,
        ) as unknown,
        application: 'guestbook',
        correlationId: 'sync-guestbook-1',
        actor: 'admin',
      }),
    );
    // Lines not about an app (start-up) carry no app; none carries a token.
    expect(lines.find((l) => String(l.message).includes('listening'))).not.toHaveProperty('application');
    expect(`${scheduler.output()}${worker.output()}`).not.toContain(token);
  }, 60_000);
});
