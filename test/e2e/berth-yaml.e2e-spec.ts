import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { freePort } from '@berth/sources/testing/free-port';
import { eventually } from '@berth/testing';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthProcess } from '../security/testing/berth-process';
import { assertBuilt } from './built-entrypoints';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const ENTRY = {
  scheduler: 'dist/apps/scheduler/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
  notifier: 'dist/apps/notifier/src/main.js',
} as const;

/** The compiled processes read berth.yaml (--config, BERTH_SERVER_CONFIG) under the environment, as an operator runs them. */
describe('berth.yaml on the compiled processes', () => {
  let db: TestDatabase;
  let dir: string;
  const running: BerthProcess[] = [];

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    await chmod(path, 0o600);
    return path;
  };

  beforeAll(async () => {
    assertBuilt(Object.values(ENTRY));
    dir = await mkdtemp(join(tmpdir(), 'berth-yaml-'));
    db = await createTestDatabase('berth_yaml');
  });
  afterAll(async () => {
    for (const proc of running) proc.kill();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(ENTRY))(
    '%s --help prints its settings from the schema and exits 0',
    async (name, entry) => {
      const proc = BerthProcess.start(entry, {}, ['--help']);
      const exit = await proc.exitWithin(15_000);
      expect({ code: exit.code, stderr: proc.stderr }).toEqual({ code: 0, stderr: '' });
      expect(proc.stdout).toContain(`Usage: node ${entry} [--config FILE] [--help]`);
      expect(proc.stdout).toContain('DATABASE_URL  (berth.yaml database.url;');
      expect(proc.stdout).toContain(`${name.toUpperCase()}_PORT  (berth.yaml ${name}.port;`);
    },
  );

  it('npm start --help prints its usage with --config and the settings it reads, and exits 0', async () => {
    const proc = BerthProcess.start('scripts/start.mjs', {}, ['--help']);
    const exit = await proc.exitWithin(15_000);
    expect({ code: exit.code, stderr: proc.stderr }).toEqual({ code: 0, stderr: '' });
    expect(proc.stdout).toContain('--config FILE');
    expect(proc.stdout).toContain('SCHEDULER_PORT  (berth.yaml scheduler.port; default 8080)');
    expect(proc.stdout).not.toContain('WORKER_CONCURRENCY');
  });

  it('the scheduler listens on the port the file sets; a variable that is set wins over the file', async () => {
    const [fromFile, fromEnv] = [await freePort(), await freePort()];
    const config = await file(
      'berth.yaml',
      [
        'database:',
        `  url: ${db.url}`,
        'redis:',
        `  url: ${REDIS_URL}`,
        `  queuePrefix: berth-yaml-${randomBytes(4).toString('hex')}`,
        'scheduler:',
        `  port: ${fromFile}`,
        'log:',
        '  level: warn',
      ].join('\n'),
    );
    const scheduler = BerthProcess.start(ENTRY.scheduler, {}, ['--config', config]);
    running.push(scheduler);
    await eventually(
      async () => {
        expect(scheduler.running).toBe(true);
        const answer = await fetch(`http://127.0.0.1:${fromFile}/readyz`);
        expect(answer.status).toBe(200);
      },
      { timeout: 30_000, interval: 200, what: 'the scheduler to answer on its port' },
    );
    scheduler.terminate();
    expect((await scheduler.exitWithin(15_000)).code).toBe(0);

    const overridden = BerthProcess.start(ENTRY.scheduler, {
      BERTH_SERVER_CONFIG: config,
      SCHEDULER_PORT: String(fromEnv),
    });
    running.push(overridden);
    await eventually(
      async () => {
        expect(overridden.running).toBe(true);
        expect((await fetch(`http://127.0.0.1:${fromEnv}/readyz`)).status).toBe(200);
      },
      { timeout: 30_000, interval: 200, what: 'the scheduler to answer on its port' },
    );
    overridden.terminate();
    expect((await overridden.exitWithin(15_000)).code).toBe(0);
  }, 90_000);

  it('an unknown key or a bad secret stops the start with readable lines naming the file and the key, no value, no stack', async () => {
    const config = await file(
      'bad.yaml',
      ['scheduler:', '  prot: 8080', 'server:', '  secretKey: hunter2-is-not-a-key'].join('\n'),
    );
    const proc = BerthProcess.start(ENTRY.worker, {}, ['--config', config]);
    const exit = await proc.exitWithin(15_000);
    expect(exit.code).toBe(1);
    expect(proc.stderrLines()).toEqual([
      'invalid configuration:',
      `  - ${config}: unknown key scheduler.prot; did you mean scheduler.port? (every key is in berth.yaml.example)`,
      expect.stringMatching(
        new RegExp(`^  - ${config}: server\\.secretKey \\(BERTH_SERVER_SECRET_KEY\\): must be 32 bytes`),
      ),
    ]);
    expect(proc.output()).not.toContain('hunter2');
    expect(proc.output()).not.toMatch(/\n\s+at /);
  });
});
