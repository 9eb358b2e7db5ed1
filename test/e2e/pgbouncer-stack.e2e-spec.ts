import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { type SlackReceiver, startSlackReceiver } from '@berth/notifications/testing';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { freePort } from '@berth/sources/testing/free-port';
import {
  eventually,
  login,
  provisionTestAdmin,
  startPrivatePgBouncer,
  TEST_ADMIN_PASSWORD,
  type PrivatePgBouncer,
} from '@berth/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogConfig, SECRETS } from '../notifier/notifier.harness';
import { BerthProcess } from '../security/testing/berth-process';
import { guestbook, under } from '../worker/worker-harness';
import { assertBuilt } from './built-entrypoints';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * The whole of Berth behind PgBouncer in transaction mode (issue #17 item 10, docs/scaling.md): the
 * compiled scheduler, worker and notifier reach Postgres only through a pool of 2 server connections
 * (`DATABASE_URL`), except the LISTEN connection (`BERTH_DATABASE_LISTEN_URL`, at Postgres). A user's
 * create → sync → Synced/Healthy → history → notification → application stream works as without it: a
 * session-level statement (SET, advisory lock, named prepared statement) on DATABASE_URL would break here.
 * (That LISTEN itself needs Postgres is libs/event-store's pgbouncer.int-spec.)
 */
describe('Berth behind PgBouncer (pool_mode = transaction)', () => {
  let db: TestDatabase;
  let bouncer: PrivatePgBouncer;
  let sandbox: SandboxCluster;
  let slack: SlackReceiver;
  let root: string;
  const processes: BerthProcess[] = [];
  let base: string;
  let token: string;
  const prefix = `berth-bouncer-${randomBytes(4).toString('hex')}`;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    assertBuilt([
      'dist/apps/scheduler/src/main.js',
      'dist/apps/worker/src/main.js',
      'dist/apps/notifier/src/main.js',
    ]);
    root = await mkdtemp(join(tmpdir(), 'berth-bouncer-'));
    db = await createTestDatabase('berth_bouncer_stack');
    await provisionTestAdmin(db.dataSource);
    bouncer = await startPrivatePgBouncer({ poolSize: 2 });
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    slack = await startSlackReceiver({ token: SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN });
    const kubeconfig = join(root, 'kubeconfig');
    await sandbox.writeKubeconfig(kubeconfig);
    const notifications = join(root, 'notifications.yaml');
    await writeFile(
      notifications,
      catalogConfig({ 'service.slack': `token: $slack-token\napiURL: ${slack.url}/api/\n` }),
    );
    const repo = await GitFixtureRepo.create(root, 'apps');
    await repo.commit(under('guestbook', guestbook()));
    const env = {
      DATABASE_URL: bouncer.urlFor(db.url),
      BERTH_DATABASE_LISTEN_URL: db.url,
      REDIS_URL,
      BERTH_QUEUE_PREFIX: prefix,
      BERTH_ALLOW_FILE_REPOS: 'true',
      KUBECONFIG: kubeconfig,
      REFRESH_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'warn',
    };
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    processes.push(
      BerthProcess.start('dist/apps/scheduler/src/main.js', {
        ...env,
        SCHEDULER_PORT: String(port),
        BERTH_DATA_DIR: join(root, 'scheduler'),
      }),
      BerthProcess.start('dist/apps/worker/src/main.js', {
        ...env,
        WORKER_PORT: String(await freePort()),
        BERTH_DATA_DIR: join(root, 'worker'),
      }),
      BerthProcess.start('dist/apps/notifier/src/main.js', {
        ...env,
        ...SECRETS,
        NOTIFICATIONS_CONFIG: notifications,
        NOTIFIER_PORT: String(await freePort()),
      }),
    );
    await eventually(
      async () => {
        for (const p of processes) expect(p.running).toBe(true);
        expect((await fetch(`${base}/readyz`)).status).toBe(200);
      },
      { timeout: 30_000, interval: 200, what: 'the scheduler to be ready' },
    );
    token = await login(base, 'admin', TEST_ADMIN_PASSWORD);
    const created = await api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'guestbook',
        namespace: 'argocd',
        annotations: { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'deploys' },
      },
      spec: {
        project: 'default',
        source: { repoURL: repo.fileUrl, targetRevision: 'main', path: 'guestbook' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
        syncPolicy: { syncOptions: ['CreateNamespace=true'] },
      },
    });
    expect(created.status).toBeLessThan(300);
  }, 90_000);

  afterAll(async () => {
    for (const p of processes) p.terminate();
    await Promise.all(processes.map((p) => p.exitWithin(15_000)));
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await slack?.close();
    await sandbox?.close();
    await bouncer?.destroy();
    await db?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('syncs to Synced/Healthy, keeps the history, notifies once, and streams the change', async () => {
    // The stream (LISTEN on BERTH_DATABASE_LISTEN_URL) is open before the sync: it must see it happen.
    let streamed = '';
    const stream = get(
      `${base}/api/v1/stream/applications?name=guestbook`,
      { headers: { Authorization: `Bearer ${token}` } },
      (res) => {
        expect(res.statusCode).toBe(200);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (streamed += chunk));
        res.on('error', () => undefined);
      },
    );
    stream.on('error', () => undefined);

    expect((await api('POST', '/api/v1/applications/guestbook/sync', {})).status).toBeLessThan(300);
    await eventually(
      async () => {
        const app = (await api('GET', '/api/v1/applications/guestbook')).body as {
          status: { sync: { status: string }; health: { status: string }; history?: unknown[] };
        };
        expect(app.status.sync.status).toBe('Synced');
        expect(app.status.health.status).toBe('Healthy');
        expect(app.status.history).toHaveLength(1);
      },
      { timeout: 60_000, interval: 250, what: 'guestbook to be Synced and Healthy' },
    );
    await eventually(() => expect(slack.messages).toHaveLength(1), {
      timeout: 20_000,
      what: 'the on-sync-succeeded message',
    });
    await eventually(() => expect(streamed).toMatch(/"sync":\{[^}]*"status":"Synced"/), {
      timeout: 10_000,
      what: 'the stream to carry the Synced application',
    });
    stream.destroy();
    const audit = await api('GET', '/api/v1/applications/guestbook/audit');
    expect(JSON.stringify(audit.body)).toContain('SyncOperationSucceeded');
    // Every process is still up: nothing in transaction mode broke a session it relied on.
    for (const p of processes) expect(p.running).toBe(true);
  }, 120_000);
});
