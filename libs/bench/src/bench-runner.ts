import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { createRedis } from '@berth/queues';
import type { BenchOptions, ScenarioName } from './bench-options';
import { BenchProgress } from './bench-progress';
import { type BenchReport, renderSummaryTable, type ScenarioOutcome, withRatios } from './bench-report';
import { runAudit } from './scenarios/audit.scenario';
import { runHealth } from './scenarios/health.scenario';
import { BenchFleet } from './scenarios/bench-fleet';
import { runDrift } from './scenarios/drift.scenario';
import { runLimits } from './scenarios/limits.scenario';
import { runNotifier } from './scenarios/notifier.scenario';
import {
  runCommitToLive,
  runInitial,
  runScaling,
  runSelfHeal,
  runSteady,
} from './scenarios/reconcile.scenarios';
import { type ScenarioContext, ScenarioSkipped } from './scenarios/scenario-context';
import { assertBuilt, BenchStack } from './stack/bench-stack';
import { connect, createMigratedDatabase, dropDatabase } from './stack/bench-database';

export interface BenchRunResult {
  report: BenchReport;
  table: string;
  jsonPath: string;
  /** Process logs, kept when a scenario failed. */
  logsDir?: string;
}

const FLEET_SCENARIOS: ScenarioName[] = ['initial', 'steady', 'commit-to-live', 'self-heal', 'scaling'];
/** Scenarios that measure code in the bench's own process: no sandbox or scheduler to start for them. */
const IN_PROCESS_SCENARIOS: ScenarioName[] = ['health'];

/** Starts what the scenarios need, runs them in order, tears everything down, writes the JSON. */
export async function runBench(options: BenchOptions, root: string = process.cwd()): Promise<BenchRunResult> {
  assertBuilt(root, ['scheduler', 'sandbox', 'notifier']);
  const startedAt = new Date();
  const runId = randomBytes(4).toString('hex');
  const workDir = join(tmpdir(), `berth-bench-${runId}`);
  await mkdir(workDir, { recursive: true });
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const redis = createRedis(redisUrl, 'berth-bench');
  const dbName = `berth_bench_${runId}`;
  const progress = new BenchProgress(options.progress);
  const stack = new BenchStack({
    root,
    workDir,
    databaseUrl: await createMigratedDatabase(dbName, { recreate: true }),
    redisUrl,
    queuePrefix: `berth-bench-${runId}`,
    workerConcurrency: options.workerConcurrency,
    timeScale: options.timeScale,
    refreshIntervalSeconds: options.refreshIntervalSeconds,
    ...(options.profileDir ? { profileDir: resolve(options.profileDir) } : {}),
  });
  const ctx: ScenarioContext = { options, root, runId, workDir, redisUrl, redis, stack, progress };
  const outcomes: ScenarioOutcome[] = [];
  const sampler = setInterval(() => {
    for (const p of [stack.sandbox, stack.scheduler, stack.notifier, ...stack.workers])
      p?.sample().catch(() => undefined);
  }, 500);
  // Stopped from outside: stop the processes we started rather than leave them running.
  const onSignal = (signal: NodeJS.Signals) => {
    progress.log(`${signal}: stopping the processes the bench started`);
    void stack.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const db = await connect(dbName);
  let fleet: BenchFleet | undefined;
  let fleetProblem: string | undefined;
  try {
    if (options.scenarios.some((s) => !IN_PROCESS_SCENARIOS.includes(s))) {
      await stack.startSandbox();
      await stack.startScheduler();
    }
    for (const scenario of options.scenarios) {
      const t0 = Date.now();
      const run = async (): Promise<ScenarioOutcome> => {
        switch (scenario) {
          case 'limits':
            return runLimits(ctx);
          case 'health':
            return runHealth(ctx);
          case 'audit':
            return runAudit(ctx);
          case 'notifier':
            return runNotifier(ctx);
          default: {
            if (fleetProblem) throw new ScenarioSkipped(fleetProblem);
            if (!fleet) {
              fleet = await prepareFleet(ctx, db);
              if (scenario !== 'initial') {
                // The later scenarios need a deployed fleet: deploy it as `initial` would, unmeasured.
                await runInitial(ctx, fleet);
              }
            }
            if (scenario === 'initial') return runInitial(ctx, fleet);
            if (scenario === 'steady') return runSteady(ctx, fleet);
            if (scenario === 'commit-to-live') return runCommitToLive(ctx, fleet);
            if (scenario === 'self-heal') return runSelfHeal(ctx, fleet);
            if (scenario === 'drift') return runDrift(ctx, fleet);
            return runScaling(ctx, fleet);
          }
        }
      };
      try {
        const result = await run();
        // A fleet that did not fully deploy cannot be measured further: later fleet scenarios skip.
        if (result.status === 'failed' && FLEET_SCENARIOS.includes(scenario))
          fleetProblem = `${scenario} failed earlier: ${result.reason ?? ''}`;
        outcomes.push(result);
      } catch (error) {
        progress.end();
        const message = error instanceof Error ? error.message : String(error);
        const skipped = error instanceof ScenarioSkipped;
        if (FLEET_SCENARIOS.includes(scenario) && !skipped)
          fleetProblem = `${scenario} failed earlier: ${message}`;
        outcomes.push({
          scenario,
          status: skipped ? 'skipped' : 'failed',
          reason: message,
          seconds: (Date.now() - t0) / 1000,
          figures: [],
        });
        progress.log(`${scenario}: ${skipped ? 'skipped' : 'FAILED'}: ${message}`);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    clearInterval(sampler);
    progress.end();
    await stack.close();
    await db.end();
    redis.disconnect();
    await dropDatabase(dbName).catch(() => undefined);
    await cleanupRedis(redisUrl, `berth-bench-${runId}`);
  }
  const figures = withRatios(outcomes.flatMap((o) => o.figures));
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: { ...options },
    machine: {
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: process.platform,
    },
    scenarios: outcomes.map((o) => ({ ...o, figures: figures.filter((f) => f.scenario === o.scenario) })),
    figures,
  };
  const dir = resolve(root, options.resultsDir);
  await mkdir(dir, { recursive: true });
  const jsonPath = join(
    dir,
    `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}-apps${options.apps}-w${options.workers}.json`,
  );
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  // Logs of a failed run stay for reading; a clean run leaves nothing behind.
  const failed = outcomes.some((o) => o.status === 'failed');
  if (!failed) await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  return {
    report,
    table: renderSummaryTable(report.scenarios, figures),
    jsonPath,
    ...(failed ? { logsDir: workDir } : {}),
  };
}

async function prepareFleet(
  ctx: ScenarioContext,
  db: Awaited<ReturnType<typeof connect>>,
): Promise<BenchFleet> {
  try {
    assertBuilt(ctx.root, ['worker']);
  } catch (error) {
    throw new ScenarioSkipped(`worker not available: ${(error as Error).message}`);
  }
  ctx.progress.begin(`generating ${ctx.options.apps} apps in Git`, 1);
  const fleet = await BenchFleet.create(join(ctx.workDir, 'fleet'), ctx.options.apps, db);
  ctx.progress.begin(`starting ${ctx.options.workers} worker(s)`, 1);
  await ctx.stack.scaleWorkers(ctx.options.workers);
  return fleet;
}

async function cleanupRedis(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl, 'berth-bench-cleanup');
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
