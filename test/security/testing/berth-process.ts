import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from '../../e2e/built-entrypoints';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  afterMs: number;
}

/**
 * One compiled Berth process (`node dist/...` or a script) started as users start it, with its
 * stdout and stderr kept apart: the startup-failure tests count stderr lines.
 */
export class BerthProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private readonly startedAt = Date.now();

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exit = { code, signal, afterMs: Date.now() - this.startedAt };
        resolve(this.exit);
      }),
    );
  }

  /** `entry` relative to the checkout (e.g. dist/apps/worker/src/main.js); `env` on top of a clean base. */
  static start(entry: string, env: Record<string, string>, args: readonly string[] = []): BerthProcess {
    const child = spawn(process.execPath, [entry, ...args], {
      cwd: REPO_ROOT,
      // Only what a process needs: a developer's DATABASE_URL or REDIS_URL must not leak into a case.
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BerthProcess(child);
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Waits for the exit, killing the process (SIGKILL) if it has not exited within `timeoutMs`. */
  async exitWithin(timeoutMs: number): Promise<Exit> {
    const timer = setTimeout(() => this.kill(), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** SIGTERM, as a supervisor stops a process; `exitWithin` tells how it ended. */
  terminate(): void {
    if (this.running) this.child.kill('SIGTERM');
  }

  /** The non-empty lines written to stderr. */
  stderrLines(): string[] {
    return this.stderr.split('\n').filter((line) => line.trim() !== '');
  }

  output(): string {
    return `--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`;
  }
}

/**
 * GET with a deadline: the status and JSON body, and how long the answer took (AbortError past the deadline).
 * `token`: the bearer token the API needs (health endpoints need none).
 */
export async function getWithin(
  url: string,
  timeoutMs: number,
  token?: string,
): Promise<{ status: number; body: unknown; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, ms: Date.now() - started };
}

/** A request with a body and a deadline, as `token` (a bearer token); same answer shape as getWithin. */
export async function sendWithin(
  method: 'POST' | 'PUT' | 'DELETE',
  url: string,
  body: string | undefined,
  timeoutMs: number,
  token?: string,
): Promise<{ status: number; body: unknown; ms: number; retryAfter: string | null }> {
  const started = Date.now();
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : undefined,
    ms: Date.now() - started,
    retryAfter: res.headers.get('retry-after'),
  };
}
