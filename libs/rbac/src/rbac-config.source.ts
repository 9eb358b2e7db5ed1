import { readFile } from 'node:fs/promises';
import { watchConfigFile, type ConfigFileWatch } from '@berth/infra';
import {
  EMPTY_RBAC_CONFIG,
  formatRbacConfigIssue,
  parseRbacConfig,
  type RbacConfig,
  type RbacConfigIssue,
} from './rbac-config';
import { RbacEnforcer, type RbacEnforcerOptions } from './rbac.enforcer';

export interface RbacConfigSourceOptions {
  /** The argocd-rbac-cm file (BerthConfig.rbacConfigFile); undefined: the built-in roles only. */
  file: string | undefined;
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
  /** Collapses bursts of file-system events (editors write a file in several steps); default 100 ms. */
  debounceMs?: number;
  enforcer?: RbacEnforcerOptions;
}

/** What the active RBAC config is and whether the newest file was accepted. */
export interface RbacConfigStatus {
  /** `ok`: the newest file is in force; `invalid`: it was rejected and the last good one stays; `missing`: no file. */
  status: 'ok' | 'invalid' | 'missing';
  /** The file the active config came from; undefined: the built-in roles only. */
  source: string | undefined;
  /** When the active config was loaded (ISO). */
  loadedAt: string | undefined;
  /** Problems of the newest file read, each naming its key and line. */
  errors: RbacConfigIssue[];
  warnings: RbacConfigIssue[];
}

/**
 * The RBAC config in force: read from the argocd-rbac-cm file at start, and again whenever the file changes
 * (watched like the notifications config). A file that does not parse never replaces the last good config:
 * the status says `invalid`, and each problem is logged with its key and line. Before any good file, the
 * built-in roles alone are in force (role:admin for `admin`, nothing for anyone else), as in an Argo CD with an
 * empty argocd-rbac-cm.
 */
export class RbacConfigSource {
  private current: RbacEnforcer | undefined;
  private state: RbacConfigStatus = {
    status: 'missing',
    source: undefined,
    loadedAt: undefined,
    errors: [],
    warnings: [],
  };
  private watcher: ConfigFileWatch | undefined;
  private lastText: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: Array<(enforcer: RbacEnforcer) => void> = [];

  constructor(private readonly options: RbacConfigSourceOptions) {}

  /** The enforcer of the config in force. */
  get enforcer(): RbacEnforcer {
    if (!this.current) throw new Error('RbacConfigSource.start() has not finished');
    return this.current;
  }

  status(): RbacConfigStatus {
    return structuredClone(this.state);
  }

  onChange(listener: (enforcer: RbacEnforcer) => void): void {
    this.listeners.push(listener);
  }

  /** Loads the file (or the built-in roles) and starts watching it. */
  async start(): Promise<void> {
    this.current = await RbacEnforcer.create(EMPTY_RBAC_CONFIG, this.options.enforcer);
    await this.reload();
    const file = this.options.file;
    if (!file) return;
    this.watcher = watchConfigFile(
      file,
      () => {
        this.reload().catch((err: unknown) => this.log('error', `RBAC config reload failed: ${String(err)}`));
      },
      this.options.debounceMs,
    );
  }

  stop(): void {
    this.watcher?.close();
  }

  /** Reads the file again; reloads run one at a time, in order. Returns the resulting status. */
  reload(): Promise<RbacConfigStatus> {
    const next = this.queue.then(() => this.reloadNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async reloadNow(): Promise<RbacConfigStatus> {
    const file = this.options.file;
    if (!file) {
      this.state = { ...this.state, status: 'missing', errors: [], warnings: [] };
      return this.status();
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const kept = this.state.source ?? 'the built-in roles only';
      if (code === 'ENOENT') {
        this.log(
          this.state.source ? 'error' : 'warn',
          `RBAC config ${file} does not exist; in force: ${kept}`,
        );
        this.state = { ...this.state, status: 'missing', errors: [], warnings: [] };
      } else {
        const issue = { key: '(file)', message: `cannot be read: ${(err as Error).message}` };
        this.log('error', `RBAC config ${file} rejected, keeping ${kept}: ${formatRbacConfigIssue(issue)}`);
        this.state = { ...this.state, status: 'invalid', errors: [issue], warnings: [] };
      }
      this.lastText = undefined;
      return this.status();
    }
    // A reload after an unrelated event in the directory finds the same text: nothing to do.
    if (text === this.lastText) return this.status();
    this.lastText = text;
    const parsed = parseRbacConfig(text);
    if (!parsed.ok) {
      const kept = this.state.source ?? 'the built-in roles only';
      for (const issue of parsed.errors) {
        this.log('error', `RBAC config ${file} rejected, keeping ${kept}: ${formatRbacConfigIssue(issue)}`);
      }
      this.state = { ...this.state, status: 'invalid', errors: parsed.errors, warnings: parsed.warnings };
      return this.status();
    }
    await this.activate(parsed.config, file, parsed.warnings);
    return this.status();
  }

  private async activate(config: RbacConfig, file: string, warnings: RbacConfigIssue[]): Promise<void> {
    const enforcer = await RbacEnforcer.create(config, this.options.enforcer);
    this.current = enforcer;
    this.state = { status: 'ok', source: file, loadedAt: new Date().toISOString(), errors: [], warnings };
    this.log('log', `RBAC config loaded from ${file} (${config.policy.length} policy line(s))`);
    for (const warning of warnings)
      this.log('warn', `RBAC config ${file}: ${formatRbacConfigIssue(warning)}`);
    for (const listener of this.listeners) listener(enforcer);
  }

  private log(level: 'log' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
