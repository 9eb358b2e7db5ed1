import { Logger } from '@nestjs/common';
import { ADMIN_ACCOUNT, initialPasswordNotice, initializePassword, PasswordHasher } from '@berth/auth';
import type { SchedulerContext } from '../scheduler.context';

/**
 * At the first start (no admin password in Postgres yet), generates the admin's password, stores its bcrypt
 * hash and prints the password once, to stderr: the only time Berth ever shows a password. Argo CD keeps it
 * in the `argocd-initial-admin-secret`; Berth keeps only the hash, so write it down (or change it with
 * PUT /api/v1/account/password). Replicas starting together: one generates, the others print nothing.
 */
export async function ensureAdminPassword(ctx: SchedulerContext): Promise<void> {
  const hasher = new PasswordHasher();
  const password = hasher.generate();
  const created = await initializePassword(
    { commands: ctx.commands, accounts: ctx.auth.accounts, hasher, nowMs: ctx.auth.nowMs },
    ADMIN_ACCOUNT,
    password,
  );
  if (!created) return;
  new Logger('auth').log('generated the initial password of the admin account (printed once on stderr)');
  process.stderr.write(initialPasswordNotice(password));
}
