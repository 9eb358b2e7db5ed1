import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  applicationEvent,
  applicationStreamId,
  type ApplicationEvent,
  type ApplicationManifest,
} from '@berth/domain';
import { Authentication, openAuthorization, type OpenedAuthorization } from '@berth/auth';
import { PostgresEventStore } from '@berth/event-store';
import { loadConfig } from '@berth/infra';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { QUEUE } from '@berth/queues';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { bearer, eventually, testAdminToken } from '@berth/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { envSecretLookup } from '../../apps/notifier/src/notifications-config.source';
import { configureNotifierApp, NotifierModule } from '../../apps/notifier/src/notifier.module';
import {
  NOTIFIER_SUBSCRIPTION,
  NotifierRuntime,
  type NotifierOptions,
} from '../../apps/notifier/src/notifier.runtime';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// The Argo CD catalog and the seed ConfigMap: one copy, libs/notifications' testdata.
export const TESTDATA = join(process.cwd(), 'libs', 'notifications', 'testdata');
export const SECRETS = {
  BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN: 'xoxb-test-token',
  BERTH_NOTIFICATIONS_SECRET_DINGTALK_TOKEN: 'dt-token',
  BERTH_NOTIFICATIONS_SECRET_DINGTALK_SECRET: 'SECtest-signing-secret',
};

/** The Argo CD catalog ConfigMap's data with `extra` keys added (services, context). */
export function catalogConfig(extra: Record<string, string>): string {
  const cm = parse(readFileSync(join(TESTDATA, 'catalog', 'install.yaml'), 'utf8')) as {
    data: Record<string, string>;
  };
  return stringify({ ...cm, data: { ...cm.data, ...extra } });
}

export function seedConfig(extra: Record<string, string>): string {
  const cm = parse(readFileSync(join(TESTDATA, 'seed-argocd-notifications-cm.yaml'), 'utf8')) as {
    data: Record<string, string>;
  };
  return stringify({ ...cm, data: { ...cm.data, ...extra } });
}

export interface Harness {
  db: TestDatabase;
  prefix: string;
  configFile: string;
  store: PostgresEventStore;
  notifiers: NotifierRuntime[];
  start(overrides?: Partial<NotifierOptions>): Promise<NotifierRuntime>;
  /**
   * The notifier's HTTP app around `runtime`, behind its AuthGuard, and requests as the admin (a session
   * token of the test admin, checked as any other). Closing the app stops the runtime.
   */
  httpApp(runtime: NotifierRuntime): Promise<NotifierHttp>;
  close(): Promise<void>;
}

export interface NotifierHttp {
  app: NestExpressApplication;
  /** Requests with the admin's token. */
  http: ReturnType<typeof request.agent>;
  /** Requests without credentials. */
  anonymous: ReturnType<typeof request>;
}

export async function createHarness(configYaml: string): Promise<Harness> {
  const db = await createTestDatabase('berth_notifier');
  const prefix = `ntf-${randomBytes(4).toString('hex')}`;
  const configFile = join(mkdtempSync(join(tmpdir(), 'berth-notifier-')), 'notifications.yaml');
  writeFileSync(configFile, configYaml);
  const notifiers: NotifierRuntime[] = [];
  const auths: Authentication[] = [];
  const authorizations: OpenedAuthorization[] = [];
  return {
    db,
    prefix,
    configFile,
    store: new PostgresEventStore(db.dataSource),
    notifiers,
    async start(overrides = {}) {
      const runtime = new NotifierRuntime({
        dataSource: db.dataSource,
        databaseUrl: db.url,
        redisUrl: REDIS_URL,
        queuePrefix: prefix,
        configFile,
        secrets: envSecretLookup(SECRETS),
        pollIntervalMs: 100,
        reconcileIntervalMs: 60_000,
        retryBaseDelayMs: 50,
        log: process.env['NOTIFIER_TEST_LOG'] ? (l, m) => console.log(l, m) : undefined,
        ...overrides,
      });
      notifiers.push(runtime);
      await runtime.start();
      return runtime;
    },
    async httpApp(runtime) {
      const auth = await Authentication.open({
        config: loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error' }),
        dataSource: db.dataSource,
      });
      auths.push(auth);
      const authorization = await openAuthorization({ config: auth.config, dataSource: db.dataSource, auth });
      authorizations.push(authorization);
      const token = await testAdminToken(auth, db.dataSource);
      const moduleRef = await Test.createTestingModule({
        imports: [NotifierModule.forRuntime(runtime, auth, authorization.authorizer)],
      }).compile();
      const app = configureNotifierApp(
        moduleRef.createNestApplication<NestExpressApplication>({ logger: false }),
      );
      await app.init();
      const server = app.getHttpServer();
      return { app, http: request.agent(server).set(bearer(token)), anonymous: request(server) };
    },
    async close() {
      for (const authorization of authorizations) authorization.stop();
      for (const auth of auths) await auth.close();
      for (const n of notifiers) await n.stop();
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue(QUEUE.notify, { connection: redis, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
      await redis.quit();
      await db.drop();
      rmSync(dirname(configFile), { recursive: true, force: true });
    },
  };
}

export function manifest(name: string, annotations: Record<string, string>): ApplicationManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, annotations },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/acme/guestbook.git', path: 'guestbook', targetRevision: 'HEAD' },
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
    },
  };
}

