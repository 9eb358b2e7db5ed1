import { afterAll, describe, expect, it } from '@jest/globals';
import { testServerUrl } from '@berth/event-store/testing/test-database';
import { eventually, freeLoopbackPort, StopWaiting } from '@berth/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { REPO_ROOT } from '../e2e/built-entrypoints';
import { BerthCli, CLI_ENTRYPOINT } from './berth-cli';

// `berth server` is `npm start` (#17 item 1): the same supervisor, the same --workers; a SIGTERM sent to
// `berth` alone stops every process it started. npm-start.e2e-spec.ts covers the supervisor itself.
const DATABASE = `berth_cli_server_${randomBytes(3).toString('hex')}`;
const QUEUE_PREFIX = `berth-cli-server-${randomBytes(4).toString('hex')}`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('berth server', () => {
  let child: ChildProcess | undefined;
  let temp: string | undefined;
  let cli: BerthCli | undefined;
  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, 'SIGKILL');
    const admin = new Client({ connectionString: testServerUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
    if (temp) await rm(temp, { recursive: true, force: true });
    await cli?.close();
    const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  });

  it('runs the scheduler, one worker (--workers 1) and the notifier; berth logs in to it; SIGTERM to berth stops them all, exit 0', async () => {
    temp = await mkdtemp(join(tmpdir(), 'berth-cli-server-'));
    const [schedulerPort, workerPort, notifierPort, sandboxPort] = [
      await freeLoopbackPort(),
      await freeLoopbackPort(),
      await freeLoopbackPort(),
      await freeLoopbackPort(),
    ];
    const databaseUrl = new URL(testServerUrl());
    databaseUrl.pathname = `/${DATABASE}`;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !/^(KUBECONFIG|NOTIFICATIONS_CONFIG|BERTH_|SANDBOX_)/.test(k)) env[k] = v;
    Object.assign(env, {
      DATABASE_URL: databaseUrl.toString(),
      BERTH_QUEUE_PREFIX: QUEUE_PREFIX,
      BERTH_DATA_DIR: join(temp, 'data'),
      SCHEDULER_PORT: String(schedulerPort),
      WORKER_PORT: String(workerPort),
      NOTIFIER_PORT: String(notifierPort),
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_TIME_SCALE: '0.01',
      NO_COLOR: '1',
    });
    const proc = spawn(process.execPath, [CLI_ENTRYPOINT, 'server', '--workers', '1'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    await eventually(
      () => {
        if (proc.exitCode !== null)
          throw new StopWaiting(`berth server exited ${proc.exitCode}:\n${output.slice(-3000)}`);
        if (!/Berth is running/.test(output)) throw new Error('not yet');
      },
      { timeout: 90_000, interval: 100, what: `"Berth is running"; so far:\n${output.slice(-2000)}` },
    );
    const started = [
      ...output.matchAll(/^berth\s+\| (sandbox|scheduler|worker-\d|notifier)\s+(\d+)\s+http/gm),
    ];
    expect(started.map((m) => m[1]).sort()).toEqual(['notifier', 'sandbox', 'scheduler', 'worker-1']);
    const password = /admin password \(first start, shown this once\): (\S+)/.exec(output)?.[1];
    expect(password).toBeDefined();

    cli = await BerthCli.create();
    const login = await cli.run([
      'login',
      `http://127.0.0.1:${schedulerPort}`,
      '--username',
      'admin',
      '--password',
      password!,
    ]);
    expect(login).toMatchObject({ code: 0, stderr: '' });

    // A SIGTERM to the berth process alone (not its group): it passes it on and the supervisor stops all.
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/SIGTERM: stopping every process/);
    for (const m of started) expect(alive(Number(m[2]))).toBe(false);
  }, 150_000);
});
