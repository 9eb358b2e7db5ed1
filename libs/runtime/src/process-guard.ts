import { withoutSecrets } from '@berth/infra';
import type { StartupSettings } from './startup-failure';

/** Every line a running process writes about its own bug starts with this: a test fails on it. */
export const BUG_TAG = 'BUG:';

/** Exit code of a process that ended on an uncaught exception (EX_SOFTWARE: an internal error). */
export const BUG_EXIT_CODE = 70;

/**
 * The one line for an error nobody handled: `BUG: <process>: <kind>: <message> (at <file:line:col>)`, no
 * password, and the whole stack only with LOG_LEVEL=debug.
 */
export function bugLine(name: string, kind: string, error: unknown, settings: StartupSettings): string {
  const e = error instanceof Error ? error : undefined;
  const message = (e ? `${e.name}: ${e.message}` : String(error)).replace(/\s*\n\s*/g, ' ');
  // The first stack frame's location: `at fn (file:line:col)` or `at file:line:col`.
  const frame = e?.stack
    ?.split('\n')
    .find((line) => /^\s+at /.test(line))
    ?.trim()
    .replace(/^at /, '');
  const where = frame?.match(/\(([^()]+)\)$/)?.[1] ?? frame;
  return withoutSecrets(`${BUG_TAG} ${name}: ${kind}: ${message}${where ? ` (at ${where})` : ''}`, [
    settings.databaseUrl,
    settings.databaseListenUrl,
    settings.redisUrl,
  ]);
}

/**
 * What a running process does with an error nobody handled (docs/dependency-failures.md, "Bugs"):
 * - an unhandled rejection: one `BUG:` line, and the process goes on. The promise's work is over
 *   (it failed); the state that matters is in Postgres, written in transactions, so nothing is
 *   half-done, and ending every request in flight would cost more than the bug did.
 * - an uncaught exception (an 'error' event with no listener included): one `BUG:` line and exit
 *   code 70. It was thrown from the middle of some callback whose state (a connection, a timer
 *   loop) is now unknown; a process that goes on could stall silently, where a restart (Kubernetes,
 *   docker compose) is loud and brings it back clean. Running work resumes from the event log.
 */
export function guardRunningProcess(
  name: string,
  settings: StartupSettings,
  env: Record<string, string | undefined> = process.env,
): { onRejection: (reason: unknown) => void; onException: (error: unknown) => void } {
  const debug = env['LOG_LEVEL'] === 'debug' || env['LOG_LEVEL'] === 'verbose';
  const report = (kind: string, error: unknown) => {
    console.error(bugLine(name, kind, error, settings));
    if (debug && error instanceof Error && error.stack)
      console.error(
        withoutSecrets(error.stack, [settings.databaseUrl, settings.databaseListenUrl, settings.redisUrl]),
      );
  };
  return {
    onRejection: (reason) => report('unhandled rejection', reason),
    onException: (error) => {
      report('uncaught exception, exiting', error);
      process.exit(BUG_EXIT_CODE);
    },
  };
}
