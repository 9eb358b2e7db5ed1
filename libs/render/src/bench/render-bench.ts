import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { GitMirrorCache, runTool } from '@berth/sources';
import { ManifestRenderer } from '../manifest-renderer';
import { RedisManifestCache } from '../manifest/redis-manifest-cache';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { findTools, toolVersions, type ToolVersions } from '../tools/tool-locator';
import { generateBenchRepo, type BenchApp, type BenchAppKind } from './bench-repo.generator';

export interface RenderBenchOptions {
  /** Applications in the generated repository. Default 50. */
  apps?: number;
  /** Renders in flight at once. Default 1 (per-render cost, as one worker slot sees it). */
  concurrency?: number;
  /** Default `redis://127.0.0.1:6379`. */
  redisUrl?: string;
  /** Where the JSON result goes; default `bench/results` under the working directory. */
  resultsDir?: string;
  log?: (line: string) => void;
}

/** Timing of one phase (a batch of renders). */
export interface RenderBenchPhase {
  phase: string;
  renders: number;
  totalMs: number;
  rendersPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface RenderBenchResult {
  date: string;
  apps: { total: number; byKind: Record<BenchAppKind, number>; objects: number };
  concurrency: number;
  tools: ToolVersions;
  node: string;
  phases: RenderBenchPhase[];
  resultFile: string;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

async function timePhase<T>(
  phase: string,
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<unknown>,
): Promise<RenderBenchPhase> {
  const durations: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      const t0 = performance.now();
      await fn(item);
      durations.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const totalMs = performance.now() - started;
  durations.sort((a, b) => a - b);
  return {
    phase,
    renders: items.length,
    totalMs: round(totalMs),
    rendersPerSecond: round((items.length / totalMs) * 1000),
    p50Ms: round(percentile(durations, 50)),
    p95Ms: round(percentile(durations, 95)),
    maxMs: round(durations.at(-1) ?? 0),
  };
}

/** The result as a small fixed-width table for the terminal. */
export function formatRenderBenchTable(result: RenderBenchResult): string {
  const header = ['phase', 'renders', 'total ms', 'renders/s', 'p50 ms', 'p95 ms', 'max ms'];
  const rows = result.phases.map((p) =>
    [p.phase, p.renders, p.totalMs, p.rendersPerSecond, p.p50Ms, p.p95Ms, p.maxMs].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * `npm run bench:render`: renders a generated repository of plain, kustomize and helm apps
 * through ManifestRenderer with a Redis manifest cache, cold (fresh mirror, empty cache) and
 * warm (cache hits), next to bare `helm template` / `kubectl kustomize` runs of the same apps.
 */
export async function runRenderBench(options: RenderBenchOptions = {}): Promise<RenderBenchResult> {
  const log = options.log ?? (() => {});
  const count = options.apps ?? 50;
  const concurrency = options.concurrency ?? 1;
  const tools = findTools();
  if (!tools.helm || !tools.kustomize)
    throw new Error('helm and kubectl are needed: run `npm run tools` first');
  const root = await mkdtemp(join(tmpdir(), 'berth-bench-render-'));
  const redis = new Redis(options.redisUrl ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  const prefix = `berth:bench-render:${process.pid}-${Date.now()}:`;
  try {
    await redis.connect();
    const { apps, files } = generateBenchRepo(count);
    const repo = await GitFixtureRepo.create(root, 'apps');
    await repo.commit(files, `${count} apps`);
    log(`generated ${count} apps (${apps.reduce((n, a) => n + a.objects, 0)} objects) in ${repo.workDir}`);
    const versions = await toolVersions(tools);
    const newRenderer = (cacheDir: string) =>
      new ManifestRenderer({
        git: new GitMirrorCache({ cacheDir, workDir: root, allowFileUrls: true }),
        cache: new RedisManifestCache(redis, prefix),
        tools,
      });
    const render = (renderer: ManifestRenderer) => async (app: BenchApp) => {
      const result = await renderer.render({
        appName: app.name,
        namespace: app.name,
        source: { repoURL: repo.fileUrl, targetRevision: 'main', path: app.path },
      });
      if (result.objects.length !== app.objects) {
        throw new Error(`${app.name} rendered ${result.objects.length} objects, expected ${app.objects}`);
      }
    };
    const phases: RenderBenchPhase[] = [];
    const cold = newRenderer(join(root, 'mirror-cold'));
    log('cold: fresh mirror, empty Redis cache ...');
    phases.push(await timePhase('cold (ManifestRenderer)', apps, concurrency, render(cold)));
    log('warm: Redis cache hits ...');
    phases.push(await timePhase('warm (ManifestRenderer)', apps, concurrency, render(cold)));
    if (cold.counters.cacheHits !== apps.length) {
      throw new Error(`warm phase expected ${apps.length} cache hits, got ${cold.counters.cacheHits}`);
    }
    // The same warm path through a second renderer: what another worker with its own mirror sees.
    const other = newRenderer(join(root, 'mirror-other'));
    phases.push(await timePhase('warm, other worker', apps, concurrency, render(other)));
    for (const kind of ['plain', 'kustomize', 'helm'] as const) {
      const ofKind = apps.filter((app) => app.kind === kind);
      const renderer = newRenderer(join(root, `mirror-${kind}`));
      // Warm the mirror first: this row is the per-kind render cost, not the clone.
      await renderer.render({
        appName: 'x',
        source: { repoURL: repo.fileUrl, targetRevision: 'main', path: ofKind[0]!.path },
        hardRefresh: true,
      });
      phases.push(
        await timePhase(`cold ${kind} (cache bypass)`, ofKind, concurrency, async (app) => {
          await renderer.render({
            appName: app.name,
            namespace: app.name,
            source: { repoURL: repo.fileUrl, targetRevision: 'main', path: app.path },
            hardRefresh: true,
          });
        }),
      );
    }
    const limits = { timeoutMs: 60_000, maxOutputBytes: 64 * 1024 * 1024 };
    const helmApps = apps.filter((app) => app.kind === 'helm');
    phases.push(
      await timePhase('bare helm template', helmApps, concurrency, (app) =>
        runTool(
          tools.helm!,
          ['template', app.name, join(repo.workDir, app.path), '--namespace', app.name, '--include-crds'],
          {
            ...limits,
            label: 'helm template',
          },
        ),
      ),
    );
    const kustomize = tools.kustomize;
    const kustomizeApps = apps.filter((app) => app.kind === 'kustomize');
    phases.push(
      await timePhase(
        `bare ${kustomize.standalone ? 'kustomize build' : 'kubectl kustomize'}`,
        kustomizeApps,
        concurrency,
        (app) =>
          runTool(kustomize.command, [...kustomize.buildArgs, join(repo.workDir, app.path)], {
            ...limits,
            label: 'kustomize',
          }),
      ),
    );
    const date = new Date().toISOString();
    const resultsDir = options.resultsDir ?? join(process.cwd(), 'bench', 'results');
    await mkdir(resultsDir, { recursive: true });
    const resultFile = join(resultsDir, `render-${date.replace(/[:.]/g, '-')}.json`);
    const byKind = { plain: 0, kustomize: 0, helm: 0 };
    for (const app of apps) byKind[app.kind]++;
    const result: RenderBenchResult = {
      date,
      apps: { total: apps.length, byKind, objects: apps.reduce((n, a) => n + a.objects, 0) },
      concurrency,
      tools: versions,
      node: process.version,
      phases,
      resultFile,
    };
    await writeFile(resultFile, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await deleteKeys(redis, prefix).catch(() => {});
    redis.disconnect();
    await rm(root, { recursive: true, force: true });
  }
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 10_000; round++) {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = nextCursor;
    if (cursor === '0') return;
  }
}