export const REV = '4f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4';

/** Appends create + a successful sync of `revision` (one stream append per step, like scheduler and worker do). */
export async function appendSuccessfulSync(
  store: PostgresEventStore,
  app: ApplicationManifest,
  finishedAt: string,
  revision = REV,
): Promise<void> {
  const name = app.metadata.name;
  const stream = applicationStreamId(name);
  const ev = <E extends ApplicationEvent>(type: E['type'], data: E['data']) =>
    applicationEvent<E>(type, data);
  await store.append(
    stream,
    'any',
    [ev('ApplicationCreated', { application: name, project: 'default', manifest: app })],
    {
      actor: 'alice',
    },
  );
  // The reconcile loop resolves the target revision (with its commit) before anything syncs it.
  await store.append(
    stream,
    'any',
    [
      ev('RevisionResolved', {
        application: name,
        revision,
        previousRevision: null,
        targetRevision: 'HEAD',
        commit: { author: 'Alice <alice@example.com>', message: 'Bump guestbook to v2', date: finishedAt },
      }),
    ],
    { actor: 'system:worker' },
  );
  await store.append(
    stream,
    'any',
    [
      ev('SyncRequested', {
        application: name,
        operationId: 'op1',
        prune: false,
        dryRun: false,
        initiatedBy: { username: 'alice', automated: false },
      }),
      ev('SyncOperationStarted', {
        application: name,
        operationId: 'op1',
        revision,
        planId: 'plan',
        attempt: 1,
        dryRun: false,
        taskCount: 1,
      }),
    ],
    { actor: 'system:worker' },
  );
  await store.append(
    stream,
    'any',
    [
      ev('SyncOperationSucceeded', {
        application: name,
        operationId: 'op1',
        revision,
        message: 'successfully synced (all tasks run)',
        startedAt: finishedAt,
        finishedAt,
      }),
      ev('SyncStatusChanged', {
        application: name,
        from: 'OutOfSync',
        to: 'Synced',
        revision,
        outOfSync: [],
      }),
    ],
    { actor: 'system:worker' },
  );
}

/**
 * Waits until the notifier has planned every event in the log: its checkpoint, committed in the same
 * transaction as the deliveries it planned, covers the newest event. The positive signal a test needs
 * before asserting that an event planned nothing. (`drain()` alone can return early: the event log is read
 * only below the server-wide xmin horizon, which another database's open transaction holds back.)
 */
export async function waitUntilPlanned(runtime: NotifierRuntime, db: TestDatabase): Promise<void> {
  await eventually(
    async () => {
      await runtime.drain();
      const [row] = await db.dataSource.query<Array<{ behind: number }>>(
        `SELECT count(*)::int AS behind FROM events e
         WHERE NOT EXISTS (SELECT 1 FROM subscription_checkpoints c
                           WHERE c.subscription = $1 AND (c.transaction_id, c.position) >= (e.transaction_id, e.position))`,
        [NOTIFIER_SUBSCRIPTION],
      );
      expect(row?.behind).toBe(0);
    },
    { what: 'the notifier to plan every event in the log' },
  );
}

export async function deliveryRows(db: TestDatabase): Promise<
  Array<{
    id: string;
    application: string;
    trigger: string;
    status: string;
    attempts: number;
    last_error: string | null;
    last_response_code: number | null;
  }>
> {
  return db.dataSource.query(
    `SELECT id, application, trigger, status, attempts, last_error, last_response_code FROM notification_deliveries ORDER BY created_at, id`,
  );
}
