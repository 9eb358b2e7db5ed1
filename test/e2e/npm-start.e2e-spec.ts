import { afterAll, describe, expect, it } from '@jest/globals';
import { testServerUrl } from '@berth/event-store/testing/test-database';
import { eventually, freeLoopbackPort, StopWaiting } from '@berth/testing';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { assertBuilt, REPO_ROOT } from './built-entrypoints';
import { metricsQueriedBy, metricsServed, sampleValue } from './dashboard-metrics';

const run = promisify(execFile);
const TIMEOUT_MS = 150_000;
const DATABASE = `berth_start_e2e_${randomBytes(3).toString('hex')}`;
const QUEUE_PREFIX = `berth-start-${randomBytes(4).toString('hex')}`;

/** Two consecutive free ports for the two workers (`npm start` gives them WORKER_PORT and the next one). */
async function twoFreePorts(): Promise<number> {
  for (;;) {
    const port = await freeLoopbackPort();
    if (port >= 65535) continue;
    const taken = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(true));
      probe.listen(port + 1, '127.0.0.1', () => probe.close(() => resolve(false)));
    });
    if (!taken) return port;
  }
}

/** `eventually` retries until its assertion stops throwing: a value or an error saying what is missing. */
function present<T>(value: T | undefined | null | false, what: string): T {
  if (!value) throw new Error(`not yet: ${what}`);
  return value;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  let child: ChildProcess | undefined;
  let temp: string | undefined;
  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, 'SIGKILL');
    const admin = new Client({ connectionString: testServerUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
    if (temp) await rm(temp, { recursive: true, force: true });
    // The queues and caches were this test's alone (shared Redis).
    const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  });

  it(
    'creates the database, starts the sandbox, scheduler, 2 workers and notifier; an app from a local repo syncs, as Argo CD metrics say; a killed worker comes back; SIGINT stops all, exit 0',
    async () => {
      assertBuilt(['dist/apps/scheduler/src/main.js', 'dist/apps/worker/src/main.js']);
      temp = await mkdtemp(join(tmpdir(), 'berth-start-e2e-'));
      const [schedulerPort, notifierPort, sandboxPort] = [
        await freeLoopbackPort(),
        await freeLoopbackPort(),
        await freeLoopbackPort(),
      ];
      const workerPort = await twoFreePorts();
      const databaseUrl = new URL(testServerUrl());
      databaseUrl.pathname = `/${DATABASE}`;
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) {
        // A fresh machine: no kubeconfig, no notifications config, no settings from the test run.
        if (v !== undefined && !/^(KUBECONFIG|NOTIFICATIONS_CONFIG|BERTH_|SANDBOX_)/.test(k)) env[k] = v;
      }
      Object.assign(env, {
        DATABASE_URL: databaseUrl.toString(),
        BERTH_DATA_DIR: join(temp, 'data'),
        SCHEDULER_PORT: String(schedulerPort),
        WORKER_PORT: String(workerPort),
        NOTIFIER_PORT: String(notifierPort),
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_TIME_SCALE: '0.01',
        NO_COLOR: '1',
      });
      // Some settings from a berth.yaml (--config): only the children reading it give them the queue
      // prefix, and file:// repositories (npm start opens them on the sandbox only when nothing says).
      const configFile = join(temp, 'berth.yaml');
      await writeFile(
        configFile,
        `redis:\n  queuePrefix: ${QUEUE_PREFIX}\nrepositories:\n  allowFile: true\n`,
      );
      await chmod(configFile, 0o600);
      // What `npm start` runs, in a process group of its own as in a terminal.
      const proc = spawn(process.execPath, ['scripts/start.mjs', '--workers', '2', '--config', configFile], {
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
      const fail = (what: string) => new Error(`${what}; npm start said:\n${output.slice(-5000)}`);

      const running = await eventually(
        () => {
          if (proc.exitCode !== null) throw new StopWaiting(fail(`exited ${proc.exitCode}`).message);
          return present(/Berth is running: (\S+)/.test(output) && output, 'Berth is running');
        },
        { timeout: 90_000, interval: 100, what: 'npm start to say "Berth is running"' },
      ).catch((e: unknown) => {
        throw fail(String(e));
      });
      expect(running).toMatch(new RegExp(`database ${DATABASE} created and migrated`));
      expect(running).toMatch(
        /destination in-cluster: the sandbox cluster at http:\/\/127\.0\.0\.1:\d+ .*KUBECONFIG=/,
      );
      expect(running).toMatch(/notifications off \(no NOTIFICATIONS_CONFIG\)/);
      expect(running).toContain(`settings from ${configFile} and the environment`);
      expect(running).not.toMatch(/file:\/\/ repositories allowed on the sandbox/);
      // Prefixed lines from every process.
      for (const name of ['scheduler', 'worker-1', 'worker-2', 'notifier'])
        expect(running).toMatch(new RegExp(`^${name}\\s+\\| `, 'm'));
      const pids = [
        ...running.matchAll(/^berth\s+\| (sandbox|scheduler|worker-\d|notifier)\s+(\d+)\s+http/gm),
      ].map((m) => ({ name: m[1] ?? '', pid: Number(m[2]) }));
      expect(pids.map((p) => p.name).sort()).toEqual([
        'notifier',
        'sandbox',
        'scheduler',
        'worker-1',
        'worker-2',
      ]);
      const password = /admin password \(first start, shown this once\): (\S+)/.exec(running)?.[1];
      expect(password).toBeDefined();

      // The README walkthrough: a git repository made from examples/guestbook, its Application, a sync.
      const repo = join(temp, 'guestbook');
      await cp(join(REPO_ROOT, 'examples/guestbook'), repo, { recursive: true });
      const git = (...args: string[]) =>
        run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
      await git('init', '-q', '-b', 'main');
      await git('add', '.');
      await git('commit', '-qm', 'guestbook');
      const base = `http://127.0.0.1:${schedulerPort}`;
      const session = await fetch(`${base}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(session.status).toBe(200);
      const { token } = (await session.json()) as { token: string };
      const auth = { Authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      // The README's walkthrough posts the example's YAML as is; here its repoURL names the test's repo.
      const appYaml = (
        await readFile(join(REPO_ROOT, 'examples/guestbook-application.yaml'), 'utf8')
      ).replace('file:///tmp/berth-guestbook', `file://${repo}`);
      const created = await fetch(`${base}/api/v1/applications`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/yaml' },
        body: appYaml,
      });
      expect(created.status).toBeLessThan(300);
      const synced = await fetch(`${base}/api/v1/applications/guestbook/sync`, {
        method: 'POST',
        headers: auth,
        body: '{}',
      });
      expect(synced.status).toBeLessThan(300);
      await eventually(
        async () => {
          const res = await fetch(`${base}/api/v1/applications/guestbook`, { headers: auth });
          const body = (await res.json()) as {
            status?: { sync?: { status?: string }; health?: { status?: string } };
          };
          return present(
            body.status?.sync?.status === 'Synced' && body.status.health?.status === 'Healthy' && body,
            `Synced and Healthy, got ${JSON.stringify(body.status?.sync?.status)} ${JSON.stringify(body.status?.health?.status)}`,
          );
        },
        { timeout: 60_000, interval: 250, what: 'guestbook Synced and Healthy' },
      );
      // The workers ran its jobs on the queues of the file's prefix.
      const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
      const [, queueKeys] = await redis.scan('0', 'MATCH', `${QUEUE_PREFIX}:sync:*`, 'COUNT', 10_000);
      redis.disconnect();
      expect(queueKeys.length).toBeGreaterThan(0);

      // Argo CD's metrics on the real processes: every metric the Grafana dashboard queries is served,
      // and the ones about guestbook say what just happened.
      const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const dashboard = JSON.parse(
        await readFile(join(REPO_ROOT, 'deploy/grafana/berth-dashboard.json'), 'utf8'),
      ) as unknown;
      const scheduler = await scrape(schedulerPort);
      const expositions = [
        scheduler,
        ...(await Promise.all([workerPort, workerPort + 1, notifierPort].map(scrape))),
      ];
      const served = new Set(expositions.flatMap((e) => [...metricsServed(e)]));
      expect(metricsQueriedBy(dashboard).filter((name) => !served.has(name))).toEqual([]);
      expect(
        sampleValue(scheduler, 'argocd_app_info', {
          name: 'guestbook',
          project: 'default',
          autosync_enabled: 'false',
          repo: `file://${repo}`,
          dest_server: 'https://kubernetes.default.svc',
          dest_namespace: 'guestbook',
          sync_status: 'Synced',
          health_status: 'Healthy',
        }),
      ).toBe(1);
      const workers = expositions.slice(1, 3).join('\n');
      const total = (name: string, labels: Record<string, string>) =>
        expositions
          .slice(1, 3)
          .map((e) => sampleValue(e, name, labels) ?? 0)
          .reduce((a, b) => a + b, 0);
      expect(
        total('argocd_app_sync_total', { name: 'guestbook', phase: 'Succeeded', dry_run: 'false' }),
      ).toBe(1);
      expect(
        total('argocd_app_reconcile_count', { dest_server: 'https://kubernetes.default.svc' }),
      ).toBeGreaterThan(0);
      expect(
        total('argocd_app_k8s_request_total', {
          name: 'guestbook',
          verb: 'Patch',
          resource_kind: 'deployments',
        }),
      ).toBeGreaterThan(0);
      expect(workers).toMatch(/^argocd_git_request_total\{[^}]*request_type="ls-remote"/m);

      // A worker that dies is started again, and npm start says so.
      const worker1 = pids.find((p) => p.name === 'worker-1')?.pid ?? 0;
      process.kill(worker1, 'SIGKILL');
      const restarted = await eventually(
        () => present(/worker-1 started again \(pid (\d+)\)/.exec(output)?.[1], 'the restart line'),
        { timeout: 20_000, what: 'worker-1 to be started again' },
      );
      expect(output).toMatch(/worker-1 exited \(SIGKILL\); starting it again in 1 s/);
      await eventually(
        async () =>
          present((await fetch(`http://127.0.0.1:${workerPort}/readyz`).catch(() => undefined))?.ok, 'ready'),
        { timeout: 30_000, interval: 250, what: 'the restarted worker-1 ready' },
      );

      // Ctrl-C under `npm start`: the terminal's SIGINT to the group, and npm's forwarded copy right after.
      process.kill(-(proc.pid ?? 0), 'SIGINT');
      proc.kill('SIGINT');
      const code = await exited;
      if (code !== 0) throw fail(`exit ${code} after SIGINT`);
      expect(output).toMatch(/SIGINT: stopping every process/);
      expect(output).toMatch(/^berth\s+\| stopped$/m);
      for (const { name, pid } of [...pids, { name: 'worker-1 (restarted)', pid: Number(restarted) }])
        expect({ name, alive: alive(pid) }).toEqual({ name, alive: false });
    },
    TIMEOUT_MS,
  );
});
