import { randomUUID } from 'node:crypto';
import {
  accountAggregate,
  accountStreamId,
  type AccountToken,
  decideAccount,
  DomainError,
  type EventMetadata,
} from '@berth/domain';
import type { AccountsRepository, CommandHandler } from '@berth/event-store';
import type { AccountCapability, AccountsSettings } from './accounts-settings';
import type { AccountPermission } from './account-permission';
import type { Identity } from './identity';
import type { LoginService } from './login.service';
import type { PasswordHasher } from './password-hasher';
import type { TokenCodec } from './token-codec';

/** An account as `GET /api/v1/account` lists it (Argo CD's Account message); tokens by id only. */
export interface AccountView {
  name: string;
  enabled: boolean;
  capabilities: AccountCapability[];
  tokens: AccountToken[];
}

export interface AccountServiceOptions {
  settings: () => AccountsSettings;
  commands: CommandHandler;
  accounts: AccountsRepository;
  hasher: PasswordHasher;
  codec: TokenCodec;
  login: LoginService;
  permission: AccountPermission;
  nowMs: () => number;
  /** Waits `ms` (a password change waits for the next whole second; see updatePassword). */
  sleep?: (ms: number) => Promise<void>;
}

/** Who asked, why and under which correlation id: the metadata of the events of one request. */
export type RequestMetadata = EventMetadata;

/**
 * Local accounts over the API, as Argo CD's account service (server/account/account.go): list and read
 * accounts (tokens by id, never the token), change a password, issue and delete API keys; and log out. Every
 * change is an event through the command path; a password's hash is stored beside its event, never in it.
 */
export class AccountService {
  constructor(private readonly options: AccountServiceOptions) {}

  async list(caller: Identity): Promise<AccountView[]> {
    const names = [...this.settings.accounts.keys()].sort();
    const visible = await Promise.all(names.map((name) => this.options.permission(caller, 'get', name)));
    return Promise.all(names.filter((_name, i) => visible[i]).map((name) => this.view(name)));
  }

  async get(caller: Identity, name: string): Promise<AccountView> {
    this.requireAccount(name);
    await this.require(caller, 'get', name);
    return this.view(name);
  }

  /**
   * `PUT /api/v1/account/password`: the caller proves who they are with their own current password (also when
   * an admin sets another account's, as Argo CD). The new password must match `passwordPattern`. Tokens of the
   * account issued before the change are refused from then on (`passwordMtime`): to make that exact with
   * whole-second `iat`s, the change takes effect at the start of the next second, and waits for it.
   */
  async updatePassword(
    caller: Identity,
    request: { currentPassword: string; newPassword: string; name?: string },
    address: string,
    metadata: RequestMetadata,
  ): Promise<void> {
    const target = request.name || caller.subject;
    if (caller.kind !== 'account')
      throw new DomainError('Invalid', `password can only be changed for local users, not ${caller.subject}`);
    this.requireAccount(target);
    if (target !== caller.subject) await this.require(caller, 'update', target);
    try {
      await this.options.login.verifyPassword(caller.subject, request.currentPassword, address);
    } catch (error) {
      if ((error as Error).name === 'UnauthenticatedError')
        throw new DomainError('Invalid', 'current password does not match', {
          issues: [{ field: 'currentPassword', message: 'does not match the password of ' + caller.subject }],
        });
      throw error;
    }
    const pattern = this.settings.passwordPattern;
    if (!pattern.test(request.newPassword))
      throw new DomainError(
        'Invalid',
        `new password does not match the following expression: ${pattern.source}`,
        {
          issues: [
            {
              field: 'newPassword',
              message: `does not match ${pattern.source}`,
              fix: 'passwordPattern in the accounts config sets the rule',
            },
          ],
        },
      );
    const hash = await this.options.hasher.hash(request.newPassword);
    const nowMs = this.options.nowMs();
    const passwordMtime = Math.ceil(nowMs / 1000);
    await (this.options.sleep ?? sleep)(passwordMtime * 1000 - nowMs);
    await this.options.commands.handle(
      accountAggregate,
      accountStreamId(target),
      (state) => decideAccount({ type: 'SetPassword', initial: false, passwordMtime }, state),
      metadata,
      { alsoInTransaction: (manager) => this.options.accounts.savePasswordHash(manager, target, hash) },
    );
  }

