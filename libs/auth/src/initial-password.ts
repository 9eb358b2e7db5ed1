import { accountAggregate, accountStreamId, decideAccount } from '@berth/domain';
import type { AccountsRepository, CommandHandler } from '@berth/event-store';
import type { PasswordHasher } from './password-hasher';

export interface InitialPasswordDeps {
  commands: CommandHandler;
  accounts: Pick<AccountsRepository, 'passwordHash' | 'savePasswordHash'>;
  hasher: PasswordHasher;
  nowMs: () => number;
}

/**
 * Gives `account` the password `password` if it has none yet (Argo CD: the admin's initial password, made at
 * the first start). Recorded once however many processes try at the same time: only the one whose event is
 * appended stores its hash, and only that one gets true (and may show the password).
 */
export async function initializePassword(
  deps: InitialPasswordDeps,
  account: string,
  password: string,
  actor = 'system:scheduler',
): Promise<boolean> {
  if ((await deps.accounts.passwordHash(account)) !== undefined) return false;
  const hash = await deps.hasher.hash(password);
  const passwordMtime = Math.floor(deps.nowMs() / 1000);
  const { events } = await deps.commands.handle(
    accountAggregate,
    accountStreamId(account),
    (state) => decideAccount({ type: 'SetPassword', initial: true, passwordMtime }, state),
    { actor, reason: `initial password of ${account}`, source: 'scheduler' },
    { alsoInTransaction: (manager) => deps.accounts.savePasswordHash(manager, account, hash) },
  );
  return events.length > 0;
}

/** The lines the scheduler prints (once, on stderr) with the admin's generated password. */
export function initialPasswordNotice(password: string): string {
  return `\nBerth initial admin password (shown this once; log in as "admin" with POST /api/v1/session, then change it with PUT /api/v1/account/password):\n\n    ${password}\n\n`;
}

/** The password in a scheduler's output, as printed by initialPasswordNotice (tools that start one: bench, demo). */
export function initialPasswordIn(output: string): string | undefined {
  return /Berth initial admin password[^\n]*\n\n {4}(\S+)\n/.exec(output)?.[1];
}

/**
 * Sets `account`'s password whatever it was (an operator's reset: `npm run admin-password`, the bench on a
 * database it reuses). Recorded as a password change: every token of the account issued before is refused.
 */
export async function resetPassword(
  deps: InitialPasswordDeps,
  account: string,
  password: string,
  actor: string,
): Promise<void> {
  const hash = await deps.hasher.hash(password);
  // Takes effect at the next whole second, as a change through the API (AccountService.updatePassword).
  const nowMs = deps.nowMs();
  const passwordMtime = Math.ceil(nowMs / 1000);
  await new Promise((resolve) => setTimeout(resolve, passwordMtime * 1000 - nowMs));
  await deps.commands.handle(
    accountAggregate,
    accountStreamId(account),
    (state) => decideAccount({ type: 'SetPassword', initial: false, passwordMtime }, state),
    { actor, reason: `password of ${account} reset`, source: 'admin-password' },
    { alsoInTransaction: (manager) => deps.accounts.savePasswordHash(manager, account, hash) },
  );
}
