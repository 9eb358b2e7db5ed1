import type { DomainEvent } from './event-envelope';

/**
 * Local accounts (Argo CD's `argocd-cm` accounts and the built-in `admin`). Which accounts exist and what
 * they may do comes from the accounts config file, not from the log; the log holds what happened to
 * each account's secrets: its password changed (never the password or its hash), an API key was
 * issued or deleted (never the token), a session token was revoked.
 */
export type AccountPasswordChanged = DomainEvent<
  'AccountPasswordChanged',
  {
    account: string;
    /** True for the admin's initial password, generated at Berth's first start. */
    initial: boolean;
    /**
     * Tokens of this account issued before this second (Unix seconds) are refused from now on, as Argo
     * CD's `passwordMtime`: a password change ends every session and API key of the account.
     */
    passwordMtime: number;
  }
>;

export type AccountTokenCreated = DomainEvent<
  'AccountTokenCreated',
  {
    account: string;
    /** The token's `jti`: names it in lists and in a revocation. */
    id: string;
    /** Unix seconds, as Argo CD's `accounts.<n>.tokens[].iat`. */
    issuedAt: number;
    /** Unix seconds; absent: the token does not expire. */
    expiresAt?: number;
  }
>;

export type AccountTokenDeleted = DomainEvent<'AccountTokenDeleted', { account: string; id: string }>;

/** A session (login) token ended before its expiry: logged out. Refused by every process from now on. */
export type SessionTokenRevoked = DomainEvent<
  'SessionTokenRevoked',
  {
    account: string;
    id: string;
    /** Unix seconds: the token's own expiry, after which the revocation need not be remembered. */
    expiresAt: number;
  }
>;

export type AccountEvent =
  AccountPasswordChanged | AccountTokenCreated | AccountTokenDeleted | SessionTokenRevoked;

export function accountStreamId(name: string): string {
  return `account-${name}`;
}
