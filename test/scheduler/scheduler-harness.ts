import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@berth/infra';
import { bearer, provisionTestAdmin, TEST_ADMIN_PASSWORD } from '@berth/testing';
import { createTestDatabase, type TestDatabase } from '../../libs/event-store/src/testing/test-database';
import { createSchedulerApp } from '../../apps/scheduler/src/create-scheduler-app';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';

export interface TestScheduler {
  db: TestDatabase;
  app: NestExpressApplication;
  ctx: SchedulerContext;
  /** Requests as the admin, logged in with POST /api/v1/session (its bearer token on every request). */
  http: ReturnType<typeof request.agent>;
  /** Requests without credentials. */
  anonymous: ReturnType<typeof request>;
  /** The admin's session token. */
  adminToken: string;
  /** The argocd-cm-shaped accounts config the scheduler reads (BERTH_ACCOUNTS_CONFIG): rewrite it to reload. */
  accountsFile: string;
  /** The argocd-rbac-cm file (BERTH_RBAC_CONFIG): rewrite it to reload. */
  rbacFile: string;
  /** `{ Authorization }` of an API key of `account` (one of the `accounts` the scheduler was started with). */
  as(account: string): { Authorization: string };
  close(): Promise<void>;
}

export interface TestSchedulerOptions {
  /**
   * Local accounts besides admin (`accounts.<name>: apiKey, login` in an accounts config file); each gets an
   * API key issued by the admin through the API, for `as(name)`.
   */
  accounts?: readonly string[];
  /** More argocd-cm keys for the accounts config file. */
  accountsConfig?: Readonly<Record<string, string>>;
  /**
   * The argocd-rbac-cm (its data keys as YAML: `policy.csv: |` ...) the scheduler enforces. Default: each of
   * `accounts` is bound to role:admin (`g, <name>, role:admin`), for specs about something else than RBAC.
   */
  rbac?: string;
}

/**
 * A scheduler on its own fresh database and queue prefix, with periodic refresh off (tests call
 * it directly). `env` adds or overrides configuration. Its admin logs in for real (the password is
 * provisioned as the first start would, see @berth/testing test-login).
 */
export async function startTestScheduler(
  env: Record<string, string> = {},
  options: TestSchedulerOptions = {},
): Promise<TestScheduler> {
  const db = await createTestDatabase();
  await provisionTestAdmin(db.dataSource);
  const configDir = await mkdtemp(join(tmpdir(), 'berth-accounts-'));
  const accountsFile = join(configDir, 'accounts.yaml');
  await writeFile(accountsFile, testAccountsConfig(options.accounts ?? [], options.accountsConfig));
  const rbacFile = join(configDir, 'rbac.yaml');
  await writeFile(rbacFile, options.rbac ?? testRbacConfig(options.accounts ?? []));
  const config = loadConfig({
    DATABASE_URL: db.url,
    BERTH_QUEUE_PREFIX: `berth-e2e-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'error',
    REFRESH_INTERVAL_SECONDS: '0',
    BERTH_ACCOUNTS_CONFIG: accountsFile,
    BERTH_RBAC_CONFIG: rbacFile,
    // Specs that store credentials set the key for the whole file (their workers and scripts read it too).
    ...(process.env['BERTH_SECRET_KEY'] ? { BERTH_SECRET_KEY: process.env['BERTH_SECRET_KEY'] } : {}),
    ...env,
  });
  const { app, ctx } = await createSchedulerApp(config);
  await app.init();
  const server = app.getHttpServer();
  const adminToken = await loginTestAdmin(server);
  const tokens = await issueTestApiKeys(server, adminToken, options.accounts ?? []);
  return {
    db,
    app,
    ctx,
    http: request.agent(server).set(bearer(adminToken)),
    anonymous: request(server),
    adminToken,
    accountsFile,
    rbacFile,
    as(account) {
      const token = account === 'admin' ? adminToken : tokens.get(account);
      if (!token)
        throw new Error(`no account ${account}: start the scheduler with { accounts: ['${account}'] }`);
      return bearer(token);
    },
    async close() {
      await ctx.queues.refresh.obliterate({ force: true });
      await ctx.queues.sync.obliterate({ force: true });
      await app.close();
      await ctx.close();
      await db.drop();
      await rm(configDir, { recursive: true, force: true });
    },
  };
}

/** The accounts config (argocd-cm keys) giving each of `accounts` an API key and a login, as a file's text. */
export function testAccountsConfig(
  accounts: readonly string[],
  more: Readonly<Record<string, string>> = {},
): string {
  const keys = {
    ...Object.fromEntries(accounts.map((name) => [`accounts.${name}`, 'apiKey, login'])),
    ...more,
  };
  return Object.entries(keys)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`)
    .join('');
}

/** An argocd-rbac-cm binding each of `accounts` to role:admin. */
export function testRbacConfig(accounts: readonly string[]): string {
  if (accounts.length === 0) return 'policy.csv: ""\n';
  return `policy.csv: |\n${accounts.map((name) => `  g, ${name}, role:admin\n`).join('')}`;
}

/** Logs the test admin in on `server` (POST /api/v1/session): its session token. */
export async function loginTestAdmin(server: Parameters<typeof request>[0]): Promise<string> {
  const session = await request(server)
    .post('/api/v1/session')
    .send({ username: 'admin', password: TEST_ADMIN_PASSWORD });
  if (session.status !== 200) throw new Error(`test admin login: ${session.status} ${session.text}`);
  return (session.body as { token: string }).token;
}

/** An API key for each of `accounts`, issued by the admin through the API (POST /api/v1/account/:name/token). */
export async function issueTestApiKeys(
  server: Parameters<typeof request>[0],
  adminToken: string,
  accounts: readonly string[],
): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const name of accounts) {
    const issued = await request(server)
      .post(`/api/v1/account/${name}/token`)
      .set(bearer(adminToken))
      .send({ id: 'test' });
    if (issued.status !== 200) throw new Error(`API key of ${name}: ${issued.status} ${issued.text}`);
    tokens.set(name, (issued.body as { token: string }).token);
  }
  return tokens;
}
