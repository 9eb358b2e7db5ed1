import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { bearer, eventually } from '@berth/testing';
import { argoShapeProblems } from '../argo-api/testing/argo-shapes';
import { OidcBrowser } from '../testing/oidc-browser';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';

/**
 * SSO against a real OIDC provider (the `oidc-provider` package, running in this test process with its
 * development login and consent pages): authorization code + PKCE, the user's groups from the ID token, a
 * Berth session that the audit log names, and logout (docs/accounts.md, "SSO").
 */

const BERTH_URL = 'https://berth.example.com';
const CLIENT_SECRET = 'idp-client-secret-0123456789';

let idp: Server;
let issuer: string;
let s: TestScheduler;

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

function cookieOf(setCookie: string | string[] | undefined, name: string): string | undefined {
  const lines = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const line of lines) {
    const match = new RegExp(`^${name.replace('.', '\\.')}=([^;]*)`).exec(line);
    if (match) return decodeURIComponent(match[1]!);
  }
  return undefined;
}

/** /auth/login through the provider to /auth/callback: Berth's answer to the callback. */
async function ssoLogin(user: string, returnUrl = '/applications') {
  const start = await s.anonymous.get(`/auth/login?return_url=${encodeURIComponent(returnUrl)}`);
  expect(start.status).toBe(303);
  const state = cookieOf(start.headers['set-cookie'], 'argocd.oauthstate');
  expect(state).toBeDefined();
  const callback = await new OidcBrowser().signIn(start.headers['location']!, user, `${BERTH_URL}/`);
  const answer = await s.anonymous
    .get(`${callback.pathname}${callback.search}`)
    .set('Cookie', `argocd.oauthstate=${state}`);
  return { start, state: state!, callback, answer };
}