  /** `POST /api/v1/account/:name/token`: an API key (`sub` = `<name>:apiKey`); `expiresIn` 0 never expires. */
  async createToken(
    caller: Identity,
    name: string,
    request: { expiresIn?: number; id?: string },
    metadata: RequestMetadata,
  ): Promise<{ token: string }> {
    const account = this.requireAccount(name);
    await this.require(caller, 'update', name);
    if (!account.capabilities.includes('apiKey'))
      throw new DomainError(
        'Invalid',
        `account '${name}' does not have apiKey capability; add it in the accounts config: accounts.${name}: apiKey`,
      );
    const id = request.id || randomUUID();
    const iat = Math.floor(this.options.nowMs() / 1000);
    const expiresAt = request.expiresIn ? iat + request.expiresIn : undefined;
    const token = await this.options.codec.sign({
      sub: `${name}:apiKey`,
      jti: id,
      iat,
      ...(expiresAt !== undefined ? { exp: expiresAt } : {}),
    });
    await this.options.commands.handle(
      accountAggregate,
      accountStreamId(name),
      (state) =>
        decideAccount(
          { type: 'CreateToken', id, issuedAt: iat, ...(expiresAt !== undefined ? { expiresAt } : {}) },
          state,
        ),
      metadata,
    );
    return { token };
  }

  /** `DELETE /api/v1/account/:name/token/:id`: the key is refused by every process from the commit on. */
  async deleteToken(caller: Identity, name: string, id: string, metadata: RequestMetadata): Promise<void> {
    this.requireAccount(name);
    await this.require(caller, 'update', name);
    await this.options.commands.handle(
      accountAggregate,
      accountStreamId(name),
      (state) => decideAccount({ type: 'DeleteToken', id }, state),
      metadata,
    );
  }

  /** `DELETE /api/v1/session`: the caller's session token is revoked (an API key is deleted instead). */
  async logout(caller: Identity, metadata: RequestMetadata): Promise<void> {
    const session = (caller.kind === 'account' && caller.capability === 'login') || caller.kind === 'sso';
    if (!session || !caller.tokenId || !caller.account)
      throw new DomainError(
        'Invalid',
        caller.capability === 'apiKey'
          ? `an API key is not a session: delete it with DELETE /api/v1/account/${caller.subject}/token/${caller.tokenId ?? '<id>'}`
          : 'there is no session to end: the request carries no session token',
      );
    const { tokenId, account } = caller;
    const expiresAt =
      caller.expiresAt ?? Math.floor(this.options.nowMs() / 1000) + this.settings.sessionDurationSeconds;
    await this.options.commands.handle(
      accountAggregate,
      accountStreamId(account),
      (state) => decideAccount({ type: 'RevokeSessionToken', id: tokenId, expiresAt }, state),
      metadata,
    );
  }

  private async view(name: string): Promise<AccountView> {
    const account = this.settings.accounts.get(name)!;
    return {
      name,
      enabled: account.enabled,
      capabilities: [...account.capabilities],
      tokens: await this.options.accounts.tokensOf(name),
    };
  }

  private requireAccount(name: string) {
    const account = this.settings.accounts.get(name);
    if (!account)
      throw new DomainError(
        'NotFound',
        `account '${name}' does not exist; list them with GET /api/v1/account`,
      );
    return account;
  }

  private async require(caller: Identity, action: 'get' | 'update', name: string): Promise<void> {
    if (!(await this.options.permission(caller, action, name)))
      throw new DomainError(
        'Forbidden',
        `permission denied: ${caller.subject} may not ${action} account ${name}`,
      );
  }

  private get settings(): AccountsSettings {
    return this.options.settings();
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
