import { randomBytes } from 'node:crypto';
import {
  ADMIN_ACCOUNT,
  type Authentication,
  initializePassword,
  LoginService,
  MemoryLoginFailureStore,
  PasswordHasher,
} from '@berth/auth';
import { AccountsRepository, createCommandHandler } from '@berth/event-store';
import type { DataSource } from 'typeorm';

/**
 * The admin password of this test run. Tests log in for real: the password is given to the admin of the
 * test's own database the way Berth's first start gives it one (an `AccountPasswordChanged` event and a
 * bcrypt hash, `initializePassword`), then used with `POST /api/v1/session`. Nothing bypasses the checks.
 */
export const TEST_ADMIN_PASSWORD = `berth-test-${randomBytes(6).toString('hex')}`;

/**
 * Sets the admin's initial password to TEST_ADMIN_PASSWORD in the database, before any Berth process starts
 * on it (a process that starts first generates a random one, and this does nothing). Idempotent.
 */
export async function provisionTestAdmin(dataSource: DataSource): Promise<string> {
  await initializePassword(
    {
      commands: createCommandHandler(dataSource),
      accounts: new AccountsRepository(dataSource),
      hasher: new PasswordHasher(),
      nowMs: Date.now,
    },
    ADMIN_ACCOUNT,
    TEST_ADMIN_PASSWORD,
    'system:test',
  );
  return TEST_ADMIN_PASSWORD;
}

/** `POST /api/v1/session` at `baseUrl`: the session token, or an error with the answer. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`login as ${username} at ${baseUrl}: ${res.status} ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}

/** Provisions the test admin (if the database has no admin password yet) and logs in as admin over HTTP. */
export async function loginAsTestAdmin(baseUrl: string, dataSource: DataSource): Promise<string> {
  await provisionTestAdmin(dataSource);
  return login(baseUrl, ADMIN_ACCOUNT, TEST_ADMIN_PASSWORD);
}

/**
 * A session token of the test admin, made by the login code itself (LoginService, as POST /api/v1/session
 * runs it) for a process without a scheduler in the test (a notifier on its own): verified like any other.
 */
export async function testAdminToken(auth: Authentication, dataSource: DataSource): Promise<string> {
  await provisionTestAdmin(dataSource);
  const logins = new LoginService({
    settings: () => auth.settings,
    accounts: auth.accounts,
    hasher: new PasswordHasher(),
    codec: auth.codec,
    failures: new MemoryLoginFailureStore(),
    limits: { maxFailures: 5, failureWindowSeconds: 300, maxFailuresPerAddress: 20 },
    nowMs: auth.nowMs,
  });
  return (await logins.login(ADMIN_ACCOUNT, TEST_ADMIN_PASSWORD, '127.0.0.1')).token;
}

/** `{ Authorization: 'Bearer <token>' }`, for fetch and supertest's `.set()`. */
export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}
