import { ADMIN_ACCOUNT } from './accounts-settings';
import type { Identity } from './identity';

/**
 * May `caller` read (`get`) or change (`update`: password, tokens) `account`? Argo CD: an account always may
 * act on itself (server/account/account.go ensureHasAccountPermission), anything else is RBAC's
 * `accounts, <action>, <name>`. Until RBAC is wired in, the built-in `admin` stands for `role:admin`.
 */
export type AccountPermission = (caller: Identity, action: 'get' | 'update', account: string) => boolean;

export const selfOrAdmin: AccountPermission = (caller, _action, account) =>
  caller.kind === 'account' && (caller.subject === account || caller.subject === ADMIN_ACCOUNT);
