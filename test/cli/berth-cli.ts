import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { assertBuilt, REPO_ROOT } from '../e2e/built-entrypoints';

export const CLI_ENTRYPOINT = 'dist/apps/cli/src/main.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** What it printed so far. */
  output(): CliRun;
  exited: Promise<CliRun>;
}

/**
 * The built `berth` as a child process, as a user runs it: not a TTY, its own config file (BERTH_CONFIG),
 * no colours. Each instance is one user's machine.
 */
export class BerthCli {
  private constructor(
    readonly home: string,
    readonly configFile: string,
  ) {}

  static async create(): Promise<BerthCli> {
    assertBuilt([CLI_ENTRYPOINT]);
    const home = await mkdtemp(join(tmpdir(), 'berth-cli-'));
    return new BerthCli(home, join(home, 'config', 'berth'));
  }

  run(
    args: string[],
    options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
  ): Promise<CliRun> {
    const running = this.start(args, options);
    running.child.stdin.end(options.input ?? '');
    return running.exited;
  }

  /** `run` for a command the test talks to while it runs: its output so far, and its end. */
  start(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): RunningCli {
    const child = spawn(process.execPath, [CLI_ENTRYPOINT, ...args], {
      cwd: REPO_ROOT,
      env: this.env(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const seen: CliRun = { code: null, stdout: '', stderr: '' };
    child.stdout.on('data', (c: Buffer) => (seen.stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (seen.stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    const exited = new Promise<CliRun>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ ...seen, code });
      });
    });
    return { child, output: () => seen, exited };
  }

  /**
   * `run` on a real terminal: util-linux `script` gives the CLI a pseudo-terminal (stdin, stdout and stderr
   * are TTYs), and each answer is typed once its prompt has appeared, as a person types. `transcript` is
   * everything the terminal showed, echo included: a secret typed must not be in it.
   */
  runInTerminal(
    args: string[],
    answers: Array<[prompt: RegExp, typed: string]>,
    options: { timeoutMs?: number } = {},
  ): Promise<{ code: number | null; transcript: string }> {
    const quoted = [process.execPath, CLI_ENTRYPOINT, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`);
    const child = spawn('script', ['-qfec', quoted.join(' '), '/dev/null'], {
      cwd: REPO_ROOT,
      env: { ...this.env(), TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let transcript = '';
    let next = 0;
    let seenUpTo = 0;
    const onOutput = (chunk: Buffer) => {
      transcript += chunk.toString();
      const answer = answers[next];
      if (!answer) return;
      const match = answer[0].exec(transcript.slice(seenUpTo));
      if (!match) return;
      seenUpTo += match.index + match[0].length;
      next++;
      child.stdin.write(`${answer[1]}\r`);
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, transcript });
      });
    });
  }

  /** The environment of a run: this user's home and config file, no colours. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: process.env['PATH'] ?? '',
      HOME: this.home,
      BERTH_CONFIG: this.configFile,
      NO_COLOR: '1',
      ...extra,
    };
  }

  async close(): Promise<void> {
    await rm(this.home, { recursive: true, force: true });
  }
}

/** Makes an initialised Nest app listen on a free loopback port: its base URL. */
export async function listen(app: NestExpressApplication): Promise<string> {
  const server = app.getHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
