import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { initialPasswordIn } from '@berth/auth';
import { loadConfig } from '@berth/infra';
import { bearer, eventually, login, TEST_ADMIN_PASSWORD } from '@berth/testing';
import { createSchedulerApp } from '../../apps/scheduler/src/create-scheduler-app';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';
import { schedulerRoutes } from '../testing/scheduler-routes';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { BerthProcess } from './berth-process';

/**
 * Authentication (#12, docs/accounts.md): every endpoint but health, readiness, metrics (open by default),
 * the Git webhook and the login itself needs a token; logins as Argo CD's session manager (same answer for
 * an unknown user and a wrong password, 5 failures then refused); API keys listed by id and revoked on
 * every process at once; the audit log names who authenticated; no password or token in answers or logs.
 */

const application = (name: string) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/team/apps.git', targetRevision: 'main', path: name },
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
    },
  });

/** The claims of a JWT, read without verifying (the test checks what Berth wrote). */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** Routes that answer without a token: health, readiness, metrics, the webhook (own signature), the logins (password, SSO in the browser and from the CLI). */
const PUBLIC = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'POST /api/webhook',
  'POST /api/v1/session',
  'GET /api/v1/session/userinfo',
  'GET /auth/login',
  'GET /auth/callback',
  'POST /api/v1/session/sso',
  // Argo CD answers these before login too (docs/api.md, "Public routes"); what an anonymous caller sees
  // of them is checked in test/argo-api/public-routes.
  'GET /api/version',
  'GET /api/v1/settings',
  'GET /api/badge',
  // The OpenAPI document describes routes, never data or settings: public like Argo CD's /swagger.json
  // (its docs page, /api/docs, is served beside the controllers; checked below and in test/scheduler/openapi).
  'GET /api/openapi.json',
]);

/**
 * Every route of the scheduler's Nest app, read from its controllers' decorators: a route added later is
 * in this list without anybody remembering to add it.
 */
function routesOf(ctx: SchedulerContext): Array<{ method: string; path: string }> {
  return schedulerRoutes(ctx).map((r) => ({ ...r, path: r.path.replace(/:[A-Za-z]+/g, 'x') }));
}

