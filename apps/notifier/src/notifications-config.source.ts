import { existsSync, readFileSync } from 'node:fs';
import { compileTemplate } from '@berth/gotemplate';
import { type FileWatch, watchConfigFile } from '@berth/infra';
import {
  type ConfigIssue,
  type NotificationsConfig,
  parseNotificationsConfig,
  type SecretLookup,
} from '@berth/notifications';
import type { DataSource } from 'typeorm';
import { NotificationConfigRepository } from './notification-config.repository';
import { NotificationSecretBindingsRepository } from './notification-secret-bindings.repository';
import { NotificationSecretBindings } from './notification-secret.bindings';
import { asNotificationSecrets, sameSecret } from './notification-secret.store';

export const DEFAULT_CONFIG_FILE = 'config/notifications.yaml';
export { envSecretLookup, SECRET_ENV_PREFIX, secretEnvName } from './notification-secret.store';

export type ConfigOrigin = 'none' | 'file' | 'database';

/** What `GET /api/v1/notifications/config` reports. Never holds secret values. */
export interface ConfigStatus {
  /** `ok`: the active config is the newest one read; `invalid`: the newest one was rejected (the last good one stays). */
  status: 'ok' | 'invalid' | 'missing';
  origin: ConfigOrigin;
  /** File path, or `database version N`. */
  source: string | undefined;
  /** When the active config was loaded (ISO). */
  loadedAt: string | undefined;
  /** Problems of the newest config read, each naming its key. */
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** Where the rejected config came from. */
  rejectedSource?: string;
}

export interface ConfigSourceOptions {
  /** Path of the argocd-notifications-cm-shaped YAML; undefined = no file. */
  file: string | undefined;
  secrets: SecretLookup;
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
  /** Judges each service endpoint (the outbound policy); returns why it is refused. */
  checkDestination?: (url: URL) => string | undefined;
  /** Collapses bursts of fs events (editors write a file in several steps). */
  debounceMs?: number;
}

/** `PUT` of an invalid config: nothing is stored. */
export class InvalidNotificationsConfigError extends Error {
  readonly code = 'NOTIFICATIONS_CONFIG_INVALID';
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `notifications config rejected (${issues.length} problem(s)): ${issues.map((i) => `${i.key}: ${i.message}`).join('; ')}`,
    );
    this.name = 'InvalidNotificationsConfigError';
  }
}

interface Candidate {
  origin: ConfigOrigin;
  source: string;
  yaml: string;
}

/**
 * The active notifications config. A config stored through the API (table notification_config, newest version)
 * wins over the file; the file is watched and re-parsed on change. A config that does not parse never replaces the
 * last good one: the status then says `invalid` and lists each bad key.
 */
