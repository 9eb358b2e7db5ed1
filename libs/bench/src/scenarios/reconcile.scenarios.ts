import { applicationAggregate, applicationEvent, applicationStreamId } from '@berth/domain';
import { createCommandHandler, createDataSource } from '@berth/event-store';
import { JobQueues } from '@berth/queues';
import type { BenchFigure, ScenarioOutcome } from '../bench-report';
import { summarize } from '../latency-stats';
import { diffCounters, PostgresMeter } from '../measure/postgres-meter';
import { redisCommandsProcessed } from '../measure/redis-meter';
import { diffRequestCounts, sandboxRequestCounts } from '../measure/sandbox-meter';
import { type BenchFleet, firstSyncedAndHealthy } from './bench-fleet';
import { LIMIT } from './limits.scenario';
import { type ScenarioContext, WaitTimeoutError, waitUntil } from './scenario-context';

const outcome = (
  scenario: string,
  started: number,
  figures: BenchFigure[],
  details?: Record<string, unknown>,
): ScenarioOutcome => ({
  scenario,
  status: 'ok',
  seconds: (Date.now() - started) / 1000,
  figures,
  ...(details ? { details } : {}),
});

const workerCpu = async (ctx: ScenarioContext) => {
  let sum = 0;
  for (const w of ctx.stack.workers) sum += (await w.sample()).cpuSeconds;
  return sum;
};

/** N apps from nothing to all Synced + Healthy. */
export async function runInitial(ctx: ScenarioContext, fleet: BenchFleet): Promise<ScenarioOutcome> {
  const started = Date.now();
  const n = fleet.apps.length;
  ctx.progress.begin('initial: registering apps', n);
  // RSS before any app: what a worker costs empty, so growth per app is not hidden by the baseline.
  const baseline = await Promise.all(ctx.stack.workers.map(async (w) => (await w.sample()).rssBytes));
  const since = new Date(Date.now() - 1000);
  const t0 = Date.now();
  const accepted = await fleet.register(ctx.stack.schedulerUrl, ctx.stack.schedulerToken, (k) =>
    ctx.progress.update(k),
  );
  ctx.progress.begin('initial: apps Synced + Healthy', n);
  // A worker that never syncs anything (not built yet, or broken) must end the scenario, not hang it.
  const firstDeadline = Date.now() + Math.min(ctx.options.timeoutSeconds, 120) * 1000;
  // Past --timeout the figures of the apps that made it are still worth reporting (marked failed).
  let unfinished: string | undefined;
  await waitUntil(
    'all apps Synced and Healthy',
    async () => {
      const rows = await fleet.rows();
      const ready = rows.filter((r) => r.sync_status === 'Synced' && r.health_status === 'Healthy').length;
      ctx.progress.update(ready);
      if (ready === 0 && Date.now() > firstDeadline) {
        const why = await fleet.firstCondition();
        throw new Error(
          `no app became Synced + Healthy within ${Math.round((firstDeadline - t0) / 1000)} s${
            why ? `; first condition raised: ${why}` : ''
          }; worker logs in ${ctx.workDir}`,
        );
      }
      return ready === n;
    },
    ctx.options.timeoutSeconds * 1000,
    500,
  ).catch((error: unknown) => {
    if (!(error instanceof WaitTimeoutError)) throw error;
    unfinished = error.message;
  });
  if (unfinished) {
    const stuck = (await fleet.rows())
      .filter((r) => r.sync_status !== 'Synced' || r.health_status !== 'Healthy')
      .slice(0, 3)
      .map((r) => `${r.name} ${r.sync_status}/${r.health_status}`);
    unfinished += `; still waiting: ${stuck.join(', ')}`;
  }
  ctx.progress.end();
  const done = firstSyncedAndHealthy(
    await fleet.statusEvents(
      fleet.apps.map((a) => a.name),
      since,
    ),
  );
  if (done.size === 0) throw new WaitTimeoutError(unfinished ?? 'no app became Synced + Healthy');
  const perApp = fleet.apps
    .filter((a) => done.has(a.name))
    .map((a) => done.get(a.name)! - (accepted.get(a.name) ?? t0));
  const wall = (Math.max(...done.values()) - t0) / 1000;
  const s = summarize(perApp);
  const rss = ctx.stack.workers.map((w) => w.peakRssBytes);
  const mib = (b: number) => b / (1 << 20);
  const result = outcome(
    'initial',
    started,
    [
      { scenario: 'initial', name: `${n} apps to Synced + Healthy`, value: wall, unit: 's wall' },
      {
        scenario: 'initial',
        name: 'throughput',
        value: n / wall,
        unit: 'apps/s',
        limit: LIMIT.applyAppsRate,
        compare: 'rate',
      },
      {
        scenario: 'initial',
        name: 'per app',
        value: s.p50,
        unit: 'ms p50',
        limit: LIMIT.renderApplyPerApp,
        compare: 'time',
      },
      { scenario: 'initial', name: 'per app', value: s.p95, unit: 'ms p95' },
      { scenario: 'initial', name: 'per app', value: s.p99, unit: 'ms p99' },
      { scenario: 'initial', name: 'peak RSS per worker', value: mib(Math.max(...rss)), unit: 'MiB' },
      {
        scenario: 'initial',
        name: 'worker RSS growth per 1,000 apps',
        value: (mib(rss.reduce((a, b, k) => a + b - (baseline[k] ?? 0), 0)) * 1000) / n,
        unit: 'MiB',
        note: 'peak minus empty-worker RSS, all workers, scaled',
      },
    ],
    { perApp: s, peakRssBytes: rss, emptyRssBytes: baseline },
  );
  if (!unfinished) return result;
  return {
    ...result,
    status: 'failed',
    reason: `${unfinished}; ${done.size} of ${n} apps made it (figures below are theirs)`,
    figures: result.figures.map((f) =>
      f.name === `${n} apps to Synced + Healthy`
        ? { ...f, name: `${done.size} of ${n} apps to Synced + Healthy` }
        : f,
    ),
  };
}

