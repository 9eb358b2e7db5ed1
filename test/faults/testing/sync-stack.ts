import { expect } from '@jest/globals';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { type SlackReceiver, startSlackReceiver } from '@berth/notifications/testing';
import { bugLines, eventually, freeLoopbackPort, StopWaiting } from '@berth/testing';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOperationIntervals, type OperationEventRow } from '../../e2e/operation-intervals';
import { catalogConfig, SECRETS } from '../../notifier/notifier.harness';
import { BerthProcess, sendWithin } from '../../security/testing/berth-process';
import { TcpProxy } from '../../security/testing/tcp-proxy';
import { type BerthKind, FaultStack, RunningBerth } from './fault-stack';

export const APPS = 20;
const NAMESPACE = 'fleet';
const ENTRY: Record<BerthKind, { file: string; portVariable: string }> = {
  scheduler: { file: 'dist/apps/scheduler/src/main.js', portVariable: 'SCHEDULER_PORT' },
  worker: { file: 'dist/apps/worker/src/main.js', portVariable: 'WORKER_PORT' },
  notifier: { file: 'dist/apps/notifier/src/main.js', portVariable: 'NOTIFIER_PORT' },
};
export type Role = 'scheduler' | 'worker-1' | 'worker-2' | 'notifier';
const ROLES: Role[] = ['scheduler', 'worker-1', 'worker-2', 'notifier'];

export const appName = (i: number) => `app-${String(i).padStart(2, '0')}`;

/** Light objects per app: a ConfigMap (its data carries the generation), and a small Deployment for every other app. */
function appFiles(i: number, generation: number): Record<string, string> {
  const name = appName(i);
  const files: Record<string, string> = {
    [`${name}/configmap.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
data:
  generation: "${generation}"
`,
  };
  if (i % 2 === 1) {
    files[`${name}/deployment.yaml`] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;
  }
  return files;
}

function applicationJson(i: number, repoURL: string): string {
  return JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: appName(i),
      namespace: 'argocd',
      annotations: { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'deploys' },
    },
    spec: {
      project: 'default',
      source: { repoURL, targetRevision: 'main', path: appName(i) },
      destination: { server: 'https://kubernetes.default.svc', namespace: NAMESPACE },
      syncPolicy: { automated: { prune: true }, syncOptions: ['CreateNamespace=true'] },
    },
  });
}

/** One answer of GET /readyz during a fault: status, dependencies reported down, or the failure ('hang' past 2 s). */
export interface ReadySample {
  at: number;
  role: Role;
  status: number | 'hang' | 'refused';
  down: Record<string, string>;
  ms: number;
}

/** An API request the test sent during the run: what, and the status it got (acknowledged when 2xx). */
export interface SentRequest {
  application: string;
  status: number | 'timeout' | 'refused';
  ms: number;
}

/**
 * The whole of Berth on its own infrastructure, for the fault suite: a private Postgres and Redis
 * (FaultStack), the sandbox cluster behind a TCP proxy (so the cluster API can be taken away), a git
 * repository with 20 auto-sync apps, a fake Slack with history (bot token) that every app notifies on
 * sync succeeded, and a scheduler, two workers and a notifier as compiled processes that the test may
 * kill -9 and start again (same port, same data dir, as an orchestrator would).
 */
export class SyncStack {
  readonly roles = new Map<Role, RunningBerth>();
  /** Every process ever started, with whether the test killed it on purpose. */
  private readonly all: Array<{ role: Role; berth: RunningBerth; killedByTest: boolean }> = [];
  readonly sent: SentRequest[] = [];
  private generation = 1;
  readonly dataDirs = new Map<Role, string>();
  private readonly ports = new Map<Role, number>();
  /** Roles killed by the test or (re)started and not answering /healthz yet: refusing is expected then. */
  private readonly starting = new Set<Role>();
  /** The admin's session token: valid at every scheduler of the stack, restarted or not (one key, one database). */
  private token = '';

  private constructor(
    readonly faults: FaultStack,
    readonly root: string,
    readonly sandbox: SandboxCluster,
    readonly proxy: TcpProxy,
    readonly repo: GitFixtureRepo,
    readonly slack: SlackReceiver,
    private readonly baseEnv: Record<string, string>,
  ) {}

