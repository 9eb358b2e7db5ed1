import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import type { AccountsSettings } from './accounts-settings';
import { UnauthenticatedError } from './auth-errors';
import type { OidcSettings } from './oidc-settings';
import type { ServerKeyRing } from './server-key-ring';
import { BERTH_ISSUER, type TokenCodec } from './token-codec';

/** Argo CD's cookie for the login in progress (state, nonce, PKCE verifier), valid for 5 minutes. */
export const OAUTH_STATE_COOKIE = 'argocd.oauthstate';
const STATE_AUDIENCE = 'berth-oauth-state';
const STATE_TTL_SECONDS = 300;

export interface OidcLoginOptions {
  settings: () => AccountsSettings;
  keys: ServerKeyRing;
  codec: TokenCodec;
  nowMs: () => number;
}

/** What `berth login --sso` sends back after the provider redirected the browser to its loopback server. */
export interface LoopbackLogin {
  /** `http://localhost:PORT/auth/callback` (or 127.0.0.1): the redirect_uri of the authorization request. */
  redirectUri: string;
  code: string;
  state: string;
  /** The provider's `iss` response parameter (RFC 9207), when it sent one. */
  iss?: string;
  codeVerifier: string;
  nonce: string;
}

export class SsoNotConfiguredError extends Error {
  override readonly name = 'SsoNotConfiguredError';
  constructor() {
    super('SSO is not configured: add oidc.config and url to the accounts config (docs/accounts.md)');
  }
}

/**
 * SSO with an OIDC provider, as Argo CD's direct OIDC (`oidc.config`): `/auth/login` sends the browser to the
 * provider (authorization code flow with PKCE S256, state and nonce kept in a signed cookie), `/auth/callback`
 * exchanges the code, verifies the ID token (signature, issuer, audience, nonce) and gives the user a Berth
 * session token (`sub` = the provider's subject; email and groups in its `sso` claim). Unlike Argo CD, which
 * hands the provider's ID token to the browser, Berth signs its own session: every process verifies it with
 * the server key, without asking the provider, and logging out revokes it like a local session.
 */
export class OidcLogin {
  private readonly discovered = new Map<string, Promise<oidc.Configuration>>();

  constructor(private readonly options: OidcLoginOptions) {}