describe('authentication: who may call at all', () => {
  let s: TestScheduler;

  beforeAll(async () => {
    s = await startTestScheduler({ WEBHOOK_GITHUB_SECRET: 'hook-secret' });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('an anonymous caller gets 401 on every route but health, metrics, the webhook and the login', async () => {
    const routes = routesOf(s.ctx);
    expect(routes.length).toBeGreaterThan(35);
    expect(routes.filter((r) => PUBLIC.has(`${r.method} ${r.path}`)).length).toBe(PUBLIC.size);
    for (const { method, path } of routes.filter((r) => !PUBLIC.has(`${r.method} ${r.path}`))) {
      const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
      const res = await s.anonymous[verb](path).set('Content-Type', 'application/json').send('{}');
      expect({ call: `${method} ${path}`, status: res.status }).toEqual({
        call: `${method} ${path}`,
        status: 401,
      });
      expect(res.body).toMatchObject({
        error: 'Unauthenticated',
        message: expect.stringContaining('POST /api/v1/session'),
      });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="berth"');
    }
    // The same with a token that is not one, a token with another signature, and a non-bearer header.
    const forged = `${s.adminToken.split('.').slice(0, 2).join('.')}.${Buffer.from('x'.repeat(32)).toString('base64url')}`;
    for (const authorization of ['Bearer not-a-token', `Bearer ${forged}`, 'Basic YWRtaW46YWRtaW4=']) {
      const res = await s.anonymous.get('/api/v1/applications').set('Authorization', authorization);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain(forged);
    }
    // Nothing was recorded by any of it.
    expect(
      await s.db.dataSource.query(
        `SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'application-%'`,
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('health, readiness, metrics (open by default, as Argo CD), the webhook and the login answer without a token', async () => {
    expect((await s.anonymous.get('/healthz')).status).toBe(200);
    expect((await s.anonymous.get('/readyz')).status).toBe(200);
    expect((await s.anonymous.get('/metrics')).status).toBe(200);
    // The webhook checks its own signature: a forged push is 401 for that reason, not for a missing token.
    const hook = await s.anonymous
      .post('/api/webhook')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', 'sha256=00')
      .send('{"ref":"refs/heads/main","repository":{"clone_url":"https://git.example.com/a.git"}}');
    expect(hook.status).toBe(401);
    expect(JSON.stringify(hook.body)).toMatch(/signature/i);
    expect((await s.anonymous.post('/api/v1/session').send('{}')).status).toBe(400);
    expect((await s.anonymous.get('/api/v1/session/userinfo')).body).toEqual({ loggedIn: false });
    expect((await s.anonymous.get('/api/openapi.json')).status).toBe(200);
    expect((await s.anonymous.get('/api/docs')).status).toBe(200);
  });

  it('users.anonymous.enabled lets a caller without a token act as `anonymous` with the rights of policy.default (recorded so); a bad token is still refused', async () => {
    const open = await startTestScheduler(
      {},
      { accountsConfig: { 'users.anonymous.enabled': 'true' }, rbac: 'policy.default: role:admin\n' },
    );
    try {
      expect((await open.anonymous.get('/api/v1/applications')).status).toBe(200);
      expect((await open.anonymous.post('/api/v1/applications').send(application('by-anyone'))).status).toBe(
        200,
      );
      expect(
        await open.db.dataSource.query(`SELECT actor FROM audit_log WHERE application = 'by-anyone'`),
      ).toEqual([{ actor: 'anonymous' }]);
      expect(
        (await open.anonymous.get('/api/v1/applications').set('Authorization', 'Bearer nope')).status,
      ).toBe(401);
      expect((await open.anonymous.delete('/api/v1/session')).status).toBe(400);
    } finally {
      await open.close();
    }
  });

  it('BERTH_METRICS_REQUIRE_AUTH closes /metrics to callers without a token', async () => {
    const closed = await startTestScheduler({ BERTH_METRICS_REQUIRE_AUTH: 'true' });
    try {
      expect((await closed.anonymous.get('/metrics')).status).toBe(401);
      expect((await closed.http.get('/metrics')).status).toBe(200);
      expect((await closed.anonymous.get('/healthz')).status).toBe(200);
    } finally {
      await closed.close();
    }
  });
});

describe('authentication: logins, sessions and cookies', () => {
  let s: TestScheduler;

  beforeAll(async () => {
    // Per-address protection well above what this block's failures add up to (the next block tests it).
    s = await startTestScheduler(
      { BERTH_SESSION_FAILURE_MAX_FAIL_COUNT_PER_ADDRESS: '1000' },
      // alice manages applications, not other accounts (an account may always change itself).
      { accounts: ['alice'], rbac: 'policy.csv: |\n  p, alice, applications, *, */*, allow\n' },
    );
    await s.http
      .put('/api/v1/account/password')
      .send({ name: 'alice', currentPassword: TEST_ADMIN_PASSWORD, newPassword: 'alice-password-1' })
      .expect(200);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("logs in with Argo CD's request and answer, a token with Argo CD's claims (iss berth), and the argocd.token cookie", async () => {
    const res = await s.anonymous
      .post('/api/v1/session')
      .send({ username: 'alice', password: 'alice-password-1' });
    expect(res.status).toBe(200);
    const { token } = res.body as { token: string };
    const claims = claimsOf(token);
    expect(claims).toEqual({
      iss: 'berth',
      sub: 'alice:login',
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat: expect.any(Number),
      nbf: claims['iat'],
      exp: (claims['iat'] as number) + 24 * 3600,
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`argocd.token=${token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // The cookie alone authenticates (the web UI's way).
    const viaCookie = await s.anonymous
      .get('/api/v1/session/userinfo')
      .set('Cookie', `argocd.token=${token}`);
    expect(viaCookie.body).toEqual({ loggedIn: true, username: 'alice', iss: 'berth', groups: [] });
    expect(
      (await s.anonymous.get('/api/v1/applications').set('Cookie', `argocd.token=${token}`)).status,
    ).toBe(200);
  });

  it('answers an unknown user and a wrong password the same way, and never repeats the password', async () => {
    const unknown = await s.anonymous
      .post('/api/v1/session')
      .send({ username: 'nobody', password: 'guess-1234' });
    const wrong = await s.anonymous
      .post('/api/v1/session')
      .send({ username: 'alice', password: 'guess-1234' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual({
      error: 'Unauthenticated',
      code: 16,
      message: 'Invalid username or password',
    });
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.text + unknown.text).not.toContain('guess-1234');
    // A login afterwards resets alice's count (Argo CD does too).
    await loginVia(s, 'alice', 'alice-password-1');
  });

  it('logging out revokes the session token: refused at once, even by a second scheduler that had served it', async () => {
    const second = await secondScheduler(s);
    try {
      const token = await loginVia(s, 'alice', 'alice-password-1');
      // The second replica serves the token (and caches what it knows about alice).
      expect(
        (await request(second.app.getHttpServer()).get('/api/v1/applications').set(bearer(token))).status,
      ).toBe(200);
      const out = await s.anonymous.delete('/api/v1/session').set(bearer(token));
      expect(out.status).toBe(200);
      expect(out.body).toEqual({ token: '' });
      expect(String(out.headers['set-cookie'])).toMatch(/argocd\.token=;/);
      // No wait, no retry: the very next request to the other replica is refused.
      const after = await request(second.app.getHttpServer()).get('/api/v1/applications').set(bearer(token));
      expect(after.status).toBe(401);
      expect(after.body).toMatchObject({ message: 'invalid token: the token is revoked: log in again' });
      expect((await s.anonymous.get('/api/v1/applications').set(bearer(token))).status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('a password change needs the current password, follows passwordPattern, ends earlier tokens, and records no hash', async () => {
    const before = await loginVia(s, 'alice', 'alice-password-1');
    const as = (token: string) => s.anonymous.put('/api/v1/account/password').set(bearer(token));
    const wrong = await as(before).send({
      currentPassword: 'not-it-at-all',
      newPassword: 'alice-password-2',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ message: 'current password does not match' });
    const short = await as(before).send({ currentPassword: 'alice-password-1', newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ issues: [expect.objectContaining({ field: 'newPassword' })] });
    expect(short.text).not.toContain('short"');
    expect(
      (await as(before).send({ currentPassword: 'alice-password-1', newPassword: 'alice-password-2' }))
        .status,
    ).toBe(200);
    // The token alice changed it with is from before the change: refused, as Argo CD (passwordMtime).
    const old = await s.anonymous.get('/api/v1/applications').set(bearer(before));
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({ message: expect.stringContaining('password has changed') });
    expect(
      (await s.anonymous.post('/api/v1/session').send({ username: 'alice', password: 'alice-password-1' }))
        .status,
    ).toBe(401);
    const after = await loginVia(s, 'alice', 'alice-password-2');
    expect((await s.anonymous.get('/api/v1/applications').set(bearer(after))).status).toBe(200);
    // alice may not set the admin's password (only her own; the admin may set anyone's).
    const other = await as(after).send({
      name: 'admin',
      currentPassword: 'alice-password-2',
      newPassword: 'takeover-1234',
    });
    expect(other.status).toBe(403);
    const events = await s.db.dataSource.query<Array<{ data: unknown; metadata: { actor: string } }>>(
      `SELECT data, metadata FROM events WHERE type = 'AccountPasswordChanged' AND stream_id = 'account-alice' ORDER BY position`,
    );
    expect(events.map((e) => e.metadata.actor)).toEqual(['admin', 'alice']);
    const stored = JSON.stringify(await s.db.dataSource.query(`SELECT * FROM events`));
    expect(stored).not.toMatch(/\$2[aby]\$/);
    expect(stored).not.toMatch(/alice-password-[12]/);
  });

  it('the audit log names who authenticated; X-Actor is refused instead of believed', async () => {
    const alice = await loginVia(s, 'alice', 'alice-password-2');
    const claimed = await s.anonymous
      .post('/api/v1/applications')
      .set(bearer(alice))
      .set('X-Actor', 'admin')
      .send(application('audited'));
    expect(claimed.status).toBe(400);
    expect(claimed.body).toMatchObject({ message: expect.stringContaining('X-Actor is not accepted') });
    const created = await s.anonymous
      .post('/api/v1/applications')
      .set(bearer(alice))
      .set('X-Reason', 'onboarding')
      .send(application('audited'));
    expect(created.status).toBe(200);
    expect(
      await s.db.dataSource.query(
        `SELECT actor, actor_groups, event_type, reason FROM audit_log WHERE application = 'audited'`,
      ),
    ).toEqual([
      { actor: 'alice', actor_groups: null, event_type: 'ApplicationCreated', reason: 'onboarding' },
    ]);
    const sync = await s.anonymous.post('/api/v1/applications/audited/sync').set(bearer(alice)).send('{}');
    expect((sync.body as { operation: { initiatedBy: unknown } }).operation.initiatedBy).toEqual({
      username: 'alice',
      automated: false,
    });
  });
});

describe("failed-login protection (Argo CD's defaults: 5 failures within 300 s)", () => {
  it('refuses a user after 5 failures, even with the right password, and an unknown name the same way (429, Retry-After)', async () => {
    const s = await startTestScheduler({ BERTH_SESSION_FAILURE_MAX_FAIL_COUNT_PER_ADDRESS: '1000' });
    try {
      const attempt = (username: string, password: string) =>
        s.anonymous.post('/api/v1/session').send({ username, password });
      for (const username of ['admin', 'ghost']) {
        for (let i = 1; i <= 5; i++)
          expect((await attempt(username, `wrong-${i}-password`)).status).toBe(401);
        const sixth = await attempt(username, username === 'admin' ? TEST_ADMIN_PASSWORD : 'whatever-1');
        expect(sixth.status).toBe(429);
        expect(sixth.body).toEqual({
          error: 'TooManyFailedLogins',
          code: 8,
          message: expect.stringMatching(
            /^too many failed logins for this user or from this address: try again in (300|299) s$/,
          ),
        });
        expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(290);
      }
      // Another user is not affected; a bearer token of the admin still works (only logins are throttled).
      expect((await s.http.get('/api/v1/applications')).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('refuses an address that tries many names (BERTH_SESSION_FAILURE_MAX_FAIL_COUNT_PER_ADDRESS)', async () => {
    const s = await startTestScheduler({ BERTH_SESSION_FAILURE_MAX_FAIL_COUNT_PER_ADDRESS: '3' });
    try {
      for (const name of ['a1', 'a2', 'a3'])
        expect(
          (await s.anonymous.post('/api/v1/session').send({ username: name, password: 'spray-1234' })).status,
        ).toBe(401);
      const next = await s.anonymous
        .post('/api/v1/session')
        .send({ username: 'admin', password: TEST_ADMIN_PASSWORD });
      expect(next.status).toBe(429);
    } finally {
      await s.close();
    }
  });

  it('counts parallel guesses before checking them: a burst of 20 gets at most 5 password checks', async () => {
    const s = await startTestScheduler({ BERTH_SESSION_FAILURE_MAX_FAIL_COUNT_PER_ADDRESS: '1000' });
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.anonymous.post('/api/v1/session').send({ username: 'admin', password: `burst-${i}-guess` }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((code) => code === 401)).toHaveLength(5);
      expect(statuses.filter((code) => code === 429)).toHaveLength(15);
    } finally {
      await s.close();
    }
  });
});

describe('API keys: issued, listed by id, revoked everywhere at once', () => {
  let s: TestScheduler;
  let second: { app: NestExpressApplication; ctx: SchedulerContext; close(): Promise<void> };

  beforeAll(async () => {
    s = await startTestScheduler(
      {},
      { accountsConfig: { 'accounts.ci': 'apiKey', 'accounts.viewer': 'login' } },
    );
    second = await secondScheduler(s);
  });
  afterAll(async () => {
    await second?.close();
    await s?.close();
  });

  it("issues a key with Argo CD's body and claims; lists it by id, never the token", async () => {
    const res = await s.http.post('/api/v1/account/ci/token').send({ id: 'deploy-bot', expiresIn: '3600' });
    expect(res.status).toBe(200);
    const { token } = res.body as { token: string };
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ iss: 'berth', sub: 'ci:apiKey', jti: 'deploy-bot' });
    expect(claims['exp']).toBe((claims['iat'] as number) + 3600);
    expect((await s.anonymous.get('/api/v1/applications').set(bearer(token))).status).toBe(200);
    const account = await s.http.get('/api/v1/account/ci');
    expect(account.body).toEqual({
      name: 'ci',
      enabled: true,
      capabilities: ['apiKey'],
      tokens: [{ id: 'deploy-bot', issuedAt: claims['iat'], expiresAt: claims['exp'] }],
    });
    const list = await s.http.get('/api/v1/account');
    expect((list.body as { items: Array<{ name: string }> }).items.map((a) => a.name)).toEqual([
      'admin',
      'ci',
      'viewer',
    ]);
    expect(account.text + list.text).not.toContain(token);
    // Argo CD's refusals: an id in use, an account without apiKey, an account that does not exist.
    expect((await s.http.post('/api/v1/account/ci/token').send({ id: 'deploy-bot' })).status).toBe(409);
    expect((await s.http.post('/api/v1/account/viewer/token').send({})).body).toMatchObject({
      message: expect.stringContaining('does not have apiKey capability'),
    });
    expect((await s.http.post('/api/v1/account/nobody/token').send({})).status).toBe(404);
    expect((await s.http.post('/api/v1/account/ci/token').send({ expiresIn: -1 })).status).toBe(400);
  });

  it('a key deleted on one scheduler is refused by another at once, though it served the key a moment before', async () => {
    const { token } = (await s.http.post('/api/v1/account/ci/token').send({ id: 'short-lived' })).body as {
      token: string;
    };
    const other = () => request(second.app.getHttpServer()).get('/api/v1/applications').set(bearer(token));
    expect((await other()).status).toBe(200);
    expect((await s.http.delete('/api/v1/account/ci/token/short-lived')).status).toBe(200);
    const refused = await other();
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      message: 'invalid token: account ci does not have token with id short-lived',
    });
    expect((await s.http.delete('/api/v1/account/ci/token/short-lived')).status).toBe(404);
    const audit = await s.db.dataSource.query<Array<{ actor: string; summary: string }>>(
      `SELECT actor, summary FROM audit_log WHERE stream_id = 'account-ci' ORDER BY position`,
    );
    expect(audit.map((a) => a.summary)).toEqual([
      expect.stringMatching(/^issued API key deploy-bot of account ci, expiring \d{4}-/),
      'issued API key short-lived of account ci, not expiring',
      'deleted API key short-lived of account ci',
    ]);
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set(['admin']));
  });

  it('an account disabled in the accounts config (hot reload) is refused; a broken config keeps the last good one', async () => {
    const { token } = (await s.http.post('/api/v1/account/ci/token').send({ id: 'reloaded' })).body as {
      token: string;
    };
    const call = () => s.anonymous.get('/api/v1/applications').set(bearer(token));
    expect((await call()).status).toBe(200);
    await writeFile(
      s.accountsFile,
      'accounts.ci: apiKey\naccounts.ci.enabled: "false"\naccounts.viewer: login\n',
    );
    await eventually(
      async () =>
        expect((await call()).body).toMatchObject({ message: 'invalid token: account ci is disabled' }),
      {
        timeout: 5_000,
        what: 'the accounts config to be reloaded',
      },
    );
    await writeFile(s.accountsFile, 'accounts.ci: apiKey\naccounts.ci.enabled: "maybe"\n');
    await eventually(async () => expect(s.ctx.auth.accountsConfig.status().status).toBe('invalid'), {
      timeout: 5_000,
      what: 'the broken config to be read',
    });
    expect(s.ctx.auth.accountsConfig.status().errors).toEqual([
      { key: 'accounts.ci.enabled', message: '"maybe" is not a boolean; write "true" or "false"' },
    ]);
    expect((await call()).status).toBe(401); // still the last good config: ci disabled
    await writeFile(s.accountsFile, 'accounts.ci: apiKey\naccounts.viewer: login\n');
    await eventually(async () => expect((await call()).status).toBe(200), {
      timeout: 5_000,
      what: 'ci enabled again',
    });
  });

  it('another account may not read, issue or delete keys of an account not its own', async () => {
    await s.http
      .put('/api/v1/account/password')
      .send({ name: 'viewer', currentPassword: TEST_ADMIN_PASSWORD, newPassword: 'viewer-password' })
      .expect(200);
    const viewer = await loginVia(s, 'viewer', 'viewer-password');
    expect((await s.anonymous.get('/api/v1/account/ci').set(bearer(viewer))).status).toBe(403);
    expect((await s.anonymous.post('/api/v1/account/ci/token').set(bearer(viewer)).send({})).status).toBe(
      403,
    );
    expect((await s.anonymous.delete('/api/v1/account/ci/token/deploy-bot').set(bearer(viewer))).status).toBe(
      403,
    );
    // Its own account it may read; the list shows only what it may read.
    expect((await s.anonymous.get('/api/v1/account/viewer').set(bearer(viewer))).status).toBe(200);
    const list = await s.anonymous.get('/api/v1/account').set(bearer(viewer));
    expect((list.body as { items: Array<{ name: string }> }).items.map((a) => a.name)).toEqual(['viewer']);
  });
});

describe('first start and secrets in logs (compiled scheduler, LOG_LEVEL=debug)', () => {
  let scheduler: BerthProcess;

  beforeAll(async () => {
    scheduler = await BerthProcess.start('scheduler', {}, undefined, { provisionAdmin: false });
  });
  afterAll(async () => {
    await scheduler?.stop();
    await scheduler?.db.drop();
  });

  it('prints the generated admin password once; it logs in; no password or token ever reaches the log or an answer', async () => {
    const password = initialPasswordIn(scheduler.output);
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(scheduler.output.split(password!).length - 1).toBe(1);
    const admin = await login(scheduler.url, 'admin', password!);
    const auth = { authorization: `Bearer ${admin}` };
    const wrong = await scheduler.send(
      'POST',
      '/api/v1/session',
      JSON.stringify({ username: 'admin', password: 'wrong-guess-42' }),
      { authorization: '' },
    );
    expect(wrong.status).toBe(401);
    const newPassword = `n3w-${randomBytes(6).toString('hex')}`;
    const changed = await scheduler.send(
      'PUT',
      '/api/v1/account/password',
      JSON.stringify({ currentPassword: password, newPassword }),
      auth,
    );
    expect(changed.status).toBe(200);
    const fresh = await login(scheduler.url, 'admin', newPassword);
    const logout = await scheduler.send('DELETE', '/api/v1/session', undefined, {
      authorization: `Bearer ${fresh}`,
    });
    expect(logout.status).toBe(200);
    const refused = await scheduler.send('GET', '/api/v1/applications', undefined, {
      authorization: `Bearer ${fresh}`,
    });
    expect(refused.status).toBe(401);
    const answers = [wrong.text, changed.text, logout.text, refused.text].join('\n');
    const log = scheduler.output.replace(password!, '<printed once>');
    for (const secret of [password!, newPassword, 'wrong-guess-42', admin, fresh, admin.split('.')[2]!]) {
      expect({
        secret: secret.slice(0, 4),
        inLog: log.includes(secret),
        inAnswers: answers.includes(secret),
      }).toEqual({
        secret: secret.slice(0, 4),
        inLog: false,
        inAnswers: false,
      });
    }
    // A second start on the same database prints nothing: the password exists.
    const again = await BerthProcess.start('scheduler', {}, scheduler.db, { provisionAdmin: false });
    try {
      expect(initialPasswordIn(again.output)).toBeUndefined();
      expect(await login(again.url, 'admin', newPassword)).toEqual(expect.any(String));
    } finally {
      await again.stop();
    }
  });
});

/** POST /api/v1/session through supertest: the token. */
async function loginVia(s: TestScheduler, username: string, password: string): Promise<string> {
  const res = await s.anonymous.post('/api/v1/session').send({ username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  return (res.body as { token: string }).token;
}

/** Another scheduler replica on the same database, accounts config and queue prefix. */
async function secondScheduler(s: TestScheduler) {
  const { app, ctx } = await createSchedulerApp(
    loadConfig({
      DATABASE_URL: s.db.url,
      BERTH_QUEUE_PREFIX: s.ctx.config.queuePrefix,
      BERTH_ACCOUNTS_CONFIG: s.accountsFile,
      LOG_LEVEL: 'error',
      REFRESH_INTERVAL_SECONDS: '0',
    }),
  );
  await app.init();
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}
