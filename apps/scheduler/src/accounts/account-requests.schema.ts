import type { FieldCheck } from '@berth/domain/application/field-checks';
import { describeValue } from '@berth/domain/application/field-checks';
import { bodySchema } from '../http/request-pipes';
import { requestObject, secretText, text } from '../http/request-checks';

/**
 * Bodies of the session and account API, Argo CD's (server/session/session.proto, server/account/account.proto).
 * Passwords are checked with `secretText`: no message ever repeats one.
 */

export interface SessionRequest {
  username: string;
  password: string;
}

export const SESSION_REQUEST = bodySchema<SessionRequest>(
  'SessionCreateRequest',
  requestObject({
    fields: { username: text({ maxLength: 256 }), password: secretText(1024), token: unsupportedToken() },
    required: {
      username: 'send {"username": "...", "password": "..."}',
      password: 'blank passwords are not allowed',
    },
  }),
);

/** `berth login --sso`'s code exchange (Berth's; Argo CD's CLI exchanges the code itself with `cliClientID`). */
export interface SsoCodeRequest {
  redirectUri: string;
  code: string;
  state: string;
  iss?: string;
  codeVerifier: string;
  nonce: string;
}

/**
 * Only a loopback callback of the CLI, as `argocd login --sso` registers it (`http://localhost:8085/auth/callback`):
 * a code issued for Berth's own `/auth/callback` belongs to the browser flow and its state cookie.
 */
const LOOPBACK_CALLBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):([1-9]\d{0,4})\/auth\/callback$/;
/** RFC 7636's verifier: 43-128 unreserved characters. */
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const OAUTH_PARAM = /^[\x21-\x7e]+$/;

/** The verifier is a secret: a wrong one is described, never repeated. */
const pkceVerifier: FieldCheck = (value, path, issues) => {
  const before = issues.errors.length;
  secretText(128)(value, path, issues);
  if (issues.errors.length === before && !PKCE_VERIFIER.test(value as string))
    issues.error(path, 'is not a PKCE code verifier', '43-128 characters of A-Z a-z 0-9 . _ ~ - (RFC 7636)');
};

export const SSO_CODE_REQUEST = bodySchema<SsoCodeRequest>(
  'SsoCodeRequest',
  requestObject({
    fields: {
      redirectUri: text({
        maxLength: 64,
        pattern: LOOPBACK_CALLBACK,
        fix: "http://localhost:PORT/auth/callback (or 127.0.0.1): the CLI's loopback callback",
      }),
      code: secretText(4096),
      state: text({ maxLength: 512, pattern: OAUTH_PARAM, fix: 'the state of the authorization request' }),
      iss: text({ maxLength: 2048, pattern: OAUTH_PARAM, fix: "the provider's iss response parameter" }),
      codeVerifier: pkceVerifier,
      nonce: text({ maxLength: 512, pattern: OAUTH_PARAM, fix: 'the nonce of the authorization request' }),
    },
    required: {
      redirectUri: 'the redirect_uri of the authorization request',
      code: "the provider's authorization code",
      state: 'the state of the authorization request',
      codeVerifier: 'the PKCE code verifier',
      nonce: 'the nonce of the authorization request',
    },
  }),
);

export interface UpdatePasswordRequest {
  currentPassword: string;
  newPassword: string;
  name?: string;
}

export const UPDATE_PASSWORD_REQUEST = bodySchema<UpdatePasswordRequest>(
  'UpdatePasswordRequest',
  requestObject({
    fields: {
      currentPassword: secretText(1024),
      newPassword: secretText(1024),
      name: text({ maxLength: 32 }),
    },
    required: {
      currentPassword: 'the password of the account you are logged in as',
      newPassword: 'the new password',
    },
  }),
);

export interface CreateTokenRequest {
  /** Seconds; Argo CD's JSON clients send int64 as a string. 0 or absent: never expires. */
  expiresIn?: number | string;
  id?: string;
  name?: string;
}

/** Seconds, as a number or a decimal string (proto3 JSON writes int64 as a string). */
export const tokenSeconds: FieldCheck = (value, path, issues) => {
  const n = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100 * 365 * 86_400)
    issues.error(
      path,
      `expected a whole number of seconds from 0 (never expires) up, got ${describeValue(value)}`,
    );
};

export const CREATE_TOKEN_REQUEST = bodySchema<CreateTokenRequest>(
  'CreateTokenRequest',
  requestObject({
    fields: {
      expiresIn: tokenSeconds,
      id: text({ maxLength: 253, pattern: /^[\x21-\x7e]+$/, fix: 'use printable characters without spaces' }),
      name: text({ maxLength: 32 }),
    },
  }),
);

/** Argo CD's SessionCreateRequest has a `token` (SSO token exchange), which Berth does not take. */
function unsupportedToken(): FieldCheck {
  return (value, path, issues) => {
    if (value !== '')
      issues.error(path, 'not supported by Berth: logging in with a token', 'send username and password');
  };
}

export function expiresInSeconds(value: number | string | undefined): number {
  return value === undefined ? 0 : Number(value);
}
