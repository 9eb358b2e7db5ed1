// Starts Berth's processes as children, keeps their output in log files, and stops them all on
// exit or Ctrl-C. A child that dies while the demo runs fails the demo with the tail of its log.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DemoError, waitFor } from './demo-error.mjs';

/** A free TCP port on 127.0.0.1 (the OS picks; the tiny race before the child binds is acceptable here). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

export class ProcessSupervisor {
  /** @param {{ cwd: string, logDir: string }} options */
  constructor(options) {
    this.cwd = options.cwd;
    this.logDir = options.logDir;
    /** @type {Map<string, { child: import('node:child_process').ChildProcess, logFile: string, output: string, exited: boolean }>} */
    this.children = new Map();
    this.stopping = false;
    /** @type {(name: string, code: number | null, signal: string | null) => void} */
    this.onUnexpectedExit = () => undefined;
  }

  /**
   * @param {string} name
   * @param {string} script path relative to the checkout
   * @param {Record<string, string>} env added to the demo's environment
   */
  start(name, script, env) {
    const logFile = join(this.logDir, `${name}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, [script], {
      cwd: this.cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a Ctrl-C in the terminal reaches only the demo, which then stops the
      // children in order (workers drain first) instead of all of them dying at once.
      detached: true,
    });
    const entry = { child, logFile, output: '', exited: false };
    const keep = (chunk) => {
      log.write(chunk);
      // Only the start of the output is kept in memory: enough to see "listening on ...".
      if (entry.output.length < 64_000) entry.output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('exit', (code, signal) => {
      entry.exited = true;
      log.end();
      if (!this.stopping) this.onUnexpectedExit(name, code, signal);
    });
    this.children.set(name, entry);
    return entry;
  }

  /** Waits until the child's output matches `pattern`; fails early if the child exits. */
  async waitForOutput(name, pattern, timeoutMs = 30_000) {
    const entry = this.children.get(name);
    if (!entry) throw new Error(`no child named ${name}`);
    return waitFor(
      `${name} to start (output matching ${pattern})`,
      async () => {
        if (entry.exited) {
          throw new DemoError('ProcessExited', `${name} exited during start:\n${await this.tail(name)}`);
        }
        return pattern.exec(entry.output) ?? undefined;
      },
      { timeoutMs, intervalMs: 100, lastState: () => this.tail(name) },
    ).catch((error) => {
      if (error instanceof DemoError && error.code === 'Timeout' && entry.exited) {
        throw new DemoError('ProcessExited', `${name} exited during start; see ${entry.logFile}`);
      }
      throw error;
    });
  }

  /** Waits for an HTTP endpoint of a child to answer 200. */
  async waitForHttp(name, url, timeoutMs = 30_000) {
    const entry = this.children.get(name);
    return waitFor(
      `${name} to answer ${url}`,
      async () => {
        if (entry?.exited) throw new DemoError('ProcessExited', `${name} exited: see ${entry.logFile}`);
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        return res.ok;
      },
      { timeoutMs, intervalMs: 200, lastState: () => this.tail(name) },
    );
  }

  /** The last lines of a child's log, for error messages. */
  async tail(name, lines = 15) {
    const entry = this.children.get(name);
    if (!entry) return '';
    const text = await readFile(entry.logFile, 'utf8').catch(() => entry.output);
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /**
   * SIGTERM to every child (each drains its queue workers), SIGKILL after `graceMs`.
   * Stops in reverse start order so workers finish before the sandbox goes away.
   */
  async stopAll(graceMs = 5000) {
    this.stopping = true;
    const entries = [...this.children.values()].reverse();
    await Promise.all(
      entries.map(
        (entry) =>
          new Promise((resolve) => {
            if (entry.exited) return resolve(undefined);
            const timer = setTimeout(() => entry.child.kill('SIGKILL'), graceMs);
            entry.child.once('exit', () => {
              clearTimeout(timer);
              resolve(undefined);
            });
            entry.child.kill('SIGTERM');
          }),
      ),
    );
  }

  /** Last resort on process exit: synchronous, so it also works from an 'exit' handler. */
  killAllNow() {
    for (const entry of this.children.values()) if (!entry.exited) entry.child.kill('SIGKILL');
  }
}
