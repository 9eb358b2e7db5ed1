import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { createRedis } from '@berth/queues';
import { findTools } from '@berth/render';
import { runTool } from '@berth/sources';
import { benchAppFiles, benchApps, type BenchAppSpec } from '../bench-app.fixture';
import type { BenchFigure, ScenarioOutcome } from '../bench-report';
import { mapConcurrent, summarize } from '../latency-stats';
import { connect, createMigratedDatabase, dropDatabase } from '../stack/bench-database';
import type { ScenarioContext } from './scenario-context';

/** Keys other scenarios compare with (see BenchFigure.limit). */
export const LIMIT = {
  helmPerApp: 'limit.helm-template-ms',
  kustomizePerApp: 'limit.kustomize-build-ms',
  pgInsertRate: 'limit.pg-event-insert-per-s',
  bullmqRate: 'limit.bullmq-empty-jobs-per-s',
  applyRate: 'limit.sandbox-apply-objects-per-s',
  applyAppsRate: 'limit.sandbox-apply-apps-per-s',
  renderApplyPerApp: 'limit.render-and-apply-one-app-ms',
} as const;

const SAMPLE_APPS = 6;
const PG_INSERTS = 3000;
const BULLMQ_JOBS = 3000;
const APPLY_OBJECTS = 600;
const CONCURRENCY = 8;

/**
 * What the machine can do without Berth in the way, measured in the same run so ratios survive a
 * noisy shared machine: the render tools, a bare event insert, an empty BullMQ job, a bare apply.
 */
export async function runLimits(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const started = Date.now();
  const figures: BenchFigure[] = [];
  const fig = (name: string, key: string, value: number, unit: string, note?: string) =>
    figures.push({ scenario: 'limits', name, key, value, unit, ...(note ? { note } : {}) });

  ctx.progress.begin('limits: helm template / kustomize', SAMPLE_APPS * 2);
  const render = await renderTimes(ctx, (n) => ctx.progress.update(n));
  fig('helm template, one app', LIMIT.helmPerApp, render.helm.p50, 'ms', 'p50, process start included');
  fig(
    'kustomize build, one app',
    LIMIT.kustomizePerApp,
    render.kustomize.p50,
    'ms',
    'p50, kubectl kustomize',
  );

  ctx.progress.begin('limits: Postgres event insert', PG_INSERTS);
  const pgRate = await postgresInsertRate(ctx, (n) => ctx.progress.update(n));
  fig(
    'Postgres event-row insert',
    LIMIT.pgInsertRate,
    pgRate,
    'rows/s',
    `${CONCURRENCY} connections, 1 row per tx`,
  );

  ctx.progress.begin('limits: BullMQ empty jobs', BULLMQ_JOBS);
  const bullRate = await bullmqEmptyJobRate(ctx, (n) => ctx.progress.update(n));
  fig('BullMQ empty job', LIMIT.bullmqRate, bullRate, 'jobs/s', `concurrency ${CONCURRENCY}`);

  ctx.progress.begin('limits: sandbox server-side apply', APPLY_OBJECTS);
  const applyRate = await sandboxApplyRate(ctx, (n) => ctx.progress.update(n));
  ctx.progress.end();
  fig('sandbox server-side apply', LIMIT.applyRate, applyRate, 'objects/s', `concurrency ${CONCURRENCY}`);
  const apps = benchApps(ctx.options.apps);
  const meanObjects = apps.reduce((a, s) => a + s.objectCount, 0) / apps.length;
  fig(
    'sandbox apply, whole apps',
    LIMIT.applyAppsRate,
    applyRate / meanObjects,
    'apps/s',
    `${meanObjects.toFixed(1)} objects/app`,
  );
  // One app from Git to the cluster with nothing but the tools: render (2/3 of apps use a tool) + apply.
  const meanRender = (render.helm.p50 + render.kustomize.p50) / 3;
  fig(
    'render + apply one app',
    LIMIT.renderApplyPerApp,
    meanRender + (meanObjects / applyRate) * 1000,
    'ms',
    'serial, mean over the app mix',
  );
  return {
    scenario: 'limits',
    status: 'ok',
    seconds: (Date.now() - started) / 1000,
    figures,
    details: { helm: render.helm, kustomize: render.kustomize },
  };
}