beforeAll(async () => {
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'berth',
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${BERTH_URL}/auth/callback`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: `${id}@example.com`, groups: ['platform', 'developers'] }),
    }),
    claims: { openid: ['sub'], email: ['email'], groups: ['groups'], profile: [] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // The claims of the requested scopes in the ID token itself, as most providers put groups there.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key'] },
  });
  idp.on('request', provider.callback());
  s = await startTestScheduler(
    { BERTH_ACCOUNTS_SECRET_OIDC_CLIENTSECRET: CLIENT_SECRET },
    {
      // The groups of the ID token are RBAC's: platform reads, developers may create applications.
      rbac: `policy.csv: |\n  g, platform, role:readonly\n  p, role:creators, applications, create, */*, allow\n  g, developers, role:creators\n`,
      accountsConfig: {
        url: BERTH_URL,
        'oidc.config': `name: Test IdP\nissuer: ${issuer}\nclientID: berth\nclientSecret: $oidc.clientSecret\n`,
      },
    },
  );
  expect(s.ctx.auth.accountsConfig.status()).toMatchObject({ status: 'ok', errors: [] });
}, 60_000);

afterAll(async () => {
  await s?.close();
  await new Promise((resolve) => idp?.close(resolve));
});

describe('SSO with an OIDC provider (authorization code + PKCE)', () => {
  it("the public settings name the provider (Argo CD's oidcConfig) and never its client secret", async () => {
    const res = await s.anonymous.get('/api/v1/settings');
    expect(res.status).toBe(200);
    expect(argoShapeProblems('settings', res.body)).toEqual([]);
    expect((res.body as { oidcConfig: unknown }).oidcConfig).toEqual({
      name: 'Test IdP',
      issuer,
      clientID: 'berth',
      scopes: ['openid', 'profile', 'email', 'groups'],
      enablePKCEAuthentication: true,
    });
    expect(JSON.stringify(res.body)).not.toContain(CLIENT_SECRET);
  });

  it('sends the browser to the provider with PKCE S256, state, nonce and the requested scopes', async () => {
    const start = await s.anonymous.get('/auth/login');
    expect(start.status).toBe(303);
    const location = new URL(start.headers['location']!);
    expect(`${location.origin}${location.pathname}`).toBe(`${issuer}/auth`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: 'berth',
      response_type: 'code',
      redirect_uri: `${BERTH_URL}/auth/callback`,
      scope: 'openid profile email groups',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.any(String),
      nonce: expect.any(String),
    });
    expect(String(start.headers['set-cookie'])).toMatch(/argocd\.oauthstate=.*; Path=\/auth; .*HttpOnly/);
    // The client secret goes to the provider's token endpoint only, never to the browser.
    expect(JSON.stringify(start.headers)).not.toContain(CLIENT_SECRET);
  });

  it("logs the user in: a Berth session with the provider's subject, email and groups, in the argocd.token cookie", async () => {
    const { answer } = await ssoLogin('alice');
    expect(answer.status).toBe(303);
    expect(answer.headers['location']).toBe('/applications');
    const token = cookieOf(answer.headers['set-cookie'], 'argocd.token')!;
    expect(claimsOf(token)).toMatchObject({
      iss: 'berth',
      sub: 'alice',
      sso: { iss: issuer, email: 'alice@example.com', groups: ['platform', 'developers'] },
    });
    const me = await s.anonymous.get('/api/v1/session/userinfo').set(bearer(token));
    expect(me.body).toEqual({
      loggedIn: true,
      username: 'alice@example.com',
      iss: issuer,
      groups: ['platform', 'developers'],
    });
  });

  it('the audit log records the SSO user and their groups; logging out revokes the session', async () => {
    const token = cookieOf((await ssoLogin('bob')).answer.headers['set-cookie'], 'argocd.token')!;
    const created = await s.anonymous
      .post('/api/v1/applications')
      .set(bearer(token))
      .send({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'by-sso' },
        spec: {
          project: 'default',
          source: { repoURL: 'https://git.example.com/a.git', targetRevision: 'main', path: 'a' },
          destination: { server: 'https://kubernetes.default.svc', namespace: 'a' },
        },
      });
    expect(created.status).toBe(201);
    expect(
      await s.db.dataSource.query(`SELECT actor, actor_groups FROM audit_log WHERE application = 'by-sso'`),
    ).toEqual([{ actor: 'bob@example.com', actor_groups: ['platform', 'developers'] }]);
    // What the groups give and nothing more: platform reads (role:readonly), nobody granted delete.
    expect((await s.anonymous.get('/api/v1/applications/by-sso').set(bearer(token))).status).toBe(200);
    const refused = await s.anonymous.delete('/api/v1/applications/by-sso').set(bearer(token));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      message: expect.stringMatching(
        /^permission denied: applications, delete, default\/by-sso, sub: bob@example.com/,
      ),
    });
    expect((await s.anonymous.delete('/api/v1/session').set(bearer(token))).status).toBe(200);
    const after = await s.anonymous.get('/api/v1/applications').set(bearer(token));
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ message: 'invalid token: the token is revoked: log in again' });
  });

  it('refuses a callback without the login cookie, with another state, or with the provider refusing', async () => {
    const { callback, state } = await ssoLogin('carol');
    const path = `${callback.pathname}${callback.search}`;
    expect((await s.anonymous.get(path)).status).toBe(401);
    const otherState = (await s.anonymous.get('/auth/login')).headers['set-cookie'];
    const mismatch = await s.anonymous
      .get(path)
      .set('Cookie', `argocd.oauthstate=${cookieOf(otherState, 'argocd.oauthstate')}`);
    expect(mismatch.status).toBe(401);
    expect(mismatch.body).toMatchObject({ error: 'Unauthenticated' });
    const tampered = await s.anonymous.get(path).set('Cookie', `argocd.oauthstate=${state.slice(0, -2)}xx`);
    expect(tampered.status).toBe(401);
    const refused = await s.anonymous
      .get('/auth/callback?error=access_denied&error_description=no')
      .set('Cookie', `argocd.oauthstate=${state}`);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ message: expect.stringContaining('access_denied') });
  });

  it('sends the browser back only to a path of its own (no open redirect)', async () => {
    const { answer } = await ssoLogin('dave', 'https://evil.example.com/steal');
    expect(answer.headers['location']).toBe('/');
  });

  it('SSO is off without oidc.config: /auth/login answers 404, and SSO sessions are refused', async () => {
    const token = cookieOf((await ssoLogin('erin')).answer.headers['set-cookie'], 'argocd.token')!;
    const plain = await startTestScheduler();
    try {
      expect((await plain.anonymous.get('/auth/login')).status).toBe(404);
    } finally {
      await plain.close();
    }
    // The same scheduler with SSO removed from its config refuses the session it issued.
    await writeFile(s.accountsFile, '');
    await eventually(
      async () =>
        expect((await s.anonymous.get('/api/v1/applications').set(bearer(token))).body).toMatchObject({
          message: expect.stringContaining('is not configured'),
        }),
      { timeout: 5_000, what: 'the accounts config without SSO to be loaded' },
    );
  });
});
