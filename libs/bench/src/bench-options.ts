/** Every scenario the harness knows, in the order it runs them. */
export const SCENARIOS = [
  'limits',
  'health',
  'audit',
  'notifier',
  'initial',
  'steady',
  'commit-to-live',
  'self-heal',
  'drift',
  'scaling',
] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  /** Applications in the generated repository. */
  apps: number;
  /** Worker processes for the main run. */
  workers: number;
  scenarios: ScenarioName[];
  /** Events in the audit database (1M by default; 10M is opt-in: the fill takes minutes). */
  auditEvents: number;
  /** Sync events in the notifier burst. */
  notifyBurst: number;
  /** Worker counts compared by the scaling scenario. */
  scalingWorkers: number[];
  /** Apps given drift by the self-heal scenario. */
  driftApps: number;
  /** Events appended to every app's stream before the steady scenario (the tail-read check). */
  priorEvents: number;
  /**
   * Periodic refresh of every app (REFRESH_INTERVAL_SECONDS; jitter is half of it). Berth's default, 120 s:
   * an app still Progressing when its sync ends is only looked at again by a refresh. 0 turns it off.
   */
  refreshIntervalSeconds: number;
  /** Periodic refresh interval during self-heal (Berth detects drift on refresh, it does not watch). */
  selfHealRefreshSeconds: number;
  /** Hard stop for any one wait, so a stuck run ends with a reason instead of hanging. */
  timeoutSeconds: number;
  /** Directory the JSON result goes to. */
  resultsDir: string;
  /** Sandbox time scale: 0.01 turns a simulated 2 s rollout into 20 ms. */
  timeScale: number;
  /** Jobs one worker process runs at once (WORKER_CONCURRENCY). */
  workerConcurrency: number;
  progress: boolean;
  /** When set, every Berth process runs with `--cpu-prof` and writes its V8 CPU profile here on exit. */
  profileDir: string | undefined;
}

export class BenchOptionsError extends Error {
  override readonly name = 'BenchOptionsError';
  readonly code = 'BenchOptionsInvalid';
}

export const USAGE = `usage: npm run bench -- [options]
  --apps N                 applications in the generated repo (default 100)
  --workers W              worker processes (default 2)
  --scenario S[,S...]      ${SCENARIOS.join(', ')} (default: all)
  --audit-events N         events in the audit database (default 1000000; 10000000 is opt-in)
  --notify-burst N         sync events in the notifier burst (default 1000)
  --scaling-workers A,B,C  worker counts for the scaling scenario (default 1,2,4)
  --drift-apps K           apps given drift in self-heal (default: 10% of apps, at least 1)
  --prior-events N         events appended to each app's stream before steady (default 0): a refresh
                           must cost the same whatever the stream's length
  --refresh-interval S     periodic refresh of every app, s (default 120 as Berth; 0 = off)
  --self-heal-refresh S    periodic refresh interval (s) during self-heal (default 10)
  --worker-concurrency C   jobs per worker process (default 4)
  --time-scale F           sandbox rollout time scale (default 0.01)
  --timeout S              longest single wait before a scenario gives up (default 600)
  --results DIR            where the JSON goes (default bench/results)
  --profile DIR            CPU-profile every Berth process (node --cpu-prof) into DIR
  --no-progress            no progress bar (CI logs)`;

const DEFAULTS: BenchOptions = {
  apps: 100,
  workers: 2,
  scenarios: [...SCENARIOS],
  auditEvents: 1_000_000,
  notifyBurst: 1000,
  scalingWorkers: [1, 2, 4],
  driftApps: 0,
  priorEvents: 0,
  refreshIntervalSeconds: 120,
  selfHealRefreshSeconds: 10,
  timeoutSeconds: 600,
  resultsDir: 'bench/results',
  timeScale: 0.01,
  workerConcurrency: 4,
  progress: true,
  profileDir: undefined,
};

/** Parses `--flag value` / `--flag=value` arguments; unknown flags and bad values throw with the fix. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS, scenarios: [...DEFAULTS.scenarios] };
  let driftGiven = false;
  const args = argv.flatMap((a) => (a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s, 2) : [a]));
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--no-progress') {
      options.progress = false;
      continue;
    }
    const value = args[i + 1];
    if (!flag.startsWith('--') || value === undefined || value.startsWith('--')) {
      throw new BenchOptionsError(
        flag.startsWith('--') ? `${flag} needs a value\n${USAGE}` : `unexpected argument "${flag}"\n${USAGE}`,
      );
    }
    i++;
    const int = (min: number, max = Number.MAX_SAFE_INTEGER) => {
      const n = Number(value.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < min || n > max)
        throw new BenchOptionsError(`${flag} "${value}" must be a whole number from ${min} to ${max}`);
      return n;
    };
    switch (flag) {
      case '--apps':
        options.apps = int(1, 100_000);
        break;
      case '--workers':
        options.workers = int(1, 64);
        break;
      case '--scenario':
      case '--scenarios':
        options.scenarios = parseScenarios(value);
        break;
      case '--audit-events':
        options.auditEvents = int(1000, 100_000_000);
        break;
      case '--notify-burst':
        options.notifyBurst = int(1, 100_000);
        break;
      case '--scaling-workers':
        options.scalingWorkers = value.split(',').map((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1 || n > 64)
            throw new BenchOptionsError(
              `--scaling-workers "${value}": each entry must be 1 to 64, e.g. 1,2,4`,
            );
          return n;
        });
        break;
      case '--prior-events':
        options.priorEvents = int(0, 100_000);
        break;
      case '--drift-apps':
        options.driftApps = int(1);
        driftGiven = true;
        break;
      case '--refresh-interval':
        options.refreshIntervalSeconds = int(0, 3600);
        break;
      case '--self-heal-refresh':
        options.selfHealRefreshSeconds = int(1, 3600);
        break;
      case '--worker-concurrency':
        options.workerConcurrency = int(1, 256);
        break;
      case '--time-scale': {
        const f = Number(value);
        if (!(f > 0 && f <= 10))
          throw new BenchOptionsError(`--time-scale "${value}" must be a number above 0 and at most 10`);
        options.timeScale = f;
        break;
      }
      case '--timeout':
        options.timeoutSeconds = int(5, 24 * 3600);
        break;
      case '--results':
        options.resultsDir = value;
        break;
      case '--profile':
        options.profileDir = value;
        break;
      default:
        throw new BenchOptionsError(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (!driftGiven) options.driftApps = Math.max(1, Math.round(options.apps / 10));
  options.driftApps = Math.min(options.driftApps, options.apps);
  return options;
}

function parseScenarios(value: string): ScenarioName[] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new BenchOptionsError(
        `--scenario "${name}" is not a scenario; choose from ${SCENARIOS.join(', ')}`,
      );
  }
  return SCENARIOS.filter((s) => names.includes(s));
}
