import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';
import { CliError } from '../http/cli-error';

/** Argo CD's `oidcConfig` of `GET /api/v1/settings`: the provider `berth login --sso` goes to. */
export interface OidcProvider {
  name?: string;
  issuer: string;
  clientID: string;
  scopes?: string[];
}

/** What the provider sent back to the loopback server, with what the server needs to exchange it. */
export interface LoopbackCode {
  redirectUri: string;
  code: string;
  state: string;
  iss?: string;
  codeVerifier: string;
  nonce: string;
}

export interface LoopbackSsoOptions {
  provider: OidcProvider;
  /** `--sso-port`: Argo CD's default 8085; the provider must allow `http://localhost:PORT/auth/callback`. */
  port: number;
  launchBrowser: boolean;
  /** Where the URL and notes go (stderr). */
  note: (text: string) => void;
  /** How long to wait for the browser; Argo CD waits until Ctrl-C, Berth gives up after this. */
  timeoutMs: number;
}

const DONE_PAGE =
  '<!doctype html><title>Berth</title><p>Authentication successful! You may close this window and return to the terminal.</p>';

/**
 * `argocd login --sso`'s flow: a callback server on 127.0.0.1:PORT, the browser sent to the provider with
 * authorization code + PKCE (S256), state and nonce, and the state checked when the provider sends the
 * browser back. The code is returned for the Berth server to exchange (it holds the client secret).
 */
export async function loopbackSso(options: LoopbackSsoOptions): Promise<LoopbackCode> {
  const { provider, port } = options;
  const config = await discover(provider);
  const redirectUri = `http://localhost:${port}/auth/callback`;
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: (provider.scopes?.length ? provider.scopes : ['openid', 'profile', 'email', 'groups']).join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });

  let settle: { resolve: (v: LoopbackCode) => void; reject: (e: Error) => void } | undefined;
  const result = new Promise<LoopbackCode>((resolve, reject) => (settle = { resolve, reject }));
  const server = createServer((req, res) => {
    const received = new URL(req.url ?? '/', redirectUri);
    if (req.method !== 'GET' || received.pathname !== '/auth/callback') {
      res.writeHead(404).end();
      return;
    }
    const fail = (message: string) => {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`Login failed: ${message}\n`);
      settle?.reject(new CliError([message]));
    };
    const q = received.searchParams;
    // Another page (or an attacker's link) hitting the port must not complete someone else's login.
    if (q.get('state') !== state) return fail('the login came back with another state: start again');
    const error = q.get('error');
    if (error)
      return fail(
        `${provider.name ?? 'the identity provider'} refused the login: ${error}${q.get('error_description') ? ` (${q.get('error_description')})` : ''}`,
      );
    const code = q.get('code');
    if (!code) return fail('the identity provider sent no authorization code');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(DONE_PAGE);
    const iss = q.get('iss');
    settle?.resolve({ redirectUri, code, state, codeVerifier, nonce, ...(iss ? { iss } : {}) });
  });
  await listen(server, port);
  const timer = setTimeout(
    () =>
      settle?.reject(
        new CliError([
          `no login came back within ${Math.round(options.timeoutMs / 1000)}s: run berth login --sso again`,
        ]),
      ),
    options.timeoutMs,
  );
  try {
    options.note(`Performing authorization_code flow login: ${url.href}`);
    if (options.launchBrowser && !(await openBrowser(url.href)))
      options.note('Could not open a browser: open the URL above in one on this machine');
    return await result;
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The provider's metadata; `http://` only for a provider on this machine, as the server accepts it. */
async function discover(provider: OidcProvider): Promise<oidc.Configuration> {
  let issuer: URL;
  try {
    issuer = new URL(provider.issuer);
  } catch {
    throw new CliError([`the server advertises an issuer that is not a URL: ${provider.issuer}`]);
  }
  const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  try {
    return await oidc.discovery(
      issuer,
      provider.clientID,
      undefined,
      oidc.None(),
      local ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
  } catch (error) {
    throw new CliError([
      `cannot read the OpenID configuration of ${provider.issuer}: ${(error as Error).message}`,
      'check that this machine reaches the identity provider',
    ]);
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CliError([
          error.code === 'EADDRINUSE'
            ? `127.0.0.1:${port} is in use: pass --sso-port with a port your identity provider allows in its redirect URIs`
            : `cannot listen on 127.0.0.1:${port} for the login callback: ${error.message}`,
        ]),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** The platform's opener with the URL as one argument (no shell); false when there is none. */
function openBrowser(url: string): Promise<boolean> {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
