import { parseProjectRoleSubject } from '@berth/domain';

/**
 * The verified claims of the caller's token: Berth's own (local accounts, project tokens) or an SSO
 * provider's ID token. Only these fields are read; the rest is whatever the issuer put there.
 */
export interface SubjectClaims {
  /** `<account>:login`, `<account>:apiKey`, `proj:<project>:<role>`, or the SSO provider's subject. */
  sub?: string;
  iss?: string;
  /** The token id; a project token must be listed under its role's jwtTokens by this id. */
  jti?: string;
  /** Issued at (seconds); identifies a project token that has no `jti` (Argo CD's older tokens). */
  iat?: number;
  groups?: unknown;
  [claim: string]: unknown;
}

/** Who is asking, as RBAC sees it. */
export type Identity =
  | { kind: 'user'; subject: string }
  | { kind: 'project-token'; subject: string; project: string; role: string }
  /** An SSO subject shaped like a project role: refused, an identity provider cannot mint project tokens. */
  | { kind: 'foreign-project-subject'; subject: string };

const LOCAL_CAPABILITY = /^(.+):(login|apiKey)$/;

function stringField(claims: SubjectClaims, name: string): string {
  const value = claims[name];
  return typeof value === 'string' ? value : '';
}

/**
 * Argo CD's jwtutil.GetUserIdentifier (Dex's `federated_claims.user_id`, else `sub`), then, for tokens Berth
 * issued itself (`iss` is the local issuer, or absent), session.GetSubjectAccountAndCapability: `alice:login`
 * and `alice:apiKey` are the account `alice`, which is what policy lines name.
 */
export function identify(claims: SubjectClaims, localIssuer: string): Identity {
  const federated = claims['federated_claims'];
  const federatedId =
    typeof federated === 'object' && federated !== null && !Array.isArray(federated)
      ? (federated as Record<string, unknown>)['user_id']
      : undefined;
  const sub =
    typeof federatedId === 'string' && federatedId !== '' ? federatedId : stringField(claims, 'sub');
  const iss = claims.iss;
  const local = iss === undefined || iss === localIssuer;
  const projectRole = parseProjectRoleSubject(sub);
  if (projectRole) {
    return local
      ? { kind: 'project-token', subject: sub, ...projectRole }
      : { kind: 'foreign-project-subject', subject: sub };
  }
  const account = local ? LOCAL_CAPABILITY.exec(sub) : null;
  return { kind: 'user', subject: account?.[1] ?? sub };
}

/**
 * Argo CD's jwtutil.GetScopeValues: the groups of the caller, from each claim named in `scopes`. A list
 * contributes its strings, a string itself; anything else nothing.
 */
export function scopeValues(claims: SubjectClaims, scopes: readonly string[]): string[] {
  const groups: string[] = [];
  for (const scope of scopes) {
    if (!Object.hasOwn(claims, scope)) continue;
    const value = claims[scope];
    if (Array.isArray(value))
      groups.push(...value.filter((entry): entry is string => typeof entry === 'string'));
    else if (typeof value === 'string') groups.push(value);
  }
  return groups;
}
