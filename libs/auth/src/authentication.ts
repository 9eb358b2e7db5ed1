import { AccountsRepository, ServerKeyRepository } from '@berth/event-store';
import type { BerthConfig } from '@berth/infra';
import type { DataSource } from 'typeorm';
import { AccountsConfigSource } from './accounts-config.source';
import type { AccountsSettings } from './accounts-settings';
import { Authenticator, type ProjectTokenCheck } from './authenticator';
import { accountsSecretLookup } from './oidc-settings';
import { ServerKeyRing } from './server-key-ring';
import { TokenCodec } from './token-codec';
import { TokenStandingCache } from './token-standing.cache';

export interface AuthenticationOptions {
  config: BerthConfig;
  dataSource: DataSource;
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
  /** Project role tokens; refused while absent (wired with RBAC). */
  projectTokens?: ProjectTokenCheck;
  /** Unix ms; tests move it. */
  nowMs?: () => number;
}

/**
 * What every Berth process needs to authenticate a request: the accounts config (hot reloaded), the signing
 * keys, the token standing (revocations, read for each request), and the Authenticator on top.
 * Opened once per process; the scheduler adds logins and account changes (AccountsApi).
 */
export class Authentication {
  private constructor(
    readonly config: BerthConfig,
    readonly accountsConfig: AccountsConfigSource,
    readonly keys: ServerKeyRing,
    readonly codec: TokenCodec,
    readonly accounts: AccountsRepository,
    readonly standing: TokenStandingCache,
    readonly authenticator: Authenticator,
    readonly nowMs: () => number,
  ) {}

  static async open(options: AuthenticationOptions): Promise<Authentication> {
    const { config, dataSource } = options;
    const nowMs = options.nowMs ?? Date.now;
    const nowSeconds = () => Math.floor(nowMs() / 1000);
    const accountsConfig = new AccountsConfigSource({
      file: AccountsConfigSource.fileOf(config.accountsConfigFile),
      secrets: accountsSecretLookup(config.accountsSecrets),
      ...(options.log ? { log: options.log } : {}),
    });
    await accountsConfig.start();
    const keys = await ServerKeyRing.open(config, new ServerKeyRepository(dataSource));
    const codec = new TokenCodec(keys);
    const accounts = new AccountsRepository(dataSource);
    const standing = await TokenStandingCache.open({ accounts });
    const authenticator = new Authenticator({
      settings: () => accountsConfig.settings,
      codec,
      standing,
      nowSeconds,
      ...(options.projectTokens ? { projectTokens: options.projectTokens } : {}),
    });
    return new Authentication(config, accountsConfig, keys, codec, accounts, standing, authenticator, nowMs);
  }

  get settings(): AccountsSettings {
    return this.accountsConfig.settings;
  }

  async close(): Promise<void> {
    this.accountsConfig.stop();
    await this.standing.close();
  }
}
