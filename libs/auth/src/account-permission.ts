import type { Authorizer } from './authorizer';
import type { Identity } from './identity';

/**
 * May `caller` read (`get`) or change (`update`: password, tokens) `account`? Argo CD: an account always may
 * act on itself (server/account/account.go ensureHasAccountPermission), anything else is RBAC's
 * `accounts, <action>, <name>`.
 */
export type AccountPermission = (
  caller: Identity,
  action: 'get' | 'update',
  account: string,
) => Promise<boolean>;

/** Argo CD's rule over the RBAC policy in force: oneself, or `accounts, <action>, <name>`. */
export function accountPermission(authorizer: Pick<Authorizer, 'may'>): AccountPermission {
  return async (caller, action, account) =>
    (caller.kind === 'account' && caller.subject === account) ||
    authorizer.may(caller, 'accounts', action, account);
}
