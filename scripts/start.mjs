#!/usr/bin/env node
// `npm start`: Berth on this machine, for real. One supervisor runs the scheduler, N workers and the
// notifier, echoing their logs line by line behind the process name; a child that dies is started
// again after a backoff; Ctrl-C (SIGINT) or SIGTERM stops them all and exits 0.
//
// Before that it makes what is missing: the build, helm/kubectl, the database (created and
// migrated). With no KUBECONFIG, no service account and no registered cluster, it starts the
// sandbox cluster (apps/sandbox) as the default destination; with no NOTIFICATIONS_CONFIG the
// notifier starts with notifications off. Every setting is BerthConfig's (README, "Configuration"),
// from the environment over a berth.yaml (--config FILE, BERTH_SERVER_CONFIG, ./berth.yaml), passed to every child.
//
// Usage: node scripts/start.mjs [--workers N] [--config FILE]
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startBerthProcesses, startSandbox, workerPorts } from '../demo/lib/berth-processes.mjs';
import { migrate } from '../demo/lib/demo-database.mjs';
import { readableLine } from '../demo/lib/log-lines.mjs';
import { DemoError } from '../demo/lib/demo-error.mjs';
import {
  checkPostgres,
  checkRedis,
  missingBuild,
  missingTools,
  redactUrl,
  runNpmScript,
} from '../demo/lib/preflight.mjs';
import { ProcessSupervisor } from '../demo/lib/process-supervisor.mjs';
import { formatTable, Terminal } from '../demo/lib/terminal.mjs';
import { parseStartArgs, START_USAGE } from '../demo/lib/start-args.mjs';

const cwd = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const term = new Terminal({ color: process.stdout.isTTY === true && !process.env['NO_COLOR'] });
const say = (text) => term.line(`${term.paint('bold', 'berth'.padEnd(PREFIX_WIDTH))} | ${text}`);
const PREFIX_WIDTH = 10;
const COLOURS = ['cyan', 'green', 'yellow', 'blue', 'magenta'];

/** @type {ProcessSupervisor | undefined} */
let supervisor;
let stopping = false;

