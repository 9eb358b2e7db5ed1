import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, type BerthConfig } from '@berth/infra';
import { withoutSecrets } from '@berth/infra';
import { BerthLogger, logLevelsFor } from './berth-logger';
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
  // Lines logged before the app exists (waiting for Postgres, Redis unreachable) in LOG_FORMAT too.
  Logger.overrideLogger(new BerthLogger(name, config.logFormat, logLevelsFor(config.logLevel)));
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
    console.error(
      withoutSecrets(stack, [settings.databaseUrl, settings.databaseListenUrl, settings.redisUrl]),
    );
  }
  process.exit(1);
}

/** How long a stop waits for an unreachable Redis before it gives up on it. */
export const STOP_WITHOUT_REDIS_MS = 5_000;

export interface StopOptions {
  /**
   * True while the process's Redis is unreachable. Closing BullMQ workers and queues waits for
   * Redis; once it has been away for STOP_WITHOUT_REDIS_MS the process exits without it (exit 0):
   * nothing could be recorded in Redis anyway, and jobs in flight are handed to another process
   * when Redis is back (BullMQ's stalled-job check; the event log has what was done).
   */
  redisDown?: () => boolean | Promise<boolean>;
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits 0: in-flight work finishes first. */
export function stopOnSignals(stop: () => Promise<void>, options: StopOptions = {}): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    const stopped = stop().then(
      () => 0,
      (error: unknown) => {
        console.error(`stopping failed: ${(error as Error).message ?? String(error)}`);
        return 1;
      },
    );
    const { redisDown } = options;
    const withoutRedis = redisDown
      ? redisAwayFor(redisDown, STOP_WITHOUT_REDIS_MS)
      : new Promise<never>(() => {});
    void Promise.race([stopped, withoutRedis]).then((code) => process.exit(code));
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}

/** Resolves with exit code 0 once `redisDown` has said true for `ms` in a row (checked every 250 ms). */
function redisAwayFor(redisDown: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  return new Promise((resolve) => {
    let downSince: number | undefined;
    const check = async () => {
      const down = await Promise.resolve(redisDown()).catch(() => true);
      const now = Date.now();
      downSince = down ? (downSince ?? now) : undefined;
      if (downSince !== undefined && now - downSince >= ms) {
        console.warn('Redis is unreachable: stopping without it; jobs in flight resume on another process');
        return resolve(0);
      }
      setTimeout(() => void check(), 250).unref();
    };
    void check();
  });
}
