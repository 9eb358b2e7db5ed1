import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  documentToJS,
  DocumentLimitError,
  type ConfigFileWatch,
  parseAllDocumentsBounded,
  watchConfigFile,
} from '@berth/infra';
import {
  type AccountsConfigIssue,
  type AccountsSettings,
  defaultAccountsSettings,
  parseAccountsSettings,
} from './accounts-settings';

export const DEFAULT_ACCOUNTS_CONFIG_FILE = 'config/accounts.yaml';

/** Where the active accounts settings came from, and what was wrong with the newest file read. */
export interface AccountsConfigStatus {
  status: 'ok' | 'invalid' | 'missing';
  source: string | undefined;
  loadedAt: string | undefined;
  errors: AccountsConfigIssue[];
  warnings: AccountsConfigIssue[];
}

export interface AccountsConfigSourceOptions {
  /** The argocd-cm-shaped YAML; undefined: no file, only the built-in admin. */
  file: string | undefined;
  /** Values of `$` references (oidc.config's clientSecret). */
  secrets?: (reference: string) => string | undefined;
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
  debounceMs?: number;
}

/**
 * The active accounts settings: read from the file at start, re-read when it changes (hot reload, as Argo CD
 * watches argocd-cm). A file that does not parse never replaces the last good settings: it is logged, key by
 * key, and the status says `invalid`. Without a file, or before a good one, only the built-in admin exists.
 */
export class AccountsConfigSource {
  private current: AccountsSettings = defaultAccountsSettings();
  private state: AccountsConfigStatus = {
    status: 'missing',
    source: undefined,
    loadedAt: undefined,
    errors: [],
    warnings: [],
  };
  private watch: ConfigFileWatch | undefined;
  private lastText: string | undefined;

  constructor(private readonly options: AccountsConfigSourceOptions) {}

  /** The file Berth reads: the setting, else config/accounts.yaml when it exists. */
  static fileOf(setting: string | undefined): string | undefined {
    return setting ?? (existsSync(DEFAULT_ACCOUNTS_CONFIG_FILE) ? DEFAULT_ACCOUNTS_CONFIG_FILE : undefined);
  }

  get settings(): AccountsSettings {
    return this.current;
  }

  status(): AccountsConfigStatus {
    return structuredClone(this.state);
  }

  async start(): Promise<void> {
    await this.reload();
    const file = this.options.file;
    if (!file) return;
    this.watch = watchConfigFile(
      file,
      () =>
        void this.reload().catch((error: unknown) =>
          this.log('error', `accounts config reload failed: ${String(error)}`),
        ),
      this.options.debounceMs,
    );
  }

  stop(): void {
    this.watch?.close();
  }

  /** Reads the file again; a bad file keeps the settings in use. */
  async reload(): Promise<AccountsConfigStatus> {
    const file = this.options.file;
    if (!file || !existsSync(file)) {
      if (this.state.status !== 'ok') this.state = { ...this.state, status: 'missing', source: file };
      return this.status();
    }
    const text = await readFile(file, 'utf8');
    if (text === this.lastText) return this.status();
    this.lastText = text;
    const data = dataOf(text);
    const result = 'errors' in data ? data : parseAccountsSettings(data.data, this.options.secrets);
    if (!result.ok) {
      this.state = { ...this.state, status: 'invalid', errors: result.errors, warnings: result.warnings };
      for (const issue of result.errors)
        this.log(
          'error',
          `accounts config ${file} rejected, keeping ${this.state.source ?? 'the built-in admin only'}: ${issue.key}: ${issue.message}`,
        );
      return this.status();
    }
    this.current = result.settings;
    this.state = {
      status: 'ok',
      source: file,
      loadedAt: new Date().toISOString(),
      errors: [],
      warnings: result.warnings,
    };
    for (const w of result.warnings) this.log('warn', `accounts config ${w.key}: ${w.message}`);
    return this.status();
  }

  private log(level: 'log' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}

/** The data map of an argocd-cm ConfigMap's YAML, or of a bare data map. */
function dataOf(
  text: string,
): { data: Record<string, unknown> } | { ok: false; errors: AccountsConfigIssue[]; warnings: [] } {
  const refuse = (message: string) => ({
    ok: false as const,
    errors: [{ key: '(document)', message }],
    warnings: [] as [],
  });
  let doc: unknown;
  try {
    const docs = parseAllDocumentsBounded(text);
    if (docs.length > 1) return refuse('holds more than one YAML document; keep the one ConfigMap');
    const [first] = docs;
    if (first && first.errors.length > 0) return refuse(`not valid YAML: ${first.errors[0]!.message}`);
    doc = first ? documentToJS(first) : null;
  } catch (error) {
    if (error instanceof DocumentLimitError) return refuse(error.message);
    return refuse(`not valid YAML: ${(error as Error).message}`);
  }
  if (doc === null || doc === undefined) return { data: {} };
  if (typeof doc !== 'object' || Array.isArray(doc))
    return refuse('expected an argocd-cm ConfigMap or its data map (keys like accounts.alice)');
  const obj = doc as Record<string, unknown>;
  if (obj['kind'] === 'ConfigMap' || obj['apiVersion'] !== undefined) {
    const data = obj['data'];
    if (data === undefined || data === null) return { data: {} };
    if (typeof data !== 'object' || Array.isArray(data))
      return refuse('data: must be a map of keys to strings');
    return { data: data as Record<string, unknown> };
  }
  return { data: obj };
}
