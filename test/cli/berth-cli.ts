import { spawn } from 'node:child_process';
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
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_ENTRYPOINT, ...args], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: this.home,
          BERTH_CONFIG: this.configFile,
          NO_COLOR: '1',
          ...options.env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
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