export class NotificationsConfigSource {
  private current: NotificationsConfig | undefined;
  private state: ConfigStatus = {
    status: 'missing',
    origin: 'none',
    source: undefined,
    loadedAt: undefined,
    errors: [],
    warnings: [],
  };
  private watcher: FileWatch | undefined;
  private dbVersion: number | undefined;
  private lastFingerprint: string | undefined;
  private readonly listeners: Array<(config: NotificationsConfig) => void> = [];
  private readonly bindings: NotificationSecretBindings;
  private readonly configs: NotificationConfigRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: ConfigSourceOptions,
  ) {
    this.configs = new NotificationConfigRepository(dataSource);
    this.bindings = new NotificationSecretBindings(
      new NotificationSecretBindingsRepository(dataSource),
      asNotificationSecrets(options.secrets),
    );
  }

  get config(): NotificationsConfig | undefined {
    return this.current;
  }

  status(): ConfigStatus {
    return structuredClone(this.state);
  }

  onChange(listener: (config: NotificationsConfig) => void): void {
    this.listeners.push(listener);
  }

  /** Loads the newest config and starts watching the file. */
  async start(): Promise<void> {
    await this.bindings.start();
    await this.reload();
    const file = this.options.file;
    if (!file) return;
    this.watcher = watchConfigFile(
      file,
      () => {
        this.reload().catch((err: unknown) =>
          this.log('error', `notifications config reload failed: ${String(err)}`),
        );
      },
      { debounceMs: this.options.debounceMs },
    );
  }

  stop(): void {
    this.watcher?.close();
  }

  /** Re-reads the database and the file; the database version wins. Returns the resulting status. */
  async reload(): Promise<ConfigStatus> {
    const candidate = (await this.fromDatabase()) ?? this.fromFile();
    if (!candidate) {
      if (!this.current) this.state = { ...this.state, status: 'missing', errors: [], warnings: [] };
      return this.status();
    }
    await this.apply(candidate);
    return this.status();
  }

  /**
   * Validates and stores a config as the next database version; it becomes active at once. `secrets`: values
   * of secrets sent along with the change (by `$name`), which lets it send them to new hosts.
   */
  async store(
    yaml: string,
    actor: string,
    secrets: Readonly<Record<string, string>> = {},
  ): Promise<{ version: number; status: ConfigStatus }> {
    const wrong = Object.entries(secrets)
      .filter(([name, value]) => !sameSecret(value, this.options.secrets(name)))
      .map(([name]) => ({
        key: 'X-Berth-Notifications-Secret',
        message: `the value sent for $${name} is not the notifier's secret ${name}: nothing was stored`,
      }));
    if (wrong.length > 0) throw new InvalidNotificationsConfigError(wrong);
    const result = this.parse(yaml);
    if (!result.ok) throw new InvalidNotificationsConfigError(result.errors);
    await this.bindings.refresh();
    const { issues, plan } = await this.bindings.check(
      result.secretReferences,
      result.config,
      new Set(Object.keys(secrets)),
    );
    if (issues.length > 0) throw new InvalidNotificationsConfigError(issues);
    const version = await this.dataSource.transaction(async (manager) => {
      const stored = await this.configs.insert(manager, yaml, actor);
      await this.bindings.commit(plan, `database version ${stored} (stored by ${actor})`, manager);
      return stored;
    });
    await this.apply({ origin: 'database', source: `database version ${version}`, yaml });
    this.dbVersion = version;
    return { version, status: this.status() };
  }

  private parse(yaml: string) {
    return parseNotificationsConfig(yaml, {
      secrets: this.options.secrets,
      checkDestination: this.options.checkDestination,
      checkTemplate: (source) => {
        try {
          compileTemplate(source);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    });
  }

  private async apply(candidate: Candidate): Promise<void> {
    // Periodic reloads see the same text most of the time: nothing to re-parse or report.
    const fingerprint = `${candidate.source}\n${candidate.yaml}`;
    if (fingerprint === this.lastFingerprint) return;
    this.lastFingerprint = fingerprint;
    const parsed = this.parse(candidate.yaml);
    let result = parsed;
    if (parsed.ok) {
      // Another replica may have re-bound a secret (a PUT that came with it).
      await this.bindings.refresh();
      const { issues, plan } = await this.bindings.check(parsed.secretReferences, parsed.config);
      if (issues.length > 0) result = { ok: false, errors: issues, warnings: parsed.warnings };
      else await this.bindings.commit(plan, candidate.source);
    }
    if (!result.ok) {
      this.state = {
        ...this.state,
        status: 'invalid',
        errors: result.errors,
        warnings: result.warnings,
        rejectedSource: candidate.source,
      };
      for (const issue of result.errors)
        this.log(
          'error',
          `notifications config from ${candidate.source} rejected, keeping ${this.state.source ?? 'none'}: ${issue.key}: ${issue.message}`,
        );
      return;
    }
    this.current = result.config;
    this.state = {
      status: 'ok',
      origin: candidate.origin,
      source: candidate.source,
      loadedAt: new Date().toISOString(),
      errors: [],
      warnings: result.warnings,
    };
    for (const w of result.warnings) this.log('warn', `notifications config ${w.key}: ${w.message}`);
    for (const listener of this.listeners) listener(result.config);
  }

  private async fromDatabase(): Promise<Candidate | undefined> {
    const row = await this.configs.newest();
    if (!row) return undefined;
    this.dbVersion = row.version;
    return { origin: 'database', source: `database version ${row.version}`, yaml: row.yaml };
  }

  private fromFile(): Candidate | undefined {
    const file = this.options.file;
    if (!file || !existsSync(file)) return undefined;
    return { origin: 'file', source: file, yaml: readFileSync(file, 'utf8') };
  }

  /** The newest stored database version (undefined: the file or nothing is in use). */
  get databaseVersion(): number | undefined {
    return this.dbVersion;
  }

  private log(level: 'log' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
