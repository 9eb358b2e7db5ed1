import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { eventually, freeLoopbackPort } from '@berth/testing';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { OidcBrowser } from '../testing/oidc-browser';
import { BerthCli, listen, type RunningCli } from './berth-cli';

// `berth login --sso` as `argocd login --sso`: the built CLI's loopback callback server, a real OIDC
// provider (oidc-provider, its development login and consent pages filled in by the test acting as the
// browser), and a real scheduler exchanging the code (POST /api/v1/session/sso).
const BERTH_URL = 'https://berth.example.com';
const CLIENT_SECRET = 'idp-client-secret-0123456789';

let idp: Server;
let issuer: string;
let s: TestScheduler;
let url: string;
let callbackPort: number;
let cli: BerthCli;

beforeAll(async () => {
  callbackPort = await freeLoopbackPort();
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'berth',
        client_secret: CLIENT_SECRET,
        // The browser flow's callback, and the CLI's loopback one (Argo CD's http://localhost:8085/auth/callback).
        redirect_uris: [`${BERTH_URL}/auth/callback`, `http://localhost:${callbackPort}/auth/callback`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: `${id}@example.com`, groups: ['platform'] }),
    }),
    claims: { openid: ['sub'], email: ['email'], groups: ['groups'], profile: [] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key'] },
  });
  idp.on('request', provider.callback());
  s = await startTestScheduler(
    { BERTH_ACCOUNTS_SECRET_OIDC_CLIENTSECRET: CLIENT_SECRET },
    {
      rbac: `policy.csv: |\n  g, platform, role:readonly\n`,
      accountsConfig: {
        url: BERTH_URL,
        'oidc.config': `name: Test IdP\nissuer: ${issuer}\nclientID: berth\nclientSecret: $oidc.clientSecret\n`,
      },
    },
  );
  url = await listen(s.app);
  cli = await BerthCli.create();
}, 60_000);

afterAll(async () => {
  await cli?.close();
  await s?.close();
  await new Promise((resolve) => idp?.close(resolve));
});

const loginArgs = () => [
  'login',
  url,
  '--sso',
  '--sso-port',
  String(callbackPort),
  '--sso-launch-browser=false',
];

/** The URL `berth login --sso` prints for the browser, once it is listening. */
async function authorizationUrl(running: RunningCli): Promise<URL> {
  const found = await eventually(
    () => {
      const { stderr } = running.output();
      const match = /^Performing authorization_code flow login: (\S+)$/m.exec(stderr);
      if (!match) throw new Error(`not yet; stderr so far: ${stderr}`);
      return match[1]!;
    },
    { timeout: 15_000, interval: 50, what: 'berth login --sso to print the URL' },
  );
  return new URL(found);
}

describe('berth login --sso', () => {
  it('prints the URL, takes the code on its loopback callback, and saves a session of the SSO user', async () => {
    const running = cli.start(loginArgs());
    const start = await authorizationUrl(running);
    expect(`${start.origin}${start.pathname}`).toBe(`${issuer}/auth`);
    expect(Object.fromEntries(start.searchParams)).toMatchObject({
      client_id: 'berth',
      response_type: 'code',
      redirect_uri: `http://localhost:${callbackPort}/auth/callback`,
      scope: 'openid profile email groups',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.any(String),
      nonce: expect.any(String),
    });
    // The client secret stays on the server: the CLI never has it.
    expect(running.output().stderr).not.toContain(CLIENT_SECRET);

    const browser = new OidcBrowser();
    const callback = await browser.signIn(start.href, 'alice', `http://localhost:${callbackPort}/`);
    expect(callback.searchParams.get('state')).toBe(start.searchParams.get('state'));
    const page = await browser.go(callback.href);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Authentication successful');

    const done = await running.exited;
    expect(done).toMatchObject({ code: 0 });
    const host = new URL(url).host;
    expect(done.stdout).toBe(`'alice@example.com' logged in successfully\nContext '${host}' updated\n`);
    const who = await cli.run(['account', 'get-user-info']);
    expect(who.stdout).toBe(
      `Logged In: true\nUsername: alice@example.com\nIssuer: ${issuer}\nGroups: platform\n`,
    );
    // The session is RBAC's SSO user: platform reads.
    expect((await cli.run(['app', 'list'])).code).toBe(0);
  }, 60_000);

  it('refuses a callback with another state (a forged link): the page says so, the CLI exits 20, nothing saved', async () => {
    await cli.run(['logout']);
    const running = cli.start(loginArgs());
    await authorizationUrl(running);
    const forged = await fetch(`http://localhost:${callbackPort}/auth/callback?code=stolen&state=forged`);
    expect(forged.status).toBe(400);
    const done = await running.exited;
    expect(done.code).toBe(20);
    expect(done.stderr).toContain('error: the login came back with another state: start again');
    expect((await cli.run(['account', 'get-user-info'])).stdout).not.toContain('alice');
  }, 30_000);

  it("the provider's refusal (access_denied) ends the login with its words", async () => {
    const running = cli.start(loginArgs());
    const start = await authorizationUrl(running);
    const state = start.searchParams.get('state')!;
    const refused = await fetch(
      `http://localhost:${callbackPort}/auth/callback?error=access_denied&error_description=no&state=${state}`,
    );
    expect(refused.status).toBe(400);
    const done = await running.exited;
    expect(done.code).toBe(20);
    expect(done.stderr).toContain('error: Test IdP refused the login: access_denied (no)');
  }, 30_000);

  it('says which port is taken; and which server has no SSO', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(callbackPort, '127.0.0.1', resolve));
    try {
      const r = await cli.run(loginArgs());
      expect(r.code).toBe(20);
      expect(r.stderr).toContain(`error: 127.0.0.1:${callbackPort} is in use: pass --sso-port`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
    const plain = await startTestScheduler();
    try {
      const plainUrl = await listen(plain.app);
      const r = await cli.run(['login', plainUrl, '--sso', '--sso-launch-browser=false']);
      expect(r.code).toBe(20);
      expect(r.stderr).toContain(`error: ${plainUrl} has no SSO configured`);
    } finally {
      await plain.close();
    }
  }, 60_000);
});