/** Every app refreshed once with nothing changed: what a refresh costs when there is nothing to do. */
export async function measureRefreshAll(ctx: ScenarioContext, fleet: BenchFleet, label: string) {
  const n = fleet.apps.length;
  const meter = new PostgresMeter(fleet.db, fleet.db.database ?? '');
  const queues = new JobQueues(ctx.redis, ctx.stack.options.queuePrefix);
  try {
    const pgBefore = await meter.sample();
    const cpuBefore = await workerCpu(ctx);
    const redisBefore = await redisCommandsProcessed(ctx.redis);
    const sandboxBefore = await sandboxRequestCounts(ctx.stack.sandboxUrl);
    const t0 = new Date();
    ctx.progress.begin(`${label}: refreshing ${n} apps`, n);
    for (const app of fleet.apps)
      await queues.requestRefresh({ application: app.name, hard: false, reason: 'bench' });
    await waitUntil(
      `${label}: every app refreshed`,
      async () => {
        const fresh = (await fleet.rows()).filter((r) => r.reconciled_at && r.reconciled_at >= t0).length;
        ctx.progress.update(fresh);
        return fresh === n;
      },
      ctx.options.timeoutSeconds * 1000,
      250,
    );
    const seconds = (Date.now() - t0.getTime()) / 1000;
    const redisAfter = await redisCommandsProcessed(ctx.redis);
    const cpuAfter = await workerCpu(ctx);
    const sandbox = diffRequestCounts(await sandboxRequestCounts(ctx.stack.sandboxUrl), sandboxBefore);
    ctx.progress.end();
    // Backends flush their statistics at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
    const pg = diffCounters(await meter.sample(), pgBefore);
    return {
      refreshesPerSecond: n / seconds,
      workerCpuPerRefresh: (cpuAfter - cpuBefore) / n,
      pgCpuPerRefresh: pg.backendCpuSeconds / n,
      eventsPerRefresh: pg.events / n,
      redisOpsPerRefresh: (redisAfter - redisBefore) / n,
      pgTransactionsPerRefresh: pg.transactions / n,
      pgRowsWrittenPerRefresh: pg.rowsWritten / n,
      // Every client's requests while the refreshes ran (watches opened meanwhile count as `watch`).
      apiGetsPerRefresh: sandbox.get / n,
      apiListsPerRefresh: sandbox.list / n,
      sandboxRequests: sandbox,
    };
  } finally {
    await queues.close();
  }
}

export async function runSteady(ctx: ScenarioContext, fleet: BenchFleet): Promise<ScenarioOutcome> {
  const started = Date.now();
  if (ctx.options.priorEvents > 0) await appendPriorEvents(ctx, fleet, ctx.options.priorEvents);
  const m = await measureRefreshAll(ctx, fleet, 'steady');
  const f = (name: string, value: number, unit: string, extra: Partial<BenchFigure> = {}): BenchFigure => ({
    scenario: 'steady',
    name,
    value,
    unit,
    ...extra,
  });
  return outcome(
    'steady',
    started,
    [
      f('refresh, no change', m.refreshesPerSecond, 'refreshes/s', {
        limit: LIMIT.bullmqRate,
        compare: 'rate',
      }),
      f('worker CPU per refresh', m.workerCpuPerRefresh * 1000, 'ms', {
        note: 'before the cluster cache (#13): 20.5 ms at 1,000 apps',
      }),
      f('API GETs per refresh', m.apiGetsPerRefresh, 'GETs', {
        note: 'named-object GETs the sandbox answered, all clients',
      }),
      f('API lists per refresh', m.apiListsPerRefresh, 'lists'),
      f('Postgres CPU per refresh', m.pgCpuPerRefresh * 1000, 'ms', { note: "the database's backends" }),
      f('events appended per refresh', m.eventsPerRefresh, 'events'),
      f('Redis commands per refresh', m.redisOpsPerRefresh, 'cmds', { note: 'server-wide counter' }),
      f('Postgres transactions per refresh', m.pgTransactionsPerRefresh, 'tx'),
      f('Postgres rows written per refresh', m.pgRowsWrittenPerRefresh, 'rows'),
      f("events already in each app's stream", ctx.options.priorEvents, 'events', {
        note: 'appended before the measurement (--prior-events)',
      }),
    ],
    { ...m },
  );
}

