import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { benchLogin, resetBenchAdminPassword } from './bench-database';
import { ManagedProcess } from './managed-process';
import { freePort } from '@berth/sources/testing/free-port';

export class BenchStackError extends Error {
  override readonly name = 'BenchStackError';
  constructor(
    readonly code: 'BuildMissing' | 'SandboxNotReady',
    message: string,
  ) {
    super(message);
  }
}

export interface BenchStackOptions {
  /** The checkout root (holds dist/ and .tools/). */
  root: string;
  /** Scratch directory of this run: logs, kubeconfig, git data. */
  workDir: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  workerConcurrency: number;
  timeScale: number;
  /** REFRESH_INTERVAL_SECONDS of the scheduler (0 = no periodic refresh); jitter is half of it. */
  refreshIntervalSeconds: number;
  /** Directory for `node --cpu-prof` profiles of every process; undefined = no profiling. */
  profileDir?: string;
}

const entry = (root: string, app: string) => join(root, 'dist', 'apps', app, 'src', 'main.js');

/** Fails with how to fix it when `npm run build` has not produced the apps the bench starts. */
export function assertBuilt(root: string, apps: readonly string[]): void {
  const missing = apps.filter((a) => !existsSync(entry(root, a)));
  if (missing.length > 0)
    throw new BenchStackError(
      'BuildMissing',
      `${missing.map((a) => `dist/apps/${a}/src/main.js`).join(', ')} not found: run \`npm run build\` first`,
    );
}

/**
 * Berth as separate processes, the way it is deployed: a sandbox cluster, one scheduler, W workers
 * and (when asked) a notifier, all sharing one database and one queue prefix.
 */
export class BenchStack {
  sandbox: ManagedProcess | undefined;
  scheduler: ManagedProcess | undefined;
  notifier: ManagedProcess | undefined;
  readonly workers: ManagedProcess[] = [];
  kubeconfigPath = '';
  sandboxUrl = '';
  schedulerUrl = '';
  /** The admin's session token at the scheduler (the bench logs in like any user of the API). */
  schedulerToken = '';
  private adminPassword: string | undefined;
  private workerSeq = 0;

  constructor(readonly options: BenchStackOptions) {}

  private baseEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.options.databaseUrl,
      REDIS_URL: this.options.redisUrl,
      BERTH_QUEUE_PREFIX: this.options.queuePrefix,
      BERTH_ALLOW_FILE_REPOS: 'true',
      WORKER_CONCURRENCY: String(this.options.workerConcurrency),
      REFRESH_INTERVAL_SECONDS: String(this.options.refreshIntervalSeconds),
      REFRESH_JITTER_SECONDS: String(Math.floor(this.options.refreshIntervalSeconds / 2)),
      LOG_LEVEL: 'warn',
      KUBECONFIG: this.kubeconfigPath,
      ...extra,
    };
  }

  private start(label: string, app: string, env: Record<string, string>): ManagedProcess {
    return ManagedProcess.start({
      label,
      script: entry(this.options.root, app),
      env,
      logFile: join(this.options.workDir, `${label}.log`),
      cwd: this.options.root,
      ...(this.options.profileDir
        ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(this.options.profileDir, label)}`] }
        : {}),
    });
  }

  async startSandbox(): Promise<void> {
    await mkdir(this.options.workDir, { recursive: true });
    const port = await freePort();
    this.kubeconfigPath = join(this.options.workDir, 'sandbox.kubeconfig');
    this.sandboxUrl = `http://127.0.0.1:${port}`;
    this.sandbox = this.start('sandbox', 'sandbox', {
      SANDBOX_PORT: String(port),
      SANDBOX_KUBECONFIG: this.kubeconfigPath,
      SANDBOX_STATE: '',
      SANDBOX_TIME_SCALE: String(this.options.timeScale),
    });
    await this.sandbox.waitForHttp(`${this.sandboxUrl}/readyz`, 30_000);
    // The kubeconfig is written right after the server listens.
    for (let i = 0; i < 50 && !existsSync(this.kubeconfigPath); i++)
      await new Promise((r) => setTimeout(r, 100));
    if (!existsSync(this.kubeconfigPath))
      throw new BenchStackError(
        'SandboxNotReady',
        `sandbox wrote no kubeconfig; see ${this.sandbox.logFile}`,
      );
  }

  /** Starts (or restarts, with new settings) the scheduler. */
  async startScheduler(extraEnv: Record<string, string> = {}): Promise<void> {
    await this.scheduler?.stop();
    const port = await freePort();
    this.schedulerUrl = `http://127.0.0.1:${port}`;
    this.scheduler = this.start(
      'scheduler',
      'scheduler',
      this.baseEnv({ SCHEDULER_PORT: String(port), ...extraEnv }),
    );
    await this.scheduler.waitForHttp(`${this.schedulerUrl}/readyz`, 60_000);
    this.adminPassword ??= await resetBenchAdminPassword(this.options.databaseUrl);
    this.schedulerToken = await benchLogin(this.schedulerUrl, this.adminPassword);
  }

  /** Brings the number of worker processes to `count` (stopping or starting some). */
  async scaleWorkers(count: number): Promise<void> {
    while (this.workers.length > count) await this.workers.pop()?.stop();
    const started: Array<{ worker: ManagedProcess; port: number }> = [];
    while (this.workers.length < count) {
      const port = await freePort();
      const label = `worker-${++this.workerSeq}`;
      const worker = this.start(
        label,
        'worker',
        this.baseEnv({
          WORKER_PORT: String(port),
          // One data dir per worker, as each pod has its own disk: git mirrors are not shared.
          BERTH_DATA_DIR: join(this.options.workDir, `data-${label}`),
        }),
      );
      this.workers.push(worker);
      started.push({ worker, port });
    }
    await Promise.all(
      started.map(({ worker, port }) => worker.waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000)),
    );
  }

  /** A scheduler on another database (the audit scenario's filled log); the caller stops it. */
  async startSchedulerOn(
    label: string,
    databaseUrl: string,
  ): Promise<{ process: ManagedProcess; url: string; token: string }> {
    const port = await freePort();
    const proc = this.start(
      label,
      'scheduler',
      this.baseEnv({ DATABASE_URL: databaseUrl, SCHEDULER_PORT: String(port) }),
    );
    const url = `http://127.0.0.1:${port}`;
    await proc.waitForHttp(`${url}/readyz`, 60_000);
    const token = await benchLogin(url, await resetBenchAdminPassword(databaseUrl));
    return { process: proc, url, token };
  }

  async startNotifier(configFile: string, env: Record<string, string>): Promise<void> {
    const port = await freePort();
    this.notifier = this.start(
      'notifier',
      'notifier',
      this.baseEnv({ NOTIFIER_PORT: String(port), NOTIFICATIONS_CONFIG: configFile, ...env }),
    );
    await this.notifier.waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000);
  }

  async stopNotifier(): Promise<void> {
    await this.notifier?.stop();
    this.notifier = undefined;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.stop()));
    await this.notifier?.stop();
    await this.scheduler?.stop();
    await this.sandbox?.stop();
  }
}
