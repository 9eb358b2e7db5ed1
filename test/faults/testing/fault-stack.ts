import { expect } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import {
  bugLines,
  eventually,
  freeLoopbackPort,
  login,
  type PrivatePostgres,
  provisionTestAdmin,
  type PrivateRedis,
  startPrivatePostgres,
  startPrivateRedis,
  StopWaiting,
  TEST_ADMIN_PASSWORD,
} from '@berth/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt } from '../../e2e/built-entrypoints';
import { BerthProcess } from '../../security/testing/berth-process';

export type BerthKind = 'scheduler' | 'worker' | 'notifier';

const ENTRY: Record<BerthKind, { file: string; portVariable: string }> = {
  scheduler: { file: 'dist/apps/scheduler/src/main.js', portVariable: 'SCHEDULER_PORT' },
  worker: { file: 'dist/apps/worker/src/main.js', portVariable: 'WORKER_PORT' },
  notifier: { file: 'dist/apps/notifier/src/main.js', portVariable: 'NOTIFIER_PORT' },
};

/** One compiled Berth process of a fault test, with its port. */
export class RunningBerth {
  private session: Promise<string> | undefined;

  constructor(
    readonly kind: BerthKind,
    readonly port: number,
    readonly process: BerthProcess,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** GET /readyz with a 2 s deadline: the status, the dependencies reported down, and how long it took. */
  async readyz(): Promise<{ status: number; down: Record<string, string>; ms: number }> {
    const started = Date.now();
    const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { error?: Record<string, { message?: string }> };
    const down = Object.fromEntries(Object.entries(body.error ?? {}).map(([k, v]) => [k, v.message ?? '']));
    return { status: res.status, down, ms: Date.now() - started };
  }

  /**
   * The admin's session token at this scheduler, logged in on first use (the stack provisioned the
   * password); log in before taking Postgres away, a login needs it.
   */
  token(): Promise<string> {
    this.session ??= login(this.url, 'admin', TEST_ADMIN_PASSWORD);
    return this.session;
  }

  /** True when /healthz answers 200 (the process is alive). */
  async alive(): Promise<boolean> {
    return fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
  }

  /** Waits until /readyz answers 200 (the process exiting ends the wait at once); returns how long it took. */
  async awaitReady(timeoutMs = 20_000): Promise<number> {
    const started = Date.now();
    await eventually(
      async () => {
        if (!this.process.running) throw new StopWaiting(`${this.kind} exited:\n${this.process.output()}`);
        expect((await this.readyz().catch((e: Error) => ({ status: e.message }))).status).toBe(200);
      },
      { timeout: timeoutMs, interval: 100, what: `${this.kind} on :${this.port} to be ready` },
    );
    return Date.now() - started;
  }
}

/**
 * What every fault test needs: a private Postgres (with a migrated database) and a private Redis
 * that the test may stop, restart and kill, a data dir, and the compiled Berth processes it starts
 * on them. `close()` kills the processes and removes everything.
 */
export class FaultStack {
  readonly processes: RunningBerth[] = [];

  private constructor(
    readonly pg: PrivatePostgres,
    readonly redis: PrivateRedis,
    readonly db: TestDatabase,
    readonly prefix: string,
    private readonly dataDir: string,
  ) {}

  static async start(name: string): Promise<FaultStack> {
    assertBuilt(Object.values(ENTRY).map((e) => e.file));
    const [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    const db = await createTestDatabase(`berth_${name.replace(/\W/g, '_')}`, pg.url());
    await provisionTestAdmin(db.dataSource);
    const dataDir = await mkdtemp(join(tmpdir(), `berth-faults-${name}-`));
    return new FaultStack(pg, redis, db, `berth-faults-${randomBytes(4).toString('hex')}`, dataDir);
  }

  /** The settings every process of the stack gets (then `env` on top). */
  env(env: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.db.url,
      REDIS_URL: this.redis.url(),
      BERTH_QUEUE_PREFIX: this.prefix,
      BERTH_DATA_DIR: join(this.dataDir, `data-${randomBytes(3).toString('hex')}`),
      BERTH_ALLOW_FILE_REPOS: 'true',
      REFRESH_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'warn',
      ...env,
    };
  }

  /** Starts a compiled process and waits until /healthz answers (alive; not necessarily ready). */
  async startProcess(kind: BerthKind, env: Record<string, string> = {}): Promise<RunningBerth> {
    const port = await freeLoopbackPort();
    const proc = BerthProcess.start(ENTRY[kind].file, {
      ...this.env(env),
      [ENTRY[kind].portVariable]: String(port),
    });
    const running = new RunningBerth(kind, port, proc);
    this.processes.push(running);
    await eventually(
      async () => {
        if (!proc.running) throw new StopWaiting(`${kind} exited during start:\n${proc.output()}`);
        expect(await running.alive()).toBe(true);
      },
      { timeout: 30_000, interval: 100, what: `${kind} to answer /healthz` },
    );
    return running;
  }

  /** Every process is still running and none wrote a bug line (unhandled rejection, 'error' event ...). */
  expectNoProcessDiedOrBugged(): void {
    for (const p of this.processes) {
      const context = `${p.kind} on :${p.port}\n${p.process.output().slice(-4_000)}`;
      expect({ context, running: p.process.running }).toEqual({ context, running: true });
      expect({ context, bugs: bugLines(p.process.stdout + p.process.stderr) }).toEqual({ context, bugs: [] });
    }
  }

  async close(): Promise<void> {
    for (const p of this.processes) p.process.kill();
    await Promise.all(this.processes.map((p) => p.process.exited));
    await this.db.dataSource.destroy().catch(() => undefined);
    await Promise.all([this.pg.destroy(), this.redis.destroy()]);
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** An Application manifest whose source is a repository that does not exist: each refresh ends at once in a ComparisonError. */
export function unreachableRepoApp(name: string): string {
  return JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: `file:///nonexistent/berth-faults/${name}.git`, targetRevision: 'main', path: '.' },
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
    },
  });
}
