#!/usr/bin/env node
// `npm run demo`: Berth end to end on a sandbox cluster, narrated step by step.
//
// Starts the sandbox Kubernetes API server, the scheduler, two workers and the notifier as child
// processes, a local webhook receiver standing in for Slack/DingTalk, and a Git repository in a temp
// dir holding the seed's k8s-manifests. Berth runs with its default refresh and live-state settings:
// drift is seen by the watches, not by a shortened refresh interval (only the sandbox's clock runs fast,
// so pods start in 10 ms and a progress deadline passes in 6 s). Then: (a) initial sync, (b) a commit
// delivered by a push webhook, (c) drift reverted by self-heal, (d) a bad image and its rollback,
// (e) a manual prod sync by a named person, (f) the audit log. Every wait is bounded. Under each
// action taken through the API, a dim line gives the equivalent `berth` command (demo/lib/berth-cli.mjs).
//
// Usage: node scripts/demo.mjs [--ci] [--keep-temp]
//   --ci         no colours; the same steps (test/e2e/demo.e2e-spec.ts runs this)
//   --keep-temp  keep the temp dir (git repo, process logs) after a successful run
// Env: DEMO_DATABASE_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), DEMO_DATABASE (berth_demo),
//      REDIS_URL (redis://127.0.0.1:6379), DEMO_STEP_TIMEOUT_SECONDS (60).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthClient } from '../demo/lib/berth-client.mjs';
import { loginCommand, setPasswordCommand } from '../demo/lib/berth-cli.mjs';
import { DemoError, waitFor } from '../demo/lib/demo-error.mjs';
import { databaseUrlFor, migrate, recreateDatabase } from '../demo/lib/demo-database.mjs';
import { DemoGitRepo } from '../demo/lib/demo-git-repo.mjs';
import {
  stepAuditLog,
  stepBadImageRollback,
  stepCommitToDev,
  stepDriftSelfHeal,
  stepInitialSync,
  stepManualProdSync,
} from '../demo/lib/demo-steps.mjs';
import { startNotificationReceiver } from '../demo/lib/notification-receiver.mjs';
import { deleteRedisKeys } from '../demo/lib/redis-keys.mjs';
import {
  checkPostgres,
  checkRedis,
  kubectlPath,
  missingBuild,
  missingTools,
  runNpmScript,
} from '../demo/lib/preflight.mjs';
import { startBerthProcesses, startSandbox } from '../demo/lib/berth-processes.mjs';
import { freePort, ProcessSupervisor } from '../demo/lib/process-supervisor.mjs';
import { SandboxClient } from '../demo/lib/sandbox-client.mjs';
import { Terminal } from '../demo/lib/terminal.mjs';

const cwd = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const ci = args.has('--ci');
const term = new Terminal({ color: !ci && process.stdout.isTTY === true && !process.env['NO_COLOR'] });

