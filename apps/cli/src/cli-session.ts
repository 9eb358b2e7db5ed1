import type { Command } from 'commander';
import { stringify } from 'yaml';
import { type CliConfig, resolveContext, serverUrl } from './config/cli-config';
import { configPath, readConfig, writeConfig } from './config/config-file';
import { ApiClient } from './http/api-client';
import { CliError } from './http/cli-error';

/** Options every command accepts (Argo CD's global flags). */
export interface GlobalOptions {
  server?: string;
  authToken?: string;
  insecure?: boolean;
  plaintext?: boolean;
  grpcWeb?: boolean;
  config?: string;
  argocdContext?: string;
}

/**
 * What a command runs with: the config file, the server and token to use (flags, then BERTH_/ARGOCD_
 * variables, then the current context), and the output streams.
 */
export class CliSession {
  private constructor(
    readonly configFile: string,
    readonly options: GlobalOptions,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static of(command: Command, env: NodeJS.ProcessEnv = process.env): CliSession {
    const options = command.optsWithGlobals<GlobalOptions>();
    return new CliSession(configPath(options.config, env), options, env);
  }

  readConfig(): Promise<CliConfig> {
    return readConfig(this.configFile);
  }

  writeConfig(config: CliConfig): Promise<void> {
    return writeConfig(this.configFile, config);
  }

  /** A client for the server the flags, variables or current context name; a clear error when none does. */
  async client(options: { anonymous?: boolean } = {}): Promise<ApiClient> {
    const config = await this.readConfig();
    const context = resolveContext(config, this.options.argocdContext || undefined);
    if (this.options.argocdContext && !context)
      throw new CliError([
        `no context "${this.options.argocdContext}" in ${this.configFile}: see berth context`,
      ]);
    const flagServer = this.options.server || this.env['BERTH_SERVER'] || this.env['ARGOCD_SERVER'];
    const server = flagServer ? serverUrl(flagServer, this.options.plaintext) : context?.server;
    if (!server)
      throw new CliError([
        'no server: run berth login <server> first, or pass --server (or set BERTH_SERVER)',
      ]);
    const token =
      this.options.authToken ||
      this.env['BERTH_AUTH_TOKEN'] ||
      this.env['ARGOCD_AUTH_TOKEN'] ||
      (context && context.server === server ? context.token : undefined);
    if (!token && !options.anonymous)
      throw new CliError([
        `not logged in to ${server}: run berth login ${server}, or pass --auth-token (or set BERTH_AUTH_TOKEN)`,
      ]);
    return new ApiClient({
      server,
      ...(token && !options.anonymous ? { token } : {}),
      insecure: this.options.insecure === true || context?.insecure === true,
    });
  }
}

/** Writes to stdout with a trailing newline (nothing for an empty text). */
export function out(text: string): void {
  if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Notes and progress for people go to stderr, so stdout stays parseable. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

export type OutputFormat = 'json' | 'yaml' | 'wide' | 'name' | 'tree' | undefined;

/** `-o json|yaml`: the API's shapes as they came, stable for scripts. True when it printed. */
export function printStructured(format: string | undefined, value: unknown): boolean {
  if (format === 'json') {
    out(JSON.stringify(value, null, 2));
    return true;
  }
  if (format === 'yaml') {
    out(stringify(value));
    return true;
  }
  return false;
}

/** Checks `-o` against the formats a command knows, with a fix when it is not one of them. */
export function outputFormat(value: string | undefined, allowed: readonly string[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!allowed.includes(value))
    throw new CliError([`-o ${value}: unknown output format; use one of ${allowed.join(', ')}`], 20);
  return value;
}