async function main() {
  const parsed = parseStartArgs(process.argv.slice(2));
  if (parsed.help) {
    term.line(startHelp());
    return 0;
  }
  if (parsed.error) {
    term.error(`${parsed.error}\n\n${START_USAGE}`);
    return 2;
  }
  const { workers } = parsed;

  // -- what is missing ------------------------------------------------------------------------
  if (missingBuild(cwd).length > 0) {
    say(`dist/ is missing (${missingBuild(cwd).join(', ')}): running npm run build`);
    await runNpmScript(cwd, 'build');
  }
  const tools = missingTools(cwd);
  if (tools.length > 0) {
    say(`${tools.join(' and ')} missing in .tools/bin: running npm run tools`);
    await runNpmScript(cwd, 'tools');
  }
  const require = createRequire(import.meta.url);
  const { loadBerthSettings, ConfigError } = require('../dist/libs/infra/src/index.js');
  let config;
  /** The file's settings with the environment over them. */
  let settingsEnv;
  /** @type {string | undefined} */
  let configFile;
  try {
    const settings = loadBerthSettings({ env: process.env, configFile: parsed.configFile });
    ({ config, env: settingsEnv, file: configFile } = settings);
    for (const warning of settings.warnings) say(warning);
  } catch (error) {
    if (error instanceof ConfigError) throw new DemoError('Prerequisite', error.message);
    throw error;
  }
  if (configFile) say(`settings from ${configFile} and the environment (the environment wins)`);
  const databaseName = new URL(config.databaseUrl).pathname.replace(/^\//, '');
  const adminUrl = adminUrlOf(config.databaseUrl);
  // The server's `postgres` database is only needed to create a missing one: a user who may reach
  // only their own database starts too.
  const missing = await databaseMissing(config.databaseUrl);
  if (missing) await checkPostgres(adminUrl);
  else await checkPostgres(config.databaseUrl);
  await checkRedis(config.redisUrl);
  const created = missing && (await createDatabaseIfMissing(adminUrl, databaseName));
  await migrate(cwd, config.databaseUrl);
  say(
    `database ${databaseName} ${created ? 'created and migrated' : 'migrated (already there)'} (${redactUrl(config.databaseUrl)})`,
  );

  const dataDir = resolve(cwd, config.dataDir);
  const logDir = join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true });
  let colour = 0;
  /** @type {Map<string, string>} */
  const colours = new Map();
  supervisor = new ProcessSupervisor({
    cwd,
    logDir,
    restart: true,
    echo: (name, line) => {
      const base = name.replace(/-\d+$/, '');
      if (!colours.has(name)) colours.set(name, COLOURS[colour++ % COLOURS.length]);
      // The sandbox prints its kubeconfig for `npm run sandbox` users; here it is in a file.
      if (base === 'sandbox' && !/^(sandbox|kubeconfig|state| {2}export|SIG)/.test(line)) return;
      const shown = readableLine(line);
      if (shown !== undefined)
        term.line(`${term.paint(colours.get(name), name.padEnd(PREFIX_WIDTH))} | ${shown}`);
    },
  });
  supervisor.onRestart = (name, code, signal, delayMs) =>
    say(
      `${name} exited (${signal ?? `exit ${code}`}); starting it again in ${delayMs / 1000} s (its log: ${join(logDir, `${name}.log`)})`,
    );

  supervisor.onRestarted = (name, pid) => say(`${name} started again (pid ${pid})`);

  // -- the destination ------------------------------------------------------------------------
  // Every child reads the same file: by absolute path, whatever its working directory.
  /** @type {Record<string, string>} */
  const env = configFile ? { BERTH_SERVER_CONFIG: configFile } : {};
  let sandboxUrl;
  const { kubeconfigPath, inPod } = config.defaultCluster;
  if (kubeconfigPath || inPod) {
    say(
      `destination in-cluster: ${kubeconfigPath ? `KUBECONFIG=${kubeconfigPath}` : "this pod's service account"}`,
    );
  } else if ((await registeredClusters(config.databaseUrl)) > 0) {
    say('destination: the clusters registered with POST /api/v1/clusters (no KUBECONFIG: no in-cluster)');
  } else {
    const kubeconfig = join(dataDir, 'sandbox.kubeconfig');
    const { url } = await startSandbox(supervisor, {
      SANDBOX_KUBECONFIG: kubeconfig,
      // Kept beside the database: what Berth deployed is still there after a restart.
      SANDBOX_STATE: process.env['SANDBOX_STATE'] ?? join(dataDir, 'sandbox-state.json'),
      NO_COLOR: '1',
    });
    env['KUBECONFIG'] = kubeconfig;
    sandboxUrl = url;
    say(
      `destination in-cluster: the sandbox cluster at ${url} (no KUBECONFIG and no registered cluster); for a real cluster start with KUBECONFIG=~/.kube/config npm start, or register one: POST /api/v1/clusters`,
    );
    // A trial on the sandbox deploys from a local git repository (README, "Run Berth"); a real
    // cluster does not get this default: file:// lets API users read the server's disk.
    if (settingsEnv['BERTH_ALLOW_FILE_REPOS'] === undefined) {
      env['BERTH_ALLOW_FILE_REPOS'] = 'true';
      say('file:// repositories allowed on the sandbox (BERTH_ALLOW_FILE_REPOS=false refuses them)');
    }
  }

  // -- notifications --------------------------------------------------------------------------
  /** @type {Record<string, string>} */
  const notifierEnv = {};
  if (!config.notificationsConfigFile) {
    const off = join(dataDir, 'notifications-off.yaml');
    await writeFile(
      off,
      '# Written by npm start: no NOTIFICATIONS_CONFIG was given, so nothing is sent.\n' +
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-notifications-cm\ndata: {}\n',
    );
    notifierEnv['NOTIFICATIONS_CONFIG'] = off;
    say(
      'notifications off (no NOTIFICATIONS_CONFIG): set it to an argocd-notifications-cm file, or PUT /api/v1/notifications/config on the notifier',
    );
  }

  // -- the processes --------------------------------------------------------------------------
  const taken = [config.schedulerPort, config.notifierPort];
  const started = await startBerthProcesses(supervisor, {
    env: { ...env, NO_COLOR: '1' },
    dataDir,
    schedulerPort: config.schedulerPort,
    workerPorts: workerPorts(config.workerPort, workers, taken),
    notifierPort: config.notifierPort,
    notifierEnv,
    readyTimeoutMs: 120_000,
  });
  const scheduler = supervisor.children.get('scheduler');
  const passwordLine = /Berth initial admin password[^\n]*\n\n {4}(\S+)\n/.exec(scheduler?.output ?? '');
  for (const row of formatTable(
    ['PROCESS', 'PID', 'URL'],
    [
      ...(sandboxUrl ? [['sandbox', supervisor.children.get('sandbox')?.child.pid, sandboxUrl]] : []),
      ...started.map((p) => [
        p.name,
        p.pid,
        `${p.url}${p.name === 'scheduler' ? '/api/v1/applications' : '/metrics'}`,
      ]),
    ],
  )) {
    say(row);
  }
  say(`Berth is running: http://127.0.0.1:${config.schedulerPort} (logs: ${logDir}; Ctrl-C stops it)`);
  if (passwordLine) {
    say(`admin password (first start, shown this once): ${passwordLine[1]}`);
  } else {
    say('admin password: set at an earlier start (lost it? npm run admin-password)');
  }
  // Runs until a signal: the handlers below stop the children and exit.
  return new Promise(() => undefined);
}

