import { ConfigError, loadConfig, type BerthConfig } from '@berth/infra';
import { withoutSecrets } from '@berth/infra';
import { guardRunningProcess } from './process-guard';
import { describeStartupFailure, type StartupSettings } from './startup-failure';

/**
 * Reads the configuration for a process's main(); a bad value ends the process with exit code 1
 * and one line per problem, before anything connects anywhere.
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): BerthConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Runs a process's start: a failure ends the process with exit code 1 and one line on stderr,
 * `<process>: <what failed, where, how to fix it>`, with no stack trace (unless LOG_LEVEL=debug) and
 * no password. Errors thrown outside the start's promise while it runs (an emitter's 'error') count too.
 * Once started, an error nobody handled is a bug: one `BUG:` line (guardRunningProcess).
 */
export function runProcess(
  name: string,
  start: (config: BerthConfig) => Promise<void>,
  env: Record<string, string | undefined> = process.env,
): void {
  const config = loadConfigOrExit(env);
  const fail = (error: unknown) => exitWithStartupFailure(name, error, config, env);
  const guard = guardRunningProcess(name, config, env);
  let started = false;
  process.on('uncaughtException', (error) => (started ? guard.onException(error) : fail(error)));
  process.on('unhandledRejection', (reason) => (started ? guard.onRejection(reason) : fail(reason)));
  start(config).then(() => {
    started = true;
  }, fail);
}

/** Prints the one line for a failed start and exits with code 1. */
export function exitWithStartupFailure(
  name: string,
  error: unknown,
  settings: StartupSettings,
  env: Record<string, string | undefined> = process.env,
): never {
  console.error(`${name}: ${describeStartupFailure(error, settings)}`);
  if (env['LOG_LEVEL'] === 'debug' || env['LOG_LEVEL'] === 'verbose') {
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(withoutSecrets(stack, [settings.databaseUrl, settings.redisUrl]));
  }
  process.exit(1);
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits 0: in-flight work finishes first. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    void stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`stopping failed: ${(error as Error).message ?? String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
