import { Logger } from '@nestjs/common';
import {
  ConfigError,
  loadBerthSettings,
  parseProcessArgs,
  PROCESS_ARGS_USAGE,
  settingsHelp,
  type BerthConfig,
  type BerthProcess,
  type BerthSettings,
} from '@berth/infra';
import { withoutSecrets } from '@berth/infra';
import { BerthLogger, logLevelsFor } from './berth-logger';
import { guardRunningProcess } from './process-guard';
import { describeStartupFailure, type StartupSettings } from './startup-failure';

type Env = Record<string, string | undefined>;

/**
 * Reads the configuration for a process's main() (berth.yaml and the environment, the environment
 * winning); a bad value ends the process with exit code 1 and one line per problem, before anything
 * connects anywhere.
 */
export function loadConfigOrExit(env: Env = process.env, configFile?: string): BerthConfig {
  const settings = loadSettingsOrExit(env, configFile);
  for (const warning of settings.warnings) console.warn(warning);
  return settings.config;
}

function loadSettingsOrExit(env: Env, configFile: string | undefined): BerthSettings {
  try {
    return loadBerthSettings({ env, configFile });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const PROCESSES: ReadonlySet<string> = new Set<BerthProcess>(['scheduler', 'worker', 'notifier']);

/**
 * Runs a process's start: a failure ends the process with exit code 1 and one line on stderr,
 * `<process>: <what failed, where, how to fix it>`, with no stack trace (unless LOG_LEVEL=debug) and
 * no password. Errors thrown outside the start's promise while it runs (an emitter's 'error') count too.
 * Once started, an error nobody handled is a bug: one `BUG:` line (guardRunningProcess).
 * The command line is `[--config FILE] [--help]`: `--help` prints the settings the process reads and exits 0.
 */
export function runProcess(
  name: string,
  start: (config: BerthConfig) => Promise<void>,
  env: Env = process.env,
  argv: readonly string[] = process.argv.slice(2),
): void {
  const args = parseProcessArgs(argv);
  const usage = `Usage: ${PROCESSES.has(name) ? `node dist/apps/${name}/src/main.js` : name} ${PROCESS_ARGS_USAGE}`;
  if (args.error) {
    console.error(`${name}: ${args.error}\n${usage}`);
    process.exit(2);
  }
  if (args.help) {
    const help = PROCESSES.has(name) ? settingsHelp(name as BerthProcess, usage) : usage;
    process.stdout.write(`${help}\n`, () => process.exit(0));
    return;
  }
  const settings = loadSettingsOrExit(env, args.configFile);
  const { config } = settings;
  // Lines logged before the app exists (waiting for Postgres, Redis unreachable) in LOG_FORMAT too.
  Logger.overrideLogger(new BerthLogger(name, config.logFormat, logLevelsFor(config.logLevel)));
  const logger = new Logger(name);
  if (settings.file) logger.log(`settings from ${settings.file} and the environment`);
  for (const warning of settings.warnings) logger.warn(warning);
  const fail = (error: unknown) => exitWithStartupFailure(name, error, config, settings.env);
  const guard = guardRunningProcess(name, config, settings.env);
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
