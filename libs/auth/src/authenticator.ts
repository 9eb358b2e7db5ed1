import type { AccountsSettings } from './accounts-settings';
import type { Identity } from './identity';
import { BERTH_ISSUER, InvalidTokenError, type TokenCodec } from './token-codec';
import type { TokenStandingCache } from './token-standing.cache';

/**
 * A project role token (`sub` = `proj:<project>:<role>`): checked against the AppProject's issued tokens.
 * Project roles are wired in with RBAC; until then such tokens are refused.
 */
export type ProjectTokenCheck = (
  project: string,
  role: string,
  tokenId: string,
  issuedAt: number,
) => Promise<boolean>;

export interface AuthenticatorOptions {
  settings: () => AccountsSettings;
  codec: TokenCodec;
  standing: Pick<TokenStandingCache, 'standingOf'>;
  nowSeconds: () => number;
  projectTokens?: ProjectTokenCheck;
}

/** `alice:login` -> alice, login; no `:` means an API key, as Argo CD's GetSubjectAccountAndCapability. */
export function accountOfSubject(sub: string): { account: string; capability: 'login' | 'apiKey' } {
  const [account = '', capability] = sub.split(':');
  return { account, capability: capability === 'login' ? 'login' : 'apiKey' };
}

/** Where an SSO user's session revocations are kept: the account stream `account-sso:<subject>`. */
export function ssoAccountOf(subject: string): string {
  return `sso:${subject}`;
}

/**
 * Verifies a bearer token as Argo CD's session manager (util/session/sessionmanager.go Parse): a valid HS256
 * signature by the server key, then for a local account: it exists and is enabled, has the capability the
 * token was issued for, the token has an id, that id is not revoked, an API key's id is still among the
 * account's tokens, and it was issued after the last password change. Any failure is InvalidTokenError with
 * a reason safe to answer (never the token).
 */
export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  async verify(token: string): Promise<Identity> {
    const now = this.options.nowSeconds();
    const claims = await this.options.codec.verify(token, now);
    if (claims.iss !== BERTH_ISSUER)
      throw new InvalidTokenError(`tokens of issuer "${claims.iss}" are not accepted`);
    const common = {
      issuer: claims.iss,
      groups: [],
      tokenId: claims.jti,
      issuedAt: claims.iat,
      ...(claims.exp !== undefined ? { expiresAt: claims.exp } : {}),
    };
    const project = /^proj:([^:]+):([^:]+)$/.exec(claims.sub);
    if (project) {
      const [, name = '', role = ''] = project;
      const check = this.options.projectTokens;
      if (!check || !(await check(name, role, claims.jti, claims.iat)))
        throw new InvalidTokenError(`project ${name} has no token with id ${claims.jti} for role ${role}`);
      return { subject: claims.sub, kind: 'project', ...common };
    }
    if (claims.sso) {
      const oidc = this.options.settings().oidc;
      if (!oidc || oidc.issuer !== claims.sso.iss)
        throw new InvalidTokenError(
          `SSO with ${claims.sso.iss} is not configured (oidc.config): log in again`,
        );
      const account = ssoAccountOf(claims.sub);
      const standing = await this.options.standing.standingOf(account, claims.jti);
      if (standing.revoked) throw new InvalidTokenError('the token is revoked: log in again');
      return {
        ...common,
        subject: claims.sso.email ?? claims.sub,
        kind: 'sso',
        issuer: claims.sso.iss,
        groups: [...claims.sso.groups],
        account,
      };
    }
    const { account: name, capability } = accountOfSubject(claims.sub);
    const account = this.options.settings().accounts.get(name);
    if (!account) throw new InvalidTokenError(`account ${name} does not exist`);
    if (!account.enabled) throw new InvalidTokenError(`account ${name} is disabled`);
    if (!account.capabilities.includes(capability))
      throw new InvalidTokenError(`account ${name} does not have '${capability}' capability`);
    const standing = await this.options.standing.standingOf(name, claims.jti);
    if (standing.revoked) throw new InvalidTokenError('the token is revoked: log in again');
    if (capability === 'apiKey' && !standing.apiKeyExists)
      throw new InvalidTokenError(`account ${name} does not have token with id ${claims.jti}`);
    if (standing.passwordMtime !== null && claims.iat < standing.passwordMtime)
      throw new InvalidTokenError(
        'the account password has changed since the token was issued: log in again',
      );
    return { subject: name, kind: 'account', capability, account: name, ...common };
  }
}
