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