/** `--help`: the usage, then the settings npm start and its processes read (from the built config schema). */
function startHelp() {
  const built = join(cwd, 'dist/libs/infra/src/index.js');
  if (!existsSync(built))
    return `${START_USAGE}\n\nSettings: README.md, "Configuration" (npm run build to list them here).`;
  const { settingsHelp } = createRequire(import.meta.url)(built);
  return settingsHelp('start', START_USAGE).replace(
    'Settings:',
    'Settings (npm start reads these; the processes it starts read every setting: node dist/apps/<process>/src/main.js --help):',
  );
}

/** The same server's `postgres` database, where CREATE DATABASE runs. */
function adminUrlOf(databaseUrl) {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** True when the server answers that the database does not exist (3D000); any other failure is checkPostgres's to explain. */
async function databaseMissing(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return false;
  } catch (error) {
    return error?.code === '3D000';
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDatabaseIfMissing(adminUrl, name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new DemoError(
      'Prerequisite',
      `DATABASE_URL names database "${name}": npm start creates only lower-case names (letters, digits, _); create it yourself or rename it`,
    );
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${name}`);
    return true;
  } finally {
    await client.end();
  }
}

async function registeredClusters(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM clusters');
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

let firstSignalAt = 0;
async function stop(signal) {
  if (stopping) {
    // Ctrl-C under `npm start` arrives twice at once: from the terminal and forwarded by npm. Only a
    // second one a moment later is the user insisting.
    if (Date.now() - firstSignalAt < 1000) return;
    supervisor?.killAllNow();
    process.exit(130);
  }
  stopping = true;
  firstSignalAt = Date.now();
  say(`${signal}: stopping every process (workers finish their running jobs; ${signal} again to force)`);
  await supervisor?.stopAll(15_000);
  say('stopped');
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(signal));
process.on('exit', () => supervisor?.killAllNow());

main().then(
  (code) => process.exit(code),
  async (error) => {
    term.error(`\nberth: ${error instanceof DemoError ? error.message : (error?.stack ?? String(error))}`);
    await supervisor?.stopAll().catch(() => undefined);
    process.exit(1);
  },
);