  static async start(name: string): Promise<SyncStack> {
    const faults = await FaultStack.start(name);
    const root = await mkdtemp(join(tmpdir(), `berth-sync-stack-${name}-`));
    const sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const proxy = await TcpProxy.start(sandbox.port);
    const kubeconfig = join(root, 'kubeconfig');
    await writeFile(
      kubeconfig,
      sandbox.kubeconfig().replaceAll(sandbox.url, `http://127.0.0.1:${proxy.port}`),
      { mode: 0o600 },
    );
    const repo = await GitFixtureRepo.create(root, 'fleet');
    const files: Record<string, string> = {};
    for (let i = 0; i < APPS; i++) Object.assign(files, appFiles(i, 1));
    await repo.commit(files, 'generation 1');
    const slack = await startSlackReceiver({ token: SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN });
    const notificationsConfig = join(root, 'notifications.yaml');
    await writeFile(
      notificationsConfig,
      catalogConfig({
        'service.slack': `token: $slack-token\napiURL: ${slack.url}/api/\n`,
        context: 'argocdUrl: https://argocd.example.com\n',
      }),
    );
    const stack = new SyncStack(faults, root, sandbox, proxy, repo, slack, {
      ...SECRETS,
      KUBECONFIG: kubeconfig,
      NOTIFICATIONS_CONFIG: notificationsConfig,
      // Periodic refresh on, short: a Deployment seen Progressing right after its sync is compared again soon.
      REFRESH_INTERVAL_SECONDS: '5',
      REFRESH_JITTER_SECONDS: '1',
    });
    for (const role of ROLES) {
      stack.ports.set(role, await freeLoopbackPort());
      stack.dataDirs.set(role, join(root, 'data', role));
      await mkdir(stack.dataDirs.get(role)!, { recursive: true });
    }
    for (const role of ROLES) await stack.startRole(role);
    await Promise.all([...stack.roles.values()].map((p) => p.awaitReady(60_000)));
    const scheduler = stack.roles.get('scheduler')!;
    stack.token = await scheduler.token();
    for (let i = 0; i < APPS; i++) {
      const created = await sendWithin(
        'POST',
        `${scheduler.url}/api/v1/applications`,
        applicationJson(i, repo.fileUrl),
        10_000,
        stack.token,
      );
      expect({ app: appName(i), status: created.status, body: created.body }).toMatchObject({ status: 200 });
    }
    await stack.awaitConverged(120_000);
    // The first deploy's 20 messages take 20 s at Slack's 1 msg/s: sent before the first fault, so
    // that fault's notifications do not queue behind them (it measured 30-40 s instead of 20 s).
    await stack.expectNotificationsExactlyOnce();
    return stack;
  }

  get scheduler(): RunningBerth {
    return this.roles.get('scheduler')!;
  }

  /** Starts (or starts again) the process of `role`, on its port and data dir, and waits for /healthz. */
  async startRole(role: Role): Promise<RunningBerth> {
    const kind: BerthKind = role.startsWith('worker') ? 'worker' : (role as BerthKind);
    const port = this.ports.get(role)!;
    const proc = BerthProcess.start(ENTRY[kind].file, {
      ...this.faults.env(this.baseEnv),
      BERTH_DATA_DIR: this.dataDirs.get(role)!,
      [ENTRY[kind].portVariable]: String(port),
    });
    const berth = new RunningBerth(kind, port, proc);
    this.starting.add(role);
    this.roles.set(role, berth);
    this.all.push({ role, berth, killedByTest: false });
    await eventually(
      async () => {
        if (!proc.running) throw new StopWaiting(`${role} exited during start:\n${proc.output()}`);
        expect(await berth.alive()).toBe(true);
      },
      { timeout: 30_000, interval: 100, what: `${role} to answer /healthz` },
    );
    this.starting.delete(role);
    return berth;
  }

  /** kill -9 of a role's process (the test's doing, so not counted as a death). */
  async kill(role: Role): Promise<void> {
    const entry = this.all.findLast((e) => e.role === role)!;
    entry.killedByTest = true;
    // From now until it is started again, refusing connections is what this role should do.
    this.starting.add(role);
    entry.berth.process.kill();
    await entry.berth.process.exited;
  }

  /** A new commit changing every app (so every app syncs again); returns its SHA. */
  async commitChange(): Promise<string> {
    this.generation += 1;
    const files: Record<string, string> = {};
    for (let i = 0; i < APPS; i++) Object.assign(files, appFiles(i, this.generation));
    return this.repo.commit(files, `generation ${this.generation}`);
  }

