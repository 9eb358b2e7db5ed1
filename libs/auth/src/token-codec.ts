import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { ServerKeyRing } from './server-key-ring';

/**
 * The `iss` of every token Berth signs. Argo CD writes `argocd`; Berth writes its own name so that a token
 * of one is never mistaken for a token of the other (they are signed with different keys anyway).
 */
export const BERTH_ISSUER = 'berth';

/** The claims of a Berth token: Argo CD's (`sub` = `<account>:login` or `<account>:apiKey`). */
export interface BerthClaims {
  iss: string;
  sub: string;
  /** Names the token: an API key's id, a session's random id. Required, as in Argo CD. */
  jti: string;
  /** Unix seconds. */
  iat: number;
  nbf: number;
  /** Unix seconds; absent: the token does not expire (API keys created with `expiresIn: 0`). */
  exp?: number;
  /** A session of an SSO user: who the OIDC provider said it is (`sub` is the provider's subject). */
  sso?: SsoClaims;
}

/** What Berth keeps of an OIDC login in its own session token. */
export interface SsoClaims {
  /** The OIDC provider's issuer URL. */
  iss: string;
  email?: string;
  groups: string[];
}

/** Why a token is refused, in words safe to answer with (never the token). */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/** Signs and verifies HS256 tokens with the server key ring; time comes in (seconds since the epoch). */
export class TokenCodec {
  constructor(private readonly keys: ServerKeyRing) {}

  async sign(claims: {
    sub: string;
    jti: string;
    iat: number;
    exp?: number;
    sso?: SsoClaims;
  }): Promise<string> {
    const { kid, key } = this.keys.signing;
    const jwt = new SignJWT(claims.sso ? { sso: claims.sso } : {})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
      .setIssuer(BERTH_ISSUER)
      .setSubject(claims.sub)
      .setJti(claims.jti)
      .setIssuedAt(claims.iat)
      .setNotBefore(claims.iat);
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(key);
  }

  /** The verified claims, or InvalidTokenError saying why not (expired, bad signature, not Berth's). */
  async verify(token: string, nowSeconds: number): Promise<BerthClaims> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== 'HS256')
        throw new InvalidTokenError(`tokens are signed with HS256, not ${String(header.alg)}`);
      kid = typeof header.kid === 'string' ? header.kid : undefined;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      throw new InvalidTokenError('not a token Berth issued (malformed JWT)');
    }
    const candidates = this.keys.keysFor(kid);
    if (candidates.length === 0)
      throw new InvalidTokenError(
        'signed with a key this server does not hold (rotated out of BERTH_SERVER_SECRET_KEY_PREVIOUS?): log in again',
      );
    let last: unknown;
    for (const { key } of candidates) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: BERTH_ISSUER,
          currentDate: new Date(nowSeconds * 1000),
        });
        return claimsOf(payload);
      } catch (error) {
        last = error;
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw refusal(last);
  }
}

function claimsOf(payload: JWTPayload): BerthClaims {
  const { iss, sub, jti, iat, nbf, exp, sso } = payload;
  if (typeof sub !== 'string' || sub === '') throw new InvalidTokenError('the token has no subject (sub)');
  if (typeof jti !== 'string' || jti === '')
    throw new InvalidTokenError('the token has no unique identifier (jti claim) and cannot be validated');
  if (typeof iat !== 'number') throw new InvalidTokenError('the token has no issue time (iat)');
  return {
    iss: iss ?? '',
    sub,
    jti,
    iat,
    nbf: nbf ?? iat,
    ...(exp !== undefined ? { exp } : {}),
    ...(sso !== undefined ? { sso: ssoClaimsOf(sso) } : {}),
  };
}

function ssoClaimsOf(value: unknown): SsoClaims {
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const groups = o['groups'];
  if (typeof o['iss'] !== 'string' || !Array.isArray(groups) || !groups.every((g) => typeof g === 'string'))
    throw new InvalidTokenError('the token has a malformed sso claim');
  return {
    iss: o['iss'],
    groups: groups,
    ...(typeof o['email'] === 'string' ? { email: o['email'] } : {}),
  };
}

function refusal(error: unknown): InvalidTokenError {
  if (error instanceof InvalidTokenError) return error;
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('the token has expired: log in again');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new InvalidTokenError('the token signature does not verify: it was not issued by this Berth');
  if (error instanceof errors.JWTClaimValidationFailed)
    return new InvalidTokenError(`the token is not valid (${error.claim}: ${error.reason})`);
  return new InvalidTokenError('not a token Berth issued');
}