/** A commit, a webhook, and the time until the change is applied and Healthy. */
export async function runCommitToLive(ctx: ScenarioContext, fleet: BenchFleet): Promise<ScenarioOutcome> {
  const started = Date.now();
  const figures: BenchFigure[] = [];
  const rounds = [
    { label: 'one app', apps: [fleet.apps[0]!] },
    { label: 'one app', apps: [fleet.apps[Math.floor(fleet.apps.length / 2)]!] },
    { label: 'one app', apps: [fleet.apps[fleet.apps.length - 1]!] },
    {
      label: '10% of apps',
      apps: fleet.apps
        .filter((_, i) => i % 10 === 3)
        .slice(0, Math.max(1, Math.ceil(fleet.apps.length / 10))),
    },
  ];
  const applied: Record<string, number[]> = {};
  const healthy: Record<string, number[]> = {};
  let webhookRefreshes = 0;
  for (const [i, round] of rounds.entries()) {
    ctx.progress.begin(`commit-to-live: ${round.label} (${i + 1}/${rounds.length})`, round.apps.length);
    const names = round.apps.map((a) => a.name);
    const sha = await fleet.bump(round.apps);
    const t0 = Date.now();
    webhookRefreshes = (await fleet.webhook(ctx.stack.schedulerUrl)).length;
    const stuck = async () =>
      (await fleet.rows(names))
        .filter((r) => r.revision !== sha || r.sync_status !== 'Synced' || r.health_status !== 'Healthy')
        .slice(0, 3)
        .map((r) => `${r.name} at ${r.revision?.slice(0, 7)} ${r.sync_status}/${r.health_status}`)
        .join(', ');
    await waitUntil(
      `${round.label}: commit ${sha.slice(0, 7)} applied and Healthy`,
      async () => {
        const ok = (await fleet.rows(names)).filter(
          (r) => r.revision === sha && r.sync_status === 'Synced' && r.health_status === 'Healthy',
        ).length;
        ctx.progress.update(ok);
        return ok === names.length;
      },
      ctx.options.timeoutSeconds * 1000,
      100,
    ).catch(async (error: unknown) => {
      throw error instanceof WaitTimeoutError
        ? new WaitTimeoutError(`${error.message}; still waiting: ${await stuck()}`)
        : error;
    });
    const events = await fleet.statusEvents(names, new Date(t0 - 50));
    for (const name of names) {
      const mine = events.filter((e) => e.application === name);
      const appliedAt = mine
        .find((e) => e.type === 'SyncOperationSucceeded' && e.revision === sha)
        ?.at.getTime();
      if (appliedAt === undefined) continue;
      const healthyAt =
        mine
          .filter((e) => e.type === 'HealthStatusChanged' && e.to === 'Healthy')
          .pop()
          ?.at.getTime() ?? appliedAt;
      (applied[round.label] ??= []).push(appliedAt - t0);
      (healthy[round.label] ??= []).push(Math.max(appliedAt, healthyAt) - t0);
    }
  }
  ctx.progress.end();
  for (const label of Object.keys(applied)) {
    const a = summarize(applied[label]!);
    const h = summarize(healthy[label]!);
    figures.push(
      {
        scenario: 'commit-to-live',
        name: `${label}: webhook -> applied`,
        value: a.p50,
        unit: 'ms p50',
        limit: LIMIT.renderApplyPerApp,
        compare: 'time',
      },
      { scenario: 'commit-to-live', name: `${label}: webhook -> applied`, value: a.p95, unit: 'ms p95' },
      { scenario: 'commit-to-live', name: `${label}: webhook -> Healthy`, value: h.p50, unit: 'ms p50' },
      { scenario: 'commit-to-live', name: `${label}: webhook -> Healthy`, value: h.p95, unit: 'ms p95' },
    );
  }
  figures.push({
    scenario: 'commit-to-live',
    name: 'apps refreshed by one webhook',
    value: webhookRefreshes,
    unit: 'apps',
    note: 'same repo, same branch',
  });
  return outcome('commit-to-live', started, figures, { applied, healthy });
}

