import { BERTH_ISSUER, type Identity } from '@berth/auth';
import type { SubjectClaims } from '@berth/rbac';

/**
 * The claims RBAC judges an authenticated identity by (the token's, as AuthGuard verified it): a local
 * account as `<name>:<capability>` and a project token as `proj:<project>:<role>` with its id and issue
 * time, both of Berth's issuer; an SSO user with its provider's issuer, its subject and its groups.
 */
export function rbacClaimsOf(identity: Identity): SubjectClaims {
  switch (identity.kind) {
    case 'account':
      return {
        iss: BERTH_ISSUER,
        sub: `${identity.subject}:${identity.capability ?? 'apiKey'}`,
        ...(identity.tokenId ? { jti: identity.tokenId } : {}),
      };
    case 'project':
      return {
        iss: BERTH_ISSUER,
        sub: identity.subject,
        ...(identity.tokenId ? { jti: identity.tokenId } : {}),
        ...(identity.issuedAt !== undefined ? { iat: identity.issuedAt } : {}),
      };
    case 'sso':
      return { iss: identity.issuer, sub: identity.subject, groups: [...identity.groups] };
    case 'anonymous':
      return { iss: BERTH_ISSUER, sub: '' };
  }
}
