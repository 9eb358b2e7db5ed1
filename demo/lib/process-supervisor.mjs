// Starts Berth's processes as children, keeps their output in log files, and stops them all on
// exit or Ctrl-C. Shared by `npm run demo` (a child that dies fails the demo with the tail of its
// log) and `npm start` (each output line echoed with the child's name; a child that dies is
// started again after a backoff).
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

/** First restart after 1 s, doubling to 30 s; a child that stayed up a minute starts again at 1 s. */
export const RESTART_BACKOFF = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/**
 * The delay before the next restart of a child. Pure, so it is unit-tested.
 * @param {number} previousDelayMs 0 when the child has not been restarted yet
 * @param {number} upForMs how long the child ran before it exited
 */
export function nextRestartDelay(previousDelayMs, upForMs, backoff = RESTART_BACKOFF) {
  if (previousDelayMs === 0 || upForMs >= backoff.resetAfterMs) return backoff.initialMs;
  return Math.min(previousDelayMs * 2, backoff.maxMs);
}

/**
 * @typedef {{
 *   cwd: string,
 *   logDir: string,
 *   echo?: (name: string, line: string) => void,
 *   restart?: boolean,
 * }} SupervisorOptions
 * `echo`: called with every complete output line of every child (npm start prints them prefixed).
 * `restart`: start a child again, with backoff, when it exits while not stopping (npm start);
 * without it, onUnexpectedExit alone is told (the demo fails).
 */

export class ProcessSupervisor {
  /** @param {SupervisorOptions} options */
  constructor(options) {
    this.cwd = options.cwd;
    this.logDir = options.logDir;
    this.echo = options.echo;
    this.restart = options.restart ?? false;
    /** @type {Map<string, { child: import('node:child_process').ChildProcess, logFile: string, output: string, exited: boolean, startedAt: number, restartDelayMs: number, script: string, env: Record<string, string>, spawnEnv: Record<string, string | undefined> }>} */
    this.children = new Map();
    /** @type {Set<NodeJS.Timeout>} */
    this.pendingRestarts = new Set();
    this.stopping = false;
    /** @type {(name: string, code: number | null, signal: string | null) => void} */
    this.onUnexpectedExit = () => undefined;
    /** @type {(name: string, code: number | null, signal: string | null, delayMs: number) => void} */
    this.onRestart = () => undefined;
    /** @type {(name: string, pid: number | undefined) => void} */
    this.onRestarted = () => undefined;
  }

  /**
   * @param {string} name
   * @param {string} script path relative to the checkout
   * @param {Record<string, string>} env added to the demo's environment
   */
  start(name, script, env, restartDelayMs = 0) {
    const logFile = join(this.logDir, `${name}.log`);
    // Appended: a restarted child's log follows the one that died.
    const log = createWriteStream(logFile, { flags: restartDelayMs > 0 ? 'a' : 'w' });
    const spawnEnv = { ...process.env, ...env };
    const child = spawn(process.execPath, [script], {
      cwd: this.cwd,
      env: spawnEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a Ctrl-C in the terminal reaches only the demo, which then stops the
      // children in order (workers drain first) instead of all of them dying at once.
      detached: true,
    });
    const entry = {
      child,
      logFile,
      output: '',
      exited: false,
      startedAt: Date.now(),
      restartDelayMs,
      script,
      env,
      // The whole environment the child got, so the demo can show which settings its processes run with.
      spawnEnv,
    };
    const keep = (partial) => (chunk) => {
      log.write(chunk);
      // Only the start of the output is kept in memory: enough to see "listening on ...".
      if (entry.output.length < 64_000) entry.output += chunk.toString();
      if (this.echo) {
        const lines = (partial.text + chunk.toString()).split('\n');
        partial.text = lines.pop() ?? '';
        for (const line of lines) this.echo(name, line);
      }
    };
    const stdoutPartial = { text: '' };
    const stderrPartial = { text: '' };
    child.stdout.on('data', keep(stdoutPartial));
    child.stderr.on('data', keep(stderrPartial));
    child.on('exit', (code, signal) => {
      entry.exited = true;
      log.end();
      for (const partial of [stdoutPartial, stderrPartial]) {
        if (this.echo && partial.text) this.echo(name, partial.text);
      }
      if (this.stopping) return;
      this.onUnexpectedExit(name, code, signal);
      if (this.restart) this.scheduleRestart(name, entry, code, signal);
    });
    this.children.set(name, entry);
    return entry;
  }

  /** @private */
  scheduleRestart(name, entry, code, signal) {
    const delayMs = nextRestartDelay(entry.restartDelayMs, Date.now() - entry.startedAt);
    this.onRestart(name, code, signal, delayMs);
    const timer = setTimeout(() => {
      this.pendingRestarts.delete(timer);
      if (this.stopping) return;
      const next = this.start(name, entry.script, entry.env, delayMs);
      this.onRestarted(name, next.child.pid);
    }, delayMs);
    this.pendingRestarts.add(timer);
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
    for (const timer of this.pendingRestarts) clearTimeout(timer);
    this.pendingRestarts.clear();
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