const adminUrl = process.env['DEMO_DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseName = process.env['DEMO_DATABASE'] ?? 'berth_demo';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const timeoutMs = Number(process.env['DEMO_STEP_TIMEOUT_SECONDS'] ?? 60) * 1000;

/**
 * How fast Berth notices a change: the demo shows the defaults a user gets, so these are neither set by
 * the demo nor passed on from the shell that runs it (scripts/start.mjs is the place to try other values).
 */
const DEFAULT_SPEED_SETTINGS = [
  'REFRESH_INTERVAL_SECONDS',
  'REFRESH_JITTER_SECONDS',
  'BERTH_LIVE_STATE_CACHE',
  'BERTH_LIVE_STATE_DEBOUNCE_MS',
];

let supervisor;
let receiver;
let queuePrefix;
let tempRoot;
let tearingDown;

async function main() {
  const startedAt = Date.now();
  term.line(
    term.paint('bold', 'Berth demo: GitOps for the seed api (dev / staging / prod) on a sandbox cluster'),
  );

  // -- prerequisites --------------------------------------------------------------------------
  if (missingBuild(cwd).length > 0) {
    term.info(`dist/ is missing (${missingBuild(cwd).join(', ')}): running npm run build`);
    await runNpmScript(cwd, 'build');
  }
  const tools = missingTools(cwd);
  if (tools.length > 0) {
    term.info(`${tools.join(' and ')} missing in .tools/bin: running npm run tools`);
    await runNpmScript(cwd, 'tools');
  }
  await checkPostgres(adminUrl);
  await checkRedis(redisUrl);
  for (const name of DEFAULT_SPEED_SETTINGS) {
    if (process.env[name] === undefined) continue;
    term.warn(
      `${name}=${process.env[name]} from your environment is not passed on: the demo shows the defaults`,
    );
    delete process.env[name];
  }

  tempRoot = await mkdtemp(join(tmpdir(), 'berth-demo-'));
  const logDir = join(tempRoot, 'logs');
  await mkdir(logDir);
  await recreateDatabase(adminUrl, databaseName);
  const databaseUrl = databaseUrlFor(adminUrl, databaseName);
  await migrate(cwd, databaseUrl);
  term.info(`database ${databaseName}: dropped, created and migrated (${databaseUrl})`);

  // -- processes ------------------------------------------------------------------------------
  receiver = await startNotificationReceiver((m) =>
    term.notification(typeof m.text === 'string' ? m.text : JSON.stringify(m)),
  );
  const template = await readFile(join(cwd, 'demo/notifications-cm.yaml'), 'utf8');
  const notificationsConfig = join(tempRoot, 'argocd-notifications-cm.yaml');
  await writeFile(notificationsConfig, template.replaceAll('${DEMO_RECEIVER_URL}', receiver.url));

  // argocd-cm's accounts: dana onboards the environments, alice releases to prod; both log in.
  const accountsConfig = join(tempRoot, 'argocd-cm.yaml');
  await writeFile(
    accountsConfig,
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  accounts.dana: login\n  accounts.alice: login\n',
  );

  // argocd-rbac-cm: what each may do, as Argo CD's policy.csv says it (docs/rbac.md). dana's platform
  // role manages the default project's apps; alice's release role may sync prod; everyone may read.
  const rbacConfig = join(tempRoot, 'argocd-rbac-cm.yaml');
  await writeFile(
    rbacConfig,
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: argocd-rbac-cm',
      'data:',
      '  policy.default: role:readonly',
      '  policy.csv: |',
      '    p, role:platform, applications, *, default/*, allow',
      '    p, role:release, applications, sync, default/api-prod, allow',
      '    g, dana, role:platform',
      '    g, alice, role:release',
      '',
    ].join('\n'),
  );

  supervisor = new ProcessSupervisor({ cwd, logDir });
  let crashed;
  const crash = new Promise((_, reject) => {
    crashed = reject;
  });
  crash.catch(() => undefined);
  supervisor.onUnexpectedExit = (name, code, signal) =>
    crashed(
      new DemoError(
        'ProcessExited',
        `${name} exited unexpectedly (${signal ?? `exit ${code}`}); its log: ${join(logDir, `${name}.log`)}`,
      ),
    );

  const [sandboxPort, schedulerPort, worker1Port, worker2Port, notifierPort] = await Promise.all(
    Array.from({ length: 5 }, freePort),
  );
  const kubeconfig = join(tempRoot, 'sandbox.kubeconfig');
  await startSandbox(supervisor, {
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_KUBECONFIG: kubeconfig,
    SANDBOX_STATE: '',
    // 0.01: a pod starts in 10 ms, a Deployment's 600 s progress deadline passes in 6 s.
    SANDBOX_TIME_SCALE: '0.01',
  });

  queuePrefix = `berth-demo-${randomBytes(4).toString('hex')}`;
  await startBerthProcesses(supervisor, {
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      BERTH_QUEUE_PREFIX: queuePrefix,
      BERTH_ALLOW_FILE_REPOS: 'true',
      KUBECONFIG: kubeconfig,
      BERTH_ACCOUNTS_CONFIG: accountsConfig,
      BERTH_RBAC_CONFIG: rbacConfig,
      LOG_LEVEL: 'log',
      NO_COLOR: '1', // plain process logs in the log files
    },
    dataDir: tempRoot,
    schedulerPort,
    workerPorts: [worker1Port, worker2Port],
    notifierPort,
    notifierEnv: { NOTIFICATIONS_CONFIG: notificationsConfig },
  });
  term.line();
  term.table(
    ['PROCESS', 'WHERE'],
    [
      ['sandbox cluster', `${kubeconfig} (export KUBECONFIG=${kubeconfig})`],
      ['scheduler', `http://127.0.0.1:${schedulerPort}/api/v1/applications`],
      ['worker-1', `http://127.0.0.1:${worker1Port}/metrics`],
      ['worker-2', `http://127.0.0.1:${worker2Port}/metrics`],
      ['notifier', `http://127.0.0.1:${notifierPort}/api/v1/notifications/deliveries`],
      ['notification receiver', `${receiver.url} (stands in for Slack/DingTalk)`],
      ['logs', logDir],
    ],
  );
  term.info(describeSpeedSettings(supervisor));

  const repo = await DemoGitRepo.create(join(tempRoot, 'git'), join(cwd, 'demo/k8s-manifests'));
  term.info(`git repo ${repo.repoURL} (seed k8s-manifests: base + overlays dev/staging/prod)`);

  // The first start printed the admin's password once (stderr): log in with it, give dana and alice theirs.
  const api = new BerthClient(`http://127.0.0.1:${schedulerPort}`);
  const [, adminPassword] = await supervisor.waitForOutput(
    'scheduler',
    /Berth initial admin password[^\n]*\n\n {4}(\S+)\n/,
  );
  await api.login('admin', adminPassword);
  const server = `127.0.0.1:${schedulerPort}`;
  term.info(
    'logged in: admin (initial password from the scheduler log), dana and alice (passwords set by admin); accounts from argocd-cm',
  );
  term.cli(loginCommand(server, 'admin'));
  for (const person of ['dana', 'alice']) {
    const password = randomBytes(12).toString('base64url');
    await api.setPassword('admin', adminPassword, person, password);
    term.cli(setPasswordCommand(person));
    await api.login(person, password);
    term.cli(loginCommand(server, person));
  }
  term.detail('(in this checkout the CLI is `npx berth` after `npm run build`; docs/cli.md)');

  const ctx = {
    term,
    api,
    repo,
    sandbox: await SandboxClient.fromKubeconfig(kubeconfig, kubectlPath(cwd)),
    receiver,
    cwd,
    databaseUrl,
    timeoutMs,
    startedAt,
    autoRollback: false, // set by step a from the scheduler's answer
  };
  const steps = async () => {
    await stepInitialSync(ctx);
    await stepCommitToDev(ctx);
    await stepDriftSelfHeal(ctx);
    await stepBadImageRollback(ctx);
    await stepManualProdSync(ctx);
    await stepAuditLog(ctx);
  };
  await Promise.race([steps(), crash]);

  // Notifications travel event log -> notifier -> queue -> receiver; give the last ones a moment.
  await waitFor('at least one notification to reach the receiver', async () => receiver.messages.length > 0, {
    timeoutMs: 15_000,
  }).catch(() => term.warn('no notification arrived; see the notifier log'));
  term.line();
  term.info(`NOTIFICATIONS ${receiver.messages.length} received by the local webhook receiver`);
  term.line(term.paint('green', `DEMO COMPLETE in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`));
  term.info(
    `The database ${databaseName} is kept so you can query it; the next demo run drops and recreates it.`,
  );
}