/** Drift injected into K apps' live objects; time until Berth put every one back. */
export async function runSelfHeal(ctx: ScenarioContext, fleet: BenchFleet): Promise<ScenarioOutcome> {
  const started = Date.now();
  const k = ctx.options.driftApps;
  const interval = ctx.options.selfHealRefreshSeconds;
  // Berth notices drift on its periodic refresh (it does not watch the cluster yet): turn it on.
  await ctx.stack.startScheduler({ REFRESH_INTERVAL_SECONDS: String(interval), REFRESH_JITTER_SECONDS: '0' });
  try {
    const targets = fleet.apps
      .filter((_, i) => i % Math.max(1, Math.floor(fleet.apps.length / k)) === 0)
      .slice(0, k);
    const url = (app: string) =>
      `${ctx.stack.sandboxUrl}/api/v1/namespaces/${app}/configmaps/${app}-web-config`;
    const t0 = Date.now();
    for (const app of targets) {
      const res = await fetch(url(app.name), {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ data: { GREETING: 'drifted by hand' } }),
      });
      if (!res.ok) throw new Error(`drift on ${app.name}: HTTP ${res.status}`);
    }
    const reverted = new Map<string, number>();
    ctx.progress.begin(`self-heal: ${k} drifted apps (refresh every ${interval}s)`, k);
    await waitUntil(
      'every drifted object reverted',
      async () => {
        for (const app of targets) {
          if (reverted.has(app.name)) continue;
          const cm = (await (await fetch(url(app.name))).json()) as { data?: Record<string, string> };
          if (cm.data?.['GREETING'] === `hello from ${app.name}`) reverted.set(app.name, Date.now() - t0);
        }
        ctx.progress.update(reverted.size);
        return reverted.size === targets.length;
      },
      Math.min(ctx.options.timeoutSeconds, interval * 4 + 120) * 1000,
      250,
    );
    ctx.progress.end();
    const s = summarize([...reverted.values()]);
    return outcome(
      'self-heal',
      started,
      [
        {
          scenario: 'self-heal',
          name: `all ${k} drifted apps reverted`,
          value: s.max / 1000,
          unit: 's',
          note: `refresh interval ${interval} s`,
        },
        { scenario: 'self-heal', name: 'per app', value: s.p50 / 1000, unit: 's p50' },
      ],
      { reverted: s },
    );
  } finally {
    await ctx.stack.startScheduler();
  }
}

/** The same no-change refresh of every app with W = 1, 2, 4 workers: throughput relative to W = 1. */
export async function runScaling(ctx: ScenarioContext, fleet: BenchFleet): Promise<ScenarioOutcome> {
  const started = Date.now();
  const rates = new Map<number, number>();
  try {
    for (const w of ctx.options.scalingWorkers) {
      await ctx.stack.scaleWorkers(w);
      rates.set(w, (await measureRefreshAll(ctx, fleet, `scaling W=${w}`)).refreshesPerSecond);
    }
  } finally {
    await ctx.stack.scaleWorkers(ctx.options.workers);
  }
  const base = rates.get(ctx.options.scalingWorkers[0]!) ?? Number.NaN;
  const figures: BenchFigure[] = [];
  for (const [w, rate] of rates) {
    figures.push(
      { scenario: 'scaling', name: `W=${w} refresh throughput`, value: rate, unit: 'refreshes/s' },
      {
        scenario: 'scaling',
        name: `W=${w} vs W=${ctx.options.scalingWorkers[0]}`,
        value: rate / base,
        unit: 'x',
      },
    );
  }
  return outcome('scaling', started, figures, { rates: Object.fromEntries(rates) });
}

/**
 * Grows every app's stream by `count` RefreshRequested events (through the command path, in batches, no
 * jobs): a refresh reads the snapshot and the events after it, so its cost must not change with this.
 */
async function appendPriorEvents(ctx: ScenarioContext, fleet: BenchFleet, count: number): Promise<void> {
  const dataSource = createDataSource(ctx.stack.options.databaseUrl, {
    poolSize: 4,
    applicationName: 'berth-bench-fill',
  });
  await dataSource.initialize();
  ctx.progress.begin(`steady: ${count} prior events per app`, fleet.apps.length);
  try {
    const commands = createCommandHandler(dataSource);
    for (const [i, app] of fleet.apps.entries()) {
      for (let left = count; left > 0; left -= 1000) {
        const batch = Array.from({ length: Math.min(1000, left) }, () =>
          applicationEvent('RefreshRequested', { application: app.name, hard: false }),
        );
        await commands.handle(applicationAggregate, applicationStreamId(app.name), () => batch, {
          actor: 'system:bench',
        });
      }
      ctx.progress.update(i + 1);
    }
  } finally {
    ctx.progress.end();
    await dataSource.destroy();
  }
}
