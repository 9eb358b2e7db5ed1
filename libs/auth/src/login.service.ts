import { randomUUID } from 'node:crypto';
import type { AccountsRepository } from '@berth/event-store';
import { type AccountsSettings, MAX_USERNAME_LENGTH } from './accounts-settings';
import { LoginThrottledError, UnauthenticatedError } from './auth-errors';
import type { LoginFailureStore } from './login-failures.store';
import type { ThrottleLimits } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import type { TokenCodec } from './token-codec';

/** Argo CD's words (util/session/sessionmanager.go): the same for an unknown user and a wrong password. */
export const INVALID_LOGIN = 'Invalid username or password';

export interface LoginServiceOptions {
  settings: () => AccountsSettings;
  accounts: Pick<AccountsRepository, 'passwordHash'>;
  hasher: PasswordHasher;
  codec: TokenCodec;
  failures: LoginFailureStore;
  limits: ThrottleLimits & { maxFailuresPerAddress: number };
  nowMs: () => number;
}

/**
 * `POST /api/v1/session` as Argo CD: a username and password give a session token (`sub` = `<name>:login`,
 * expiring after `users.session.duration`). Every failure says "Invalid username or password", whether the
 * user exists or not, and costs one bcrypt comparison either way. Failed logins are counted per user and per
 * source address; past the limit, logins are refused (429) without the password being checked.
 */
export class LoginService {
  constructor(private readonly options: LoginServiceOptions) {}

  async login(
    username: string,
    password: string,
    address: string,
  ): Promise<{ token: string; expiresAt: number }> {
    await this.verifyPassword(username, password, address);
    const { settings } = this;
    const account = settings.accounts.get(username)!;
    // As Argo CD: these are told only to someone who knows the password.
    if (!account.enabled) throw new UnauthenticatedError(`Account ${username} is disabled`);
    if (!account.capabilities.includes('login'))
      throw new UnauthenticatedError(`Account ${username} does not have login capability`);
    const iat = Math.floor(this.options.nowMs() / 1000);
    const exp = iat + settings.sessionDurationSeconds;
    const token = await this.options.codec.sign({ sub: `${username}:login`, jti: randomUUID(), iat, exp });
    return { token, expiresAt: exp };
  }

  /**
   * Checks a password as a login does (throttled, counted, no enumeration); used by a password change to
   * check the caller's current password. Throws UnauthenticatedError or LoginThrottledError.
   */
  async verifyPassword(username: string, password: string, address: string): Promise<void> {
    if (username.length > MAX_USERNAME_LENGTH) throw new UnauthenticatedError(INVALID_LOGIN);
    const { failures, limits, nowMs } = this.options;
    const userKey = `user:${encodeURIComponent(username)}`;
    const addressKey = `address:${address}`;
    const userRefused = await failures.attempt(userKey, limits, nowMs());
    if (userRefused > 0) throw new LoginThrottledError(userRefused);
    const addressRefused = await failures.attempt(
      addressKey,
      { ...limits, maxFailures: limits.maxFailuresPerAddress },
      nowMs(),
    );
    if (addressRefused > 0) {
      await failures.succeeded(userKey, 'undo');
      throw new LoginThrottledError(addressRefused);
    }
    // The hash is read whether the account exists or not, and compared either way: the same work for both.
    const stored = await this.options.accounts.passwordHash(username);
    const exists = this.settings.accounts.has(username);
    const valid = await this.options.hasher.verify(password, exists ? stored : undefined);
    if (!valid) throw new UnauthenticatedError(INVALID_LOGIN);
    await failures.succeeded(userKey, 'clear');
    await failures.succeeded(addressKey, 'undo');
  }

  private get settings(): AccountsSettings {
    return this.options.settings();
  }
}
