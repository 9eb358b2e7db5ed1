import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { TEST_ADMIN_PASSWORD } from '@berth/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt } from '../e2e/built-entrypoints';
import { WorkerProcess } from '../e2e/worker-process';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { BerthCli, type CliRun, listen } from './berth-cli';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** What a CLI e2e runs `berth` against: a scheduler, a worker process, a Git repository and the sandbox. */
export interface CliStack {
  /** The test's temp dir (removed by stop). */
  root: string;
  sandbox: SandboxCluster;
  /** The sandbox's kubeconfig file, which the scheduler and the worker were given. */
  kubeconfig: string;
  /** `file://` repository holding the first commit. */
  repo: GitFixtureRepo;
  scheduler: TestScheduler;
  worker: WorkerProcess;
  /** Logged in as admin to the scheduler. */
  cli: BerthCli;
  /** Redis key prefix of this stack (BERTH_QUEUE_PREFIX). */
  prefix: string;
  redis: Redis;
  /** Runs the built `berth`; fails the test at once if the worker died meanwhile. */
  berth(...args: string[]): Promise<CliRun>;
  stop(): Promise<void>;
}

export interface CliStackOptions {
  /** Names the temp dir and the Redis prefix. */
  name: string;
  /** The repository's first commit. */
  files: Parameters<GitFixtureRepo['commit']>[0];
  /** Settings of the scheduler and the worker (REFRESH_INTERVAL_SECONDS ...). */
  env?: Record<string, string>;
}

/**
 * The built `berth` as a user runs it, against a real scheduler (in this process), a worker process, Git
 * and the sandbox cluster, logged in as admin. One per spec file: start in beforeAll, stop in afterAll.
 */
export async function startCliStack(options: CliStackOptions): Promise<CliStack> {
  assertBuilt(['dist/apps/worker/src/main.js']);
  const root = await mkdtemp(join(tmpdir(), `berth-cli-${options.name}-`));
  const prefix = `berth-cli-${options.name}-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(REDIS_URL);
  // Undone last to first by stop(), or at once when the start fails half-way.
  const started: Array<() => Promise<unknown>> = [
    () => rm(root, { recursive: true, force: true }),
    async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  ];
  const stop = async () => {
    for (const undo of started.splice(0).reverse()) await undo();
  };
  try {
    const sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    started.push(() => sandbox.close());
    const kubeconfig = join(root, 'kubeconfig');
    await sandbox.writeKubeconfig(kubeconfig);
    const repo = await GitFixtureRepo.create(root, 'apps');
    await repo.commit(options.files, 'first commit');
    const env = { REDIS_URL, BERTH_QUEUE_PREFIX: prefix, BERTH_ALLOW_FILE_REPOS: 'true', ...options.env };
    const scheduler = await startTestScheduler({
      ...env,
      BERTH_DATA_DIR: join(root, 'scheduler'),
      KUBECONFIG: kubeconfig,
    });
    started.push(() => scheduler.close());
    const worker = await WorkerProcess.start('worker', {
      ...env,
      DATABASE_URL: scheduler.db.url,
      KUBECONFIG: kubeconfig,
      BERTH_DATA_DIR: join(root, 'worker'),
      LOG_LEVEL: 'warn',
    });
    started.push(() => worker.stop());
    const url = await listen(scheduler.app);
    const cli = await BerthCli.create();
    started.push(() => cli.close());
    const login = await cli.run(['login', url, '--username', 'admin', '--password', TEST_ADMIN_PASSWORD]);
    if (login.code !== 0) throw new Error(`login: ${login.stderr}`);
    return {
      root,
      sandbox,
      kubeconfig,
      repo,
      scheduler,
      worker,
      cli,
      prefix,
      redis,
      async berth(...args: string[]) {
        const r = await cli.run(args, { timeoutMs: 90_000 });
        if (worker.exited) throw new Error(`the worker exited (${worker.exited}):\n${worker.log()}`);
        return r;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
