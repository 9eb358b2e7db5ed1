import { AccountsRepository, ProjectsRepository, ServerKeyRepository } from '@berth/event-store';
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
  /** Project role tokens; default: listed under their role in the projects read model (listedProjectToken). */
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
      projectTokens: options.projectTokens ?? listedProjectToken(new ProjectsRepository(dataSource)),
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

/**
 * A project role token is valid while its role lists it (Argo CD's GetJWTToken): by `jti`, or by `iat` for a
 * token issued without one. Read from Postgres per request, so a revocation on one replica holds on all.
 */
export function listedProjectToken(projects: Pick<ProjectsRepository, 'find'>): ProjectTokenCheck {
  return async (project, role, tokenId, issuedAt) => {
    const found = (await projects.find(project))?.spec.roles?.find((r) => r.name === role);
    return (found?.jwtTokens ?? []).some((t) => (tokenId ? t.id === tokenId : t.iat === issuedAt));
  };
}
