// The command line of `npm start` (scripts/start.mjs). Pure, so it is unit-tested.

export const START_USAGE = `Usage: npm start [-- --workers N] [--config FILE]

Runs Berth: the scheduler, N workers (default 2) and the notifier, and the sandbox cluster when
there is no KUBECONFIG and no registered cluster. Ctrl-C stops everything.

  --workers N   worker processes, 1-32 (default 2); ports from WORKER_PORT up, skipping the
                scheduler's and the notifier's
  --config FILE a berth.yaml (default: BERTH_SERVER_CONFIG, else ./berth.yaml if present); every process
                started reads it
  --help        this text and the settings`;

/**
 * @param {string[]} argv
 * @returns {{ help: true } | { help: false, error: string } | { help: false, error?: undefined, workers: number, configFile?: string }}
 */
export function parseStartArgs(argv) {
  let workers = 2;
  /** @type {string | undefined} */
  let configFile;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { help: true };
    const inline = /^--workers=(.*)$/.exec(arg);
    if (arg === '--workers' || inline) {
      const value = inline ? inline[1] : argv[++i];
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 32) {
        return {
          help: false,
          error: `--workers: "${value ?? ''}" is not a whole number from 1 to 32; e.g. --workers 3`,
        };
      }
      workers = Number(value);
      continue;
    }
    const inlineConfig = /^--config=(.*)$/.exec(arg);
    if (arg === '--config' || inlineConfig) {
      const value = inlineConfig ? inlineConfig[1] : argv[++i];
      if (value === undefined || value === '' || value.startsWith('-')) {
        return { help: false, error: '--config needs a file: --config berth.yaml' };
      }
      configFile = value;
      continue;
    }
    return { help: false, error: `unknown argument "${arg}"` };
  }
  return { help: false, workers, ...(configFile ? { configFile } : {}) };
}