  /** Where to send the browser, and the state cookie to set. `returnUrl`: a path of Berth's (else `/`). */
  async start(returnUrl: string | undefined): Promise<{ location: string; stateCookie: string }> {
    const { settings, oidc: sso } = this.configured();
    const config = await this.discover(sso);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const location = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${settings.url}/auth/callback`,
      scope: sso.requestedScopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const now = Math.floor(this.options.nowMs() / 1000);
    const { kid, key } = this.options.keys.signing;
    const stateCookie = await new SignJWT({ state, nonce, verifier, returnUrl: safeReturnUrl(returnUrl) })
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuer(BERTH_ISSUER)
      .setAudience(STATE_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + STATE_TTL_SECONDS)
      .sign(key);
    return { location: location.href, stateCookie };
  }

  /**
   * The provider sent the browser back to `callbackPath` (path and query as received). Returns Berth's
   * session token for the user and where to send them; UnauthenticatedError when anything does not check out.
   */
  async finish(
    callbackPath: string,
    stateCookie: string | undefined,
  ): Promise<{ token: string; expiresAt: number; returnUrl: string; subject: string }> {
    const { settings, oidc: sso } = this.configured();
    const current = new URL(callbackPath, `${settings.url}/`);
    const error = current.searchParams.get('error');
    if (error)
      throw new UnauthenticatedError(
        `the identity provider refused the login: ${error}${current.searchParams.get('error_description') ? ` (${current.searchParams.get('error_description')})` : ''}`,
      );
    const pending = await this.readState(stateCookie);
    const config = await this.discover(sso);
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(
        config,
        new URL(`${settings.url}/auth/callback${current.search}`),
        {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        },
      );
      claims = tokens.claims();
    } catch (error) {
      throw new UnauthenticatedError(`the login with ${sso.name} failed: ${(error as Error).message}`);
    }
    if (!claims) throw new UnauthenticatedError(`${sso.name} returned no ID token`);
    return { ...(await this.sessionOf(claims, sso, settings)), returnUrl: pending.returnUrl };
  }

  /**
   * `berth login --sso` (Argo CD's `argocd login --sso`): the CLI sent the browser to the provider itself, with
   * its own PKCE verifier, state and nonce and a loopback `redirectUri`, and checked the state when the code
   * came back. Berth exchanges the code (it holds the client secret, so the CLI needs no `cliClientID`),
   * verifies the ID token (signature, issuer, audience, the CLI's nonce) and answers a session as `finish`.
   */
  async finishLoopback(login: LoopbackLogin): Promise<{ token: string; expiresAt: number; subject: string }> {
    const { settings, oidc: sso } = this.configured();
    const config = await this.discover(sso);
    const callback = new URL(login.redirectUri);
    callback.searchParams.set('code', login.code);
    callback.searchParams.set('state', login.state);
    if (login.iss !== undefined) callback.searchParams.set('iss', login.iss);
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      throw new UnauthenticatedError(`the login with ${sso.name} failed: ${(error as Error).message}`);
    }
    if (!claims) throw new UnauthenticatedError(`${sso.name} returned no ID token`);
    return this.sessionOf(claims, sso, settings);
  }

  /** Berth's session for the provider's user: its subject, email and groups, for `users.session.duration`. */
  private async sessionOf(
    claims: oidc.IDToken,
    sso: OidcSettings,
    settings: AccountsSettings,
  ): Promise<{ token: string; expiresAt: number; subject: string }> {
    const iat = Math.floor(this.options.nowMs() / 1000);
    const exp = iat + settings.sessionDurationSeconds;
    const email = typeof claims['email'] === 'string' ? claims['email'] : undefined;
    const token = await this.options.codec.sign({
      sub: claims.sub,
      jti: randomUUID(),
      iat,
      exp,
      sso: { iss: sso.issuer, groups: groupsOf(claims[sso.groupsClaim]), ...(email ? { email } : {}) },
    });
    return { token, expiresAt: exp, subject: email ?? claims.sub };
  }

  private configured(): { settings: AccountsSettings & { url: string }; oidc: OidcSettings } {
    const settings = this.options.settings();
    if (!settings.oidc || !settings.url) throw new SsoNotConfiguredError();
    return { settings: settings as AccountsSettings & { url: string }, oidc: settings.oidc };
  }

  /** The provider's metadata (`.well-known/openid-configuration`), fetched once per issuer and client. */
  private discover(sso: OidcSettings): Promise<oidc.Configuration> {
    const cacheKey = `${sso.issuer}\n${sso.clientID}\n${sso.clientSecret}`;
    let found = this.discovered.get(cacheKey);
    if (!found) {
      // http:// only for a provider on this machine (the settings refuse any other): tests, local setups.
      const local = new URL(sso.issuer).protocol === 'http:';
      found = oidc
        .discovery(
          new URL(sso.issuer),
          sso.clientID,
          sso.clientSecret || undefined,
          sso.clientSecret ? undefined : oidc.None(),
          local ? { execute: [oidc.allowInsecureRequests] } : undefined,
        )
        .catch((error: unknown) => {
          this.discovered.delete(cacheKey);
          throw new UnauthenticatedError(
            `${sso.issuer} cannot be reached for SSO: ${(error as Error).message}`,
          );
        });
      this.discovered.set(cacheKey, found);
    }
    return found;
  }

  private async readState(
    cookie: string | undefined,
  ): Promise<{ state: string; nonce: string; verifier: string; returnUrl: string }> {
    if (!cookie)
      throw new UnauthenticatedError(
        'no login in progress (the argocd.oauthstate cookie is missing): start at /auth/login',
      );
    try {
      const kid = decodeProtectedHeader(cookie).kid;
      const [candidate] = this.options.keys.keysFor(typeof kid === 'string' ? kid : undefined);
      if (!candidate) throw new Error('unknown key');
      const { payload } = await jwtVerify(cookie, candidate.key, {
        algorithms: ['HS256'],
        issuer: BERTH_ISSUER,
        audience: STATE_AUDIENCE,
        currentDate: new Date(this.options.nowMs()),
      });
      const { state, nonce, verifier, returnUrl } = payload as Record<string, unknown>;
      if (typeof state !== 'string' || typeof nonce !== 'string' || typeof verifier !== 'string')
        throw new Error('incomplete');
      return { state, nonce, verifier, returnUrl: typeof returnUrl === 'string' ? returnUrl : '/' };
    } catch {
      throw new UnauthenticatedError(
        'the login in progress is not valid or has expired (5 minutes): start again at /auth/login',
      );
    }
  }
}

/** Only a path of Berth's own: never another site (an open redirect). */
function safeReturnUrl(value: string | undefined): string {
  return value && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : '/';
}

function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string').slice(0, 1000) : [];
}