  /** What a user does after a push or an outage: the Git webhook, else (it failed) a refresh per app. */
  async triggerRefresh(): Promise<void> {
    const push = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { html_url: this.repo.fileUrl, clone_url: this.repo.fileUrl },
    });
    const answer = await fetch(`${this.scheduler.url}/api/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' },
      body: push,
      signal: AbortSignal.timeout(5_000),
    }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as { refreshed?: string[] } }),
      () => undefined,
    );
    if (answer?.status === 200 && answer.body.refreshed?.length === APPS) return;
    await Promise.all(Array.from({ length: APPS }, (_, i) => this.requestRefresh(appName(i))));
  }

  /**
   * How many operations waited for the cluster (SyncOperationWaiting `cluster`), and how many failed for
   * it: none should (they wait instead), so the apps converge with no sync by hand.
   */
  async operationsThatWaitedForTheCluster(): Promise<string> {
    const [row]: Array<{ waited: number; failed: number }> = await this.faults.db.dataSource.query(
      `SELECT count(DISTINCT data->>'operationId') FILTER (WHERE type = 'SyncOperationWaiting') ::int AS waited,
              count(*) FILTER (WHERE type = 'SyncOperationFailed') ::int AS failed
       FROM events
       WHERE (type = 'SyncOperationWaiting' AND data->>'waitingFor' = 'cluster')
          OR (type = 'SyncOperationFailed' AND data->>'message' LIKE '%cannot reach the Kubernetes API server%')`,
    );
    expect({ failedForTheCluster: row!.failed }).toEqual({ failedForTheCluster: 0 });
    return `${row!.waited}, none failed`;
  }

  /** POST /api/v1/applications/:name/refresh, recorded (an acknowledged one must show in the log). */
  async requestRefresh(application: string): Promise<SentRequest['status']> {
    const started = Date.now();
    const status = await sendWithin(
      'POST',
      `${this.scheduler.url}/api/v1/applications/${application}/refresh`,
      undefined,
      5_000,
      this.token,
    ).then(
      (r) => r.status,
      (e: Error) => (e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : 'refused'),
    );
    this.sent.push({ application, status, ms: Date.now() - started });
    return status;
  }

  /** Every app Synced and Healthy at the repo's head; returns how long it took. */
  async awaitConverged(timeoutMs: number): Promise<number> {
    const started = Date.now();
    const head = await this.repo.head();
    await eventually(
      async () => {
        this.expectNoProcessDied();
        const rows: Array<{ name: string; sync_status: string; health_status: string; revision: string }> =
          await this.faults.db.dataSource.query(
            `SELECT name, sync_status, health_status, revision FROM applications ORDER BY name`,
          );
        const off = rows.filter(
          (r) => r.sync_status !== 'Synced' || r.health_status !== 'Healthy' || r.revision !== head,
        );
        expect({ apps: rows.length, notConverged: off }).toEqual({ apps: APPS, notConverged: [] });
      },
      { timeout: timeoutMs, interval: 250, what: `all ${APPS} apps Synced+Healthy at ${head.slice(0, 8)}` },
    );
    return Date.now() - started;
  }

  /** Waits until some sync of the newest commit has started: syncs are in flight. */
  async awaitSyncsInFlight(): Promise<void> {
    const head = await this.repo.head();
    await eventually(
      async () => {
        const [row]: Array<{ n: number }> = await this.faults.db.dataSource.query(
          `SELECT count(*)::int AS n FROM events WHERE type = 'SyncOperationStarted' AND data->>'revision' = $1`,
          [head],
        );
        expect(row!.n).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 50, what: 'a sync of the new commit to start' },
    );
  }

  /** Polls /readyz of every live process every 500 ms until the returned stop is called. */
  sampleReadiness(): { samples: ReadySample[]; stop: () => Promise<void> } {
    const samples: ReadySample[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const tick = Date.now();
        await Promise.all(
          ROLES.map(async (role) => {
            const berth = this.roles.get(role)!;
            if (!berth.process.running) return;
            const started = Date.now();
            const sample = await berth.readyz().then(
              (r): ReadySample => ({ at: started, role, status: r.status, down: r.down, ms: r.ms }),
              (e: Error): ReadySample => ({
                at: started,
                role,
                status: e.name === 'TimeoutError' || e.name === 'AbortError' ? 'hang' : 'refused',
                down: {},
                ms: Date.now() - started,
              }),
            );
            // A process the test killed meanwhile, or one starting again, refuses: not a readiness answer.
            if (sample.status === 'refused' && (!berth.process.running || this.starting.has(role))) return;
            samples.push(sample);
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 500 - (Date.now() - tick))));
      }
    })();
    return {
      samples,
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  /** Every process is running unless the test killed it, and none wrote a bug line. */
  expectNoProcessDied(): void {
    for (const { role, berth, killedByTest } of this.all) {
      if (killedByTest) continue;
      if (!berth.process.running)
        throw new StopWaiting(`${role} exited on its own:\n${berth.process.output().slice(-4_000)}`);
    }
  }

  expectNoBugLines(): void {
    for (const { role, berth } of this.all) {
      const bugs = bugLines(berth.process.stdout + berth.process.stderr);
      expect({ role, bugs }).toEqual({ role, bugs: [] });
    }
  }

  /** Waits until every process answers /readyz 200; returns the slowest wait (ms). */
  async awaitAllReady(timeoutMs = 20_000): Promise<number> {
    const waits = await Promise.all([...this.roles.values()].map((p) => p.awaitReady(timeoutMs)));
    return Math.max(...waits);
  }

  /**
   * The event log is whole: per-stream versions 1..n without a gap, each sync operation started and
   * ended once (no overlap), every API refresh acknowledged with 2xx recorded as RefreshRequested.
   */
  async expectEventLogWhole(): Promise<void> {
    const db = this.faults.db.dataSource;
    const streams: Array<{ stream_id: string; versions: number[] }> = await db.query(
      `SELECT stream_id, array_agg(stream_version ORDER BY stream_version) AS versions FROM events GROUP BY 1`,
    );
    const gaps = streams.filter((s) => s.versions.some((v, i) => v !== i + 1));
    expect(gaps).toEqual([]);
    const rows: Array<{
      stream_id: string;
      stream_version: number;
      type: string;
      operation_id: string | null;
      appended_by: string | null;
    }> = await db.query(
      `SELECT stream_id, stream_version, type, data->>'operationId' AS operation_id,
              coalesce(metadata->>'workerId', metadata->>'source') AS appended_by
       FROM events
       WHERE type IN ('SyncOperationStarted', 'ResourceSynced', 'SyncOperationSucceeded',
                      'SyncOperationFailed', 'SyncOperationTerminated')
       ORDER BY stream_id, stream_version`,
    );
    const events: OperationEventRow[] = rows.map((r) => ({
      application: r.stream_id,
      streamVersion: r.stream_version,
      type: r.type,
      operationId: r.operation_id ?? undefined,
      // A killed worker's operation is finished by another: the one-appender rule does not apply here.
      appendedBy: undefined,
    }));
    // An operation may fail before it starts (the cluster API is away when the worker plans it): one
    // terminal event and no SyncOperationStarted is right for it; everything else must hold.
    const failedBeforeStart = new Set<string>();
    const byOperation = new Map<string, string[]>();
    for (const e of events)
      if (e.operationId) byOperation.set(e.operationId, [...(byOperation.get(e.operationId) ?? []), e.type]);
    for (const [id, types] of byOperation)
      if (types.length === 1 && types[0] === 'SyncOperationFailed') failedBeforeStart.add(id);
    expect(
      checkOperationIntervals(events).filter((v) => !v.operationId || !failedBeforeStart.has(v.operationId)),
    ).toEqual([]);
    // Every operation asked for (by a user or by auto-sync) ended exactly once.
    const requested: Array<{ operation_id: string; terminals: number }> = await db.query(
      `SELECT r.data->>'operationId' AS operation_id,
              (SELECT count(*)::int FROM events t WHERE t.stream_id = r.stream_id
                 AND t.type IN ('SyncOperationSucceeded', 'SyncOperationFailed', 'SyncOperationTerminated')
                 AND t.data->>'operationId' = r.data->>'operationId'
                 AND (t.type <> 'SyncOperationFailed' OR t.data->'retryInMs' IS NULL)) AS terminals
       FROM events r WHERE r.type = 'SyncRequested'`,
    );
    expect(requested.filter((r) => r.terminals !== 1)).toEqual([]);
    const refreshes: Array<{ application: string; n: number }> = await db.query(
      `SELECT data->>'application' AS application, count(*)::int AS n FROM events
       WHERE type = 'RefreshRequested' AND metadata->>'actor' = 'admin' GROUP BY 1`,
    );
    const recorded = new Map(refreshes.map((r) => [r.application, r.n]));
    const acknowledged = new Map<string, number>();
    for (const s of this.sent)
      if (typeof s.status === 'number' && s.status >= 200 && s.status < 300)
        acknowledged.set(s.application, (acknowledged.get(s.application) ?? 0) + 1);
    const missing = [...acknowledged].filter(([app, n]) => (recorded.get(app) ?? 0) < n);
    expect({ acknowledgedButNotRecorded: missing }).toEqual({ acknowledgedButNotRecorded: [] });
  }

  /**
   * Notifications: every on-sync-succeeded delivery planned (one per app and synced revision) is
   * sent, and Slack holds each delivery id exactly once.
   */
  async expectNotificationsExactlyOnce(timeoutMs = 90_000): Promise<number> {
    const started = Date.now();
    const db = this.faults.db.dataSource;
    let last: unknown;
    await eventually(
      async () => {
        last = 'a query of this attempt had not returned';
        const expected: Array<{ application: string; n: number }> = await db.query(
          `SELECT data->>'application' AS application, count(DISTINCT data->>'revision')::int AS n
           FROM events WHERE type = 'SyncOperationSucceeded' GROUP BY 1 ORDER BY 1`,
        );
        const planned: Array<{ application: string; n: number }> = await db.query(
          `SELECT application, count(*)::int AS n FROM notification_deliveries
           WHERE trigger = 'on-sync-succeeded' GROUP BY 1 ORDER BY 1`,
        );
        expect(planned).toEqual(expected);
        const unsent: unknown[] = await db.query(
          `SELECT id, application, status, attempts, claimed_by, last_error FROM notification_deliveries WHERE status <> 'sent'`,
        );
        last = { expected, planned, unsent };
        expect(planned).toEqual(expected);
        expect(unsent).toEqual([]);
      },
      { timeout: timeoutMs, interval: 250, what: 'every sync-succeeded notification to be sent' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nlast seen: ${JSON.stringify(last, null, 1).slice(0, 6_000)}`);
    });
    const sentAt = Date.now();
    const ids: Array<{ id: string }> = await db.query(
      `SELECT id FROM notification_deliveries WHERE trigger = 'on-sync-succeeded'`,
    );
    const atSlack = new Map<string, number>();
    for (const m of this.slack.messages) {
      const id = (m.metadata as { event_payload?: { delivery_id?: string } } | undefined)?.event_payload
        ?.delivery_id;
      if (id) atSlack.set(id, (atSlack.get(id) ?? 0) + 1);
    }
    const wrong = ids
      .filter((r) => atSlack.get(r.id) !== 1)
      .map((r) => ({ id: r.id, times: atSlack.get(r.id) ?? 0 }));
    expect({ notDeliveredExactlyOnce: wrong }).toEqual({ notDeliveredExactlyOnce: [] });
    return sentAt - started;
  }

  /**
   * The sync-succeeded deliveries planned since `since` (ms epoch): how many, and when the first and the
   * last were sent (ms after `since`). All go to one Slack channel, one a second.
   */
  async notificationPace(since: number): Promise<{ count: number; firstMs: number; lastMs: number }> {
    const [row]: Array<{ count: number; first: Date; last: Date }> = await this.faults.db.dataSource.query(
      `SELECT count(*)::int AS count, min(sent_at) AS first, max(sent_at) AS last FROM notification_deliveries
       WHERE trigger = 'on-sync-succeeded' AND created_at >= to_timestamp($1 / 1000.0)`,
      [since],
    );
    return {
      count: row!.count,
      firstMs: new Date(row!.first).getTime() - since,
      lastMs: new Date(row!.last).getTime() - since,
    };
  }

  async close(): Promise<void> {
    for (const { berth } of this.all) berth.process.kill();
    await Promise.all(this.all.map((e) => e.berth.process.exited));
    await this.proxy.close().catch(() => undefined);
    await this.sandbox.close().catch(() => undefined);
    await this.slack.close().catch(() => undefined);
    await this.faults.close();
    await rm(this.root, { recursive: true, force: true });
  }
}

/** Readiness samples of a fault's window that broke the rules: an answer slower than 2 s (or none). */
export function hangs(samples: readonly ReadySample[]): ReadySample[] {
  return samples.filter((s) => s.status === 'hang' || s.ms > 2_000);
}