/**
 * One line saying which refresh settings Berth's processes really got (from each child's environment),
 * so the timings printed by the steps are known to be the defaults'. test/e2e/demo.e2e-spec.ts reads it.
 * @param {ProcessSupervisor} supervisor
 */
function describeSpeedSettings(supervisor) {
  const set = [];
  for (const [name, entry] of supervisor.children) {
    if (name === 'sandbox') continue;
    for (const key of DEFAULT_SPEED_SETTINGS) {
      if (entry.spawnEnv[key] !== undefined) set.push(`${name} ${key}=${entry.spawnEnv[key]}`);
    }
  }
  return set.length > 0
    ? `refresh: NOT Berth's defaults: ${set.join(', ')}`
    : `refresh: Berth's defaults in every process (${DEFAULT_SPEED_SETTINGS.join(', ')} unset): a periodic refresh every 120 s + up to 60 s jitter; live-state watches see drift`;
}

async function teardown(failed) {
  if (tearingDown) return tearingDown;
  tearingDown = (async () => {
    await supervisor?.stopAll().catch(() => undefined);
    await receiver?.close().catch(() => undefined);
    // Queues and caches are the demo's own (a fresh prefix each run): nothing in Redis is worth keeping.
    if (queuePrefix) await deleteRedisKeys(redisUrl, queuePrefix).catch(() => undefined);
    if (tempRoot) {
      if (failed || args.has('--keep-temp')) term.info(`kept ${tempRoot} (git repo, process logs)`);
      else await rm(tempRoot, { recursive: true, force: true }).catch(() => undefined);
    }
  })();
  return tearingDown;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) {
      supervisor?.killAllNow();
      process.exit(130);
    }
    interrupted = true;
    term.error(`\n${signal}: stopping the demo's processes (again to force)`);
    void teardown(false).then(() => process.exit(130));
  });
}
process.on('exit', () => supervisor?.killAllNow());

main().then(
  async () => {
    await teardown(false);
    process.exit(0);
  },
  async (error) => {
    term.error(
      `\nDEMO FAILED: ${error instanceof DemoError ? error.message : (error?.stack ?? String(error))}`,
    );
    if (supervisor && error instanceof DemoError && error.code === 'Timeout') {
      for (const name of supervisor.children.keys()) {
        const tail = await supervisor.tail(name, 8);
        if (tail) term.error(`--- ${name} (last lines) ---\n${tail}`);
      }
    }
    await teardown(true);
    process.exit(1);
  },
);
