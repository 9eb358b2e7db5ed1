import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import pidusage from 'pidusage';

export class ManagedProcessError extends Error {
  override readonly name = 'ManagedProcessError';
  constructor(
    readonly code: 'ProcessExited' | 'ProcessNotReady',
    message: string,
  ) {
    super(message);
  }
}

export interface ManagedProcessOptions {
  /** Shown in errors and the summary: `scheduler`, `worker-1` ... */
  label: string;
  /** Script run with this Node binary, e.g. `dist/apps/worker/src/main.js`. */
  script: string;
  env: Record<string, string>;
  /** stdout and stderr go here, so a failed run can be read afterwards. */
  logFile: string;
  cwd: string;
  /** Node flags before the script, e.g. `--cpu-prof` (NODE_OPTIONS refuses that one). */
  nodeArgs?: string[];
}

/** One Berth process the harness started: its CPU time and peak RSS are sampled while it runs. */
export class ManagedProcess {
  private peakRss = 0;
  private exitCode: number | null | undefined;
  private constructor(
    readonly label: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
    private readonly log: WriteStream,
  ) {
    child.once('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? -1 : null);
    });
  }

  static start(options: ManagedProcessOptions): ManagedProcess {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    return new ManagedProcess(options.label, options.logFile, child, log);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /** Polls `url` until it answers 2xx; fails fast when the process dies (its log says why). */
  async waitForHttp(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited)
        throw new ManagedProcessError(
          'ProcessExited',
          `${this.label} exited with code ${this.exitCode} before it was ready; see ${this.logFile}`,
        );
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new ManagedProcessError(
      'ProcessNotReady',
      `${this.label} did not answer ${url} within ${timeoutMs} ms; see ${this.logFile}`,
    );
  }

  /** Cumulative CPU seconds (user + system) and current RSS in bytes; updates the peak. */
  async sample(): Promise<{ cpuSeconds: number; rssBytes: number }> {
    if (this.exited) return { cpuSeconds: Number.NaN, rssBytes: 0 };
    const stat = await pidusage(this.pid);
    this.peakRss = Math.max(this.peakRss, stat.memory);
    return { cpuSeconds: stat.ctime / 1000, rssBytes: stat.memory };
  }

  get peakRssBytes(): number {
    return this.peakRss;
  }

  resetPeak(): void {
    this.peakRss = 0;
  }

  /** SIGTERM (graceful stop), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    pidusage.clear();
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
