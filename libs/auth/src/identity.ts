/** Who a request acts as, once its token is verified (or anonymous, when that is enabled). */
export interface Identity {
  /**
   * Who, in the audit log and (later) in RBAC: the account name (`admin`, `alice`), `proj:<project>:<role>`
   * for a project role token, an SSO user's name, or `anonymous`.
   */
  subject: string;
  /** How it was established: a local account's token, a project role's token, SSO, or no token at all. */
  kind: 'account' | 'project' | 'sso' | 'anonymous';
  /** The token's `iss` (`berth` for tokens Berth signs); empty for anonymous. */
  issuer: string;
  /** Groups from the claims named in `scopes` (SSO); empty for local accounts. */
  groups: string[];
  /**
   * Whose tokens these are in Postgres (revocations): the account name, or `sso:<provider subject>` for an
   * SSO user. Absent for anonymous and project tokens.
   */
  account?: string;
  /** For a local account's token: what it was issued for. */
  capability?: 'login' | 'apiKey';
  /** The token's `jti`. */
  tokenId?: string;
  /** Unix seconds. */
  issuedAt?: number;
  expiresAt?: number;
}

export const ANONYMOUS: Identity = { subject: 'anonymous', kind: 'anonymous', issuer: '', groups: [] };
