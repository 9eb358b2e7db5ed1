import { expect } from '@jest/globals';
import { Authentication } from '@berth/auth';
import { loadConfig } from '@berth/infra';
import {
  eventually,
  login,
  provisionTestAdmin,
  StopWaiting,
  TEST_ADMIN_PASSWORD,
  testAdminToken,
} from '@berth/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../libs/event-store/src/testing/test-database';
import { freePort } from '../../libs/sources/src/testing/free-port';
import { assertBuilt, REPO_ROOT } from '../e2e/built-entrypoints';

const ENTRYPOINTS = {
  scheduler: { file: 'dist/apps/scheduler/src/main.js', portVariable: 'SCHEDULER_PORT' },
  notifier: { file: 'dist/apps/notifier/src/main.js', portVariable: 'NOTIFIER_PORT' },
} as const;

/**
 * A compiled Berth process (`npm run build` output) on its own database and queue prefix, with all
 * of its output kept: security tests read the log a process really writes, and see a crash as a
 * crash (an attack that kills the process must not kill the test runner).
 */
export class BerthProcess {
  private out = '';
  private exitInfo: string | undefined;
  private adminToken = '';

  private constructor(
    readonly name: keyof typeof ENTRYPOINTS,
    readonly port: number,
    readonly db: TestDatabase,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.out = (this.out + chunk.toString()).slice(-5_000_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => {
      this.exitInfo = signal ?? `exit ${code}`;
    });
  }

  /**
   * Starts `name` with LOG_LEVEL=debug (every log line it can write) plus `env`, its admin logged in as the
   * test admin (`provisionAdmin: false`: as at a real first start, the scheduler makes and prints its own).
   */
  static async start(
    name: keyof typeof ENTRYPOINTS,
    env: Record<string, string> = {},
    db?: TestDatabase,
    options: { provisionAdmin?: boolean } = {},
  ): Promise<BerthProcess> {
    const entry = ENTRYPOINTS[name];
    assertBuilt([entry.file]);
    const database = db ?? (await createTestDatabase('berth_security'));
    // Before the process starts: a scheduler that starts first makes a password of its own.
    const provision = options.provisionAdmin ?? true;
    if (provision) await provisionTestAdmin(database.dataSource);
    const port = await freePort();
    const child = spawn(process.execPath, [entry.file], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        BERTH_QUEUE_PREFIX: `berth-sec-${randomBytes(4).toString('hex')}`,
        REFRESH_INTERVAL_SECONDS: '0',
        LOG_LEVEL: 'debug',
        NO_COLOR: '1',
        ...env,
        [entry.portVariable]: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new BerthProcess(name, port, database, child);
    try {
      await eventually(
        async () => {
          if (proc.exitInfo)
            throw new StopWaiting(`${name} exited during start (${proc.exitInfo}):\n${proc.tail()}`);
          // /healthz answers from the first moment (alive while it waits for Postgres); /readyz once it runs.
          expect(await proc.ready()).toBe(true);
        },
        { timeout: 30_000, interval: 100, what: `${name} to be ready (/readyz)` },
      );
    } catch (error) {
      proc.kill();
      if (error instanceof Error && !(error instanceof StopWaiting)) error.message += `\n${proc.tail()}`;
      throw error;
    }
    if (provision) proc.adminToken = await adminTokenOf(proc, database);
    return proc;
  }

  /** The admin's session token, sent by `send` unless the request names its own Authorization. */
  get token(): string {
    return this.adminToken;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The operating system's process id (a notifier's `claimed_by` contains it). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get output(): string {
    return this.out;
  }

  /** `signal` or `exit N` once the process has ended. */
  get exited(): string | undefined {
    return this.exitInfo;
  }

  tail(lines = 40): string {
    return this.out.split('\n').slice(-lines).join('\n');
  }

  /** True when /readyz answers 200: started, with Postgres and Redis reachable. */
  async ready(): Promise<boolean> {
    return fetch(`${this.url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
  }

  /** True when /healthz answers 200. */
  async answers(): Promise<boolean> {
    return fetch(`${this.url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
  }

  /**
   * A request with a text body, as the admin (`authorization: ''` in `headers` sends none); the answer's
   * status and body text (status 0: no answer at all).
   */
  async send(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
    const own = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization');
    const authorization = own === undefined ? `Bearer ${this.adminToken}` : headers[own];
    const rest = Object.fromEntries(Object.entries(headers).filter(([h]) => h !== own));
    try {
      const res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...rest,
          ...(authorization ? { authorization } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      const text = await res.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON: callers look at text
      }
      return { status: res.status, text, json };
    } catch (error) {
      return { status: 0, text: String(error), json: {} };
    }
  }

  /** SIGTERM, SIGKILL after `graceMs`; then drops the database. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.exitInfo) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
        this.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        this.child.kill('SIGTERM');
      });
    }
  }

  kill(): void {
    if (!this.exitInfo) this.child.kill('SIGKILL');
  }
}

/**
 * A session token of the test admin for `proc`: a scheduler logs in over HTTP; another process (no login
 * endpoint) is given one made by the login code on the same database and signing key.
 */
async function adminTokenOf(proc: BerthProcess, db: TestDatabase): Promise<string> {
  if (proc.name === 'scheduler') return login(proc.url, 'admin', TEST_ADMIN_PASSWORD);
  const auth = await Authentication.open({
    config: loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error' }),
    dataSource: db.dataSource,
  });
  try {
    return await testAdminToken(auth, db.dataSource);
  } finally {
    await auth.close();
  }
}