async function renderTimes(ctx: ScenarioContext, onProgress: (n: number) => void) {
  const tools = findTools();
  const dir = join(ctx.workDir, 'limits-render');
  const apps = benchApps(SAMPLE_APPS * 3);
  const write = async (app: BenchAppSpec) => {
    for (const [path, content] of Object.entries(benchAppFiles(app, 1))) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return join(dir, app.path);
  };
  const timed = async (command: string, args: string[], label: string) => {
    const t0 = performance.now();
    await runTool(command, args, { timeoutMs: 60_000, maxOutputBytes: 16 << 20, label });
    return performance.now() - t0;
  };
  const helm: number[] = [];
  const kustomize: number[] = [];
  let done = 0;
  for (const app of apps) {
    if (app.kind === 'helm') {
      if (!tools.helm) throw new Error('helm not found: run `npm run tools` or set HELM_PATH');
      helm.push(await timed(tools.helm, ['template', app.name, await write(app)], 'helm template'));
    } else if (app.kind === 'kustomize') {
      if (!tools.kustomize) throw new Error('kustomize not found: run `npm run tools` or set KUSTOMIZE_PATH');
      const k = tools.kustomize;
      kustomize.push(await timed(k.command, [...k.buildArgs, await write(app)], 'kustomize build'));
    } else continue;
    onProgress(++done);
  }
  await rm(dir, { recursive: true, force: true });
  return { helm: summarize(helm), kustomize: summarize(kustomize) };
}

async function postgresInsertRate(ctx: ScenarioContext, onProgress: (n: number) => void): Promise<number> {
  const name = `berth_bench_limits_${ctx.runId}`;
  await createMigratedDatabase(name, { recreate: true });
  const clients = await Promise.all(Array.from({ length: CONCURRENCY }, () => connect(name)));
  try {
    const data = JSON.stringify({
      application: 'bench-limit',
      revision: 'a'.repeat(40),
      summary: 'bare insert',
    });
    const metadata = JSON.stringify({ actor: 'system:bench', correlationId: 'bench' });
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (client, lane) => {
        while (next < PG_INSERTS) {
          const i = next++;
          await client.query(
            `INSERT INTO events (stream_id, stream_version, type, data, metadata) VALUES ($1, $2, 'BenchLimit', $3, $4)`,
            [`limit-${lane}`, i + 1, data, metadata],
          );
          if (i % 100 === 0) onProgress(i);
        }
      }),
    );
    return PG_INSERTS / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await dropDatabase(name);
  }
}

async function bullmqEmptyJobRate(ctx: ScenarioContext, onProgress: (n: number) => void): Promise<number> {
  const prefix = `berth-bench-${ctx.runId}-limits`;
  const producer = createRedis(ctx.redisUrl, 'berth-bench');
  const consumer = createRedis(ctx.redisUrl, 'berth-bench');
  const queue = new Queue('empty', { connection: producer, prefix });
  try {
    await queue.addBulk(
      Array.from({ length: BULLMQ_JOBS }, (_, i) => ({
        name: 'empty',
        data: { i },
        opts: { removeOnComplete: true, removeOnFail: true },
      })),
    );
    let completed = 0;
    const t0 = performance.now();
    let finish: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (finish = resolve));
    const worker = new Worker('empty', async () => undefined, {
      connection: consumer,
      prefix,
      concurrency: CONCURRENCY,
    });
    worker.on('completed', () => {
      completed++;
      if (completed % 100 === 0) onProgress(completed);
      if (completed === BULLMQ_JOBS) finish();
    });
    await Promise.race([allDone, new Promise((r) => setTimeout(r, 120_000))]);
    const seconds = (performance.now() - t0) / 1000;
    await worker.close();
    return completed / seconds;
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}

async function sandboxApplyRate(ctx: ScenarioContext, onProgress: (n: number) => void): Promise<number> {
  const base = ctx.stack.sandboxUrl;
  const ns = `bench-limits-${ctx.runId}`;
  const res = await fetch(`${base}/api/v1/namespaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
  });
  if (!res.ok && res.status !== 409) throw new Error(`sandbox refused namespace ${ns}: HTTP ${res.status}`);
  let done = 0;
  const t0 = performance.now();
  await mapConcurrent(
    Array.from({ length: APPLY_OBJECTS }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const name = `limit-${i}`;
      const body = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns },
        data: { i: String(i) },
      };
      const r = await fetch(
        `${base}/api/v1/namespaces/${ns}/configmaps/${name}?fieldManager=berth-bench&force=true`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/apply-patch+yaml' },
          body: JSON.stringify(body),
        },
      );
      if (!r.ok)
        throw new Error(
          `sandbox apply of ConfigMap ${ns}/${name} failed: HTTP ${r.status} ${await r.text()}`,
        );
      if (++done % 50 === 0) onProgress(done);
    },
  );
  const rate = APPLY_OBJECTS / ((performance.now() - t0) / 1000);
  await fetch(`${base}/api/v1/namespaces/${ns}`, { method: 'DELETE' }).catch(() => undefined);
  return rate;
}
