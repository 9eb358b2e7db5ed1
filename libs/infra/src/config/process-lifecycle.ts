import { ConfigError, loadConfig, type BerthConfig } from './berth-config';

/**
 * Reads the configuration for a process's main(); a bad value ends the process with exit code 2
 * and one line per problem, before anything connects anywhere.
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): BerthConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
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
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
