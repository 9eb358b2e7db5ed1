import { expect } from '@jest/globals';
import { eventually, StopWaiting } from '@berth/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../libs/sources/src/testing/free-port';
import { REPO_ROOT } from './built-entrypoints';

/** One `node dist/apps/worker/src/main.js` child: its output kept for failure messages. */
export class WorkerProcess {
  private output = '';
  private exitInfo: string | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => {
      this.exitInfo = signal ?? `exit ${code}`;
    });
  }

  static async start(name: string, env: Record<string, string>): Promise<WorkerProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, WORKER_PORT: String(port), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(name, port, child);
    try {
      await eventually(
        async () => {
          if (worker.exitInfo)
            throw new StopWaiting(`${name} exited during start (${worker.exitInfo}):\n${worker.log()}`);
          // /healthz answers from the first moment (alive while it waits for Postgres); /readyz once it runs.
          const answer = await fetch(`${worker.url}/readyz`).then(
            (r) => `${r.status}`,
            (error: Error) => error.message,
          );
          expect(answer).toBe('200');
        },
        { timeout: 30_000, interval: 100, what: `${name} to be ready (/readyz)` },
      );
    } catch (error) {
      worker.kill();
      if (error instanceof Error && !(error instanceof StopWaiting)) error.message += `\n${worker.log()}`;
      throw error;
    }
    return worker;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process id: events a worker appends name it in `metadata.source` (`worker:<host>:<pid>`). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): string | undefined {
    return this.exitInfo;
  }

  log(): string {
    return this.output.split('\n').slice(-30).join('\n');
  }

  /** `berth_job_duration_seconds_count` for one queue: how many jobs this process finished. */
  async jobsDone(queue: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith('berth_job_duration_seconds_count{')) continue;
      if (!line.includes(`queue="${queue}"`)) continue;
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return total;
  }

  /** SIGTERM (the worker drains), SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exitInfo) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }

  kill(): void {
    if (!this.exitInfo) this.child.kill('SIGKILL');
  }
}
