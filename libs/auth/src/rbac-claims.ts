import type { SubjectClaims } from '@berth/rbac';
import type { Identity } from './identity';
import { BERTH_ISSUER } from './token-codec';

/**
 * The claims RBAC judges an authenticated identity by (the token's, as AuthGuard verified it): a local
 * account as `<name>:<capability>` and a project token as `proj:<project>:<role>` with its id and issue
 * time, both of Berth's issuer; an SSO user with its provider's issuer, its subject (the provider's `sub`),
 * its `email` and its groups under `groups` and under the claim they came from (oidc.config `groupsClaim`),
 * so argocd-rbac-cm's `scopes: '[groups, email]'` works as in Argo CD.
 */
export function rbacClaimsOf(identity: Identity, groupsClaim = 'groups'): SubjectClaims {
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
    case 'sso': {
      const sub = identity.account?.startsWith('sso:') ? identity.account.slice(4) : identity.subject;
      return {
        iss: identity.issuer,
        sub,
        ...(identity.subject !== sub ? { email: identity.subject } : {}),
        groups: [...identity.groups],
        [groupsClaim]: [...identity.groups],
      };
    }
    case 'anonymous':
      return { iss: BERTH_ISSUER, sub: '' };
  }
}
