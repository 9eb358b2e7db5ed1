// Starts Berth's processes under a ProcessSupervisor: the sandbox cluster (when it is the
// destination), the scheduler, N workers and the notifier, each with its own data dir, and waits
// until each answers /readyz. Shared by `npm start` (scripts/start.mjs) and `npm run demo`, which
// differ only in the environment they give the children.
import { join } from 'node:path';

/**
 * @typedef {import('./process-supervisor.mjs').ProcessSupervisor} ProcessSupervisor
 * @typedef {{ name: string, port: number, url: string, pid: number | undefined }} StartedProcess
 */

export const ENTRYPOINTS = {
  sandbox: 'dist/apps/sandbox/src/main.js',
  scheduler: 'dist/apps/scheduler/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
  notifier: 'dist/apps/notifier/src/main.js',
};

/**
 * Starts the sandbox Kubernetes API server and waits for its kubeconfig.
 * @param {ProcessSupervisor} supervisor
 * @param {Record<string, string>} env SANDBOX_* settings (apps/sandbox/src/main.ts)
 * @returns {Promise<{ url: string }>}
 */
export async function startSandbox(supervisor, env) {
  supervisor.start('sandbox', ENTRYPOINTS.sandbox, env);
  const [, url] = await supervisor.waitForOutput('sandbox', /sandbox cluster listening on (\S+)\n/);
  await supervisor.waitForOutput('sandbox', /kubeconfig written to/);
  return { url: url ?? '' };
}

/**
 * `count` ports for the workers, from `base` up, skipping the ones other processes use. Pure, so it
 * is unit-tested: with the defaults, 8081 then 8083 (the notifier has 8082).
 * @param {number} base
 * @param {number} count
 * @param {number[]} taken
 */
export function workerPorts(base, count, taken) {
  const ports = [];
  for (let port = base; ports.length < count; port++) {
    if (port > 65535) throw new Error(`no ports left above ${base} for ${count} workers`);
    if (!taken.includes(port)) ports.push(port);
  }
  return ports;
}

/**
 * Starts the scheduler, one worker per port and the notifier, then waits for each /readyz.
 * @param {ProcessSupervisor} supervisor
 * @param {{
 *   env: Record<string, string>,
 *   dataDir: string,
 *   schedulerPort: number,
 *   workerPorts: number[],
 *   notifierPort: number,
 *   notifierEnv?: Record<string, string>,
 *   readyTimeoutMs?: number,
 * }} options `env` goes to every process; each gets BERTH_DATA_DIR=<dataDir>/<process name>.
 * @returns {Promise<StartedProcess[]>}
 */
export async function startBerthProcesses(supervisor, options) {
  const { env, dataDir } = options;
  /** @type {Array<{ name: string, port: number }>} */
  const started = [];
  supervisor.start('scheduler', ENTRYPOINTS.scheduler, {
    ...env,
    SCHEDULER_PORT: String(options.schedulerPort),
    BERTH_DATA_DIR: join(dataDir, 'scheduler'),
  });
  started.push({ name: 'scheduler', port: options.schedulerPort });
  for (const [i, port] of options.workerPorts.entries()) {
    const name = `worker-${i + 1}`;
    supervisor.start(name, ENTRYPOINTS.worker, {
      ...env,
      WORKER_PORT: String(port),
      BERTH_DATA_DIR: join(dataDir, name),
    });
    started.push({ name, port });
  }
  supervisor.start('notifier', ENTRYPOINTS.notifier, {
    ...env,
    ...options.notifierEnv,
    NOTIFIER_PORT: String(options.notifierPort),
    BERTH_DATA_DIR: join(dataDir, 'notifier'),
  });
  started.push({ name: 'notifier', port: options.notifierPort });
  await Promise.all(
    started.map(({ name, port }) =>
      supervisor.waitForHttp(name, `http://127.0.0.1:${port}/readyz`, options.readyTimeoutMs),
    ),
  );
  return started.map(({ name, port }) => ({
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: supervisor.children.get(name)?.child.pid,
  }));
}
