import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ClusterCache, KubeCluster } from '@berth/kube';
import type { BenchFigure, ScenarioOutcome } from '../bench-report';
import { summarize } from '../latency-stats';
import type { BenchFleet, StatusEventRow } from './bench-fleet';
import { type ScenarioContext, WaitTimeoutError, waitUntil } from './scenario-context';

/** Managed objects changed by hand (issue #13: 100), fewer when the fleet is smaller. */
const DRIFTED_OBJECTS = 100;

/**
 * Issue #13's numbers. With Berth's default refresh settings (the scheduler as the run started it:
 * 120 s + jitter), 100 managed objects are changed by hand the way `kubectl patch` does (a merge patch
 * through @kubernetes/client-node), one per app; the figure is each app's time from its patch to Synced
 * again (selfHeal on: detected through the workers' cluster cache, synced back, compared Synced). Then
 * the memory a cluster cache costs for this fleet (heap delta of one cache filled in this process, the
 * same code the workers run) and its watch count.
 */
export async function runDrift(ctx: ScenarioContext, fleet: BenchFleet): Promise<ScenarioOutcome> {
  const started = Date.now();
  const kube = KubeCluster.fromKubeconfigFile(ctx.stack.kubeconfigPath);
  const k = Math.min(DRIFTED_OBJECTS, fleet.apps.length);
  const step = Math.max(1, Math.floor(fleet.apps.length / k));
  const targets = fleet.apps.filter((_, i) => i % step === 0).slice(0, k);
  const names = targets.map((a) => a.name);
  // The fleet's last refreshes (initial, steady) must not be mistaken for this scenario's.
  await new Promise((r) => setTimeout(r, 1500));
  const since = new Date();
  const patchedAt = new Map<string, number>();
  ctx.progress.begin(`drift: patching ${k} ConfigMaps by hand`, k);
  for (const app of targets) {
    await kube.mergePatch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: app.name, name: `${app.name}-web-config` },
      { data: { GREETING: 'drifted by hand' } },
    );
    patchedAt.set(app.name, Date.now());
    ctx.progress.update(patchedAt.size);
  }
  const synced = new Map<string, number>();
  const detected = new Map<string, number>();
  ctx.progress.begin(`drift: ${k} apps Synced again (default refresh settings)`, k);
  let unfinished: string | undefined;
  await waitUntil(
    'every drifted app Synced again',
    async () => {
      collect(await fleet.statusEvents(names, since), patchedAt, detected, synced);
      ctx.progress.update(synced.size);
      return synced.size === k;
    },
    // Well under the periodic refresh (120 s): a heal that waited for it would fail the target anyway.
    Math.min(ctx.options.timeoutSeconds, 110) * 1000,
    200,
  ).catch((error: unknown) => {
    if (!(error instanceof WaitTimeoutError)) throw error;
    unfinished = `${error.message}; ${synced.size} of ${k} apps Synced again`;
  });
  ctx.progress.end();
  const heal = summarize([...synced.values()]);
  const detect = summarize([...detected.values()]);

  ctx.progress.begin('drift: cluster cache memory', 1);
  const memory = await cacheMemory(kube);
  ctx.progress.end();
  const mib = (b: number) => b / (1 << 20);
  const perThousandApps = (memory.heapBytes * 1000) / fleet.apps.length;
  const f = (name: string, value: number, unit: string, extra: Partial<BenchFigure> = {}): BenchFigure => ({
    scenario: 'drift',
    name,
    value,
    unit,
    ...extra,
  });
  const figures: BenchFigure[] = [
    f(`${k} hand changes -> Synced again`, heal.p50 / 1000, 's p50', {
      note: 'target 3 s; default refresh 120 s + jitter, selfHeal on',
    }),
    f(`${k} hand changes -> Synced again`, heal.p95 / 1000, 's p95', { note: 'target 10 s' }),
    f(`${k} hand changes -> Synced again`, heal.max / 1000, 's max'),
    f(`${k} hand changes -> OutOfSync recorded`, detect.p50 / 1000, 's p50'),
    f(`${k} hand changes -> OutOfSync recorded`, detect.p95 / 1000, 's p95'),
    f('cluster cache: objects', memory.objects, 'objects', { note: `${fleet.apps.length} apps` }),
    f('cluster cache: heap', mib(memory.heapBytes), 'MiB', {
      note: 'heap delta of one filled cache after GC, watch clients included',
    }),
    f('cluster cache: heap per 1,000 apps', mib(perThousandApps), 'MiB', {
      note: 'the delta scaled linearly: overstated for small fleets (fixed cost of the watches)',
    }),
    f('cluster cache: heap per object', memory.heapBytes / Math.max(1, memory.objects) / 1024, 'KiB'),
    f('cluster cache: watches per cluster', memory.watches, 'watches'),
  ];
  const result: ScenarioOutcome = {
    scenario: 'drift',
    status: 'ok',
    seconds: (Date.now() - started) / 1000,
    figures,
    details: { heal, detect, memory, drifted: k },
  };
  return unfinished ? { ...result, status: 'failed', reason: unfinished } : result;
}

/**
 * For each patched app: when its OutOfSync was recorded after the patch, and when it was Synced again
 * after that (the app's first SyncStatusChanged to Synced following the OutOfSync), in ms from its patch.
 */
export function collect(
  events: readonly StatusEventRow[],
  patchedAt: ReadonlyMap<string, number>,
  detected: Map<string, number>,
  synced: Map<string, number>,
): void {
  for (const e of events) {
    const t0 = patchedAt.get(e.application);
    if (t0 === undefined || synced.has(e.application) || e.type !== 'SyncStatusChanged') continue;
    const at = e.at.getTime();
    if (e.to === 'OutOfSync' && !detected.has(e.application) && at >= t0 - 5)
      detected.set(e.application, at - t0);
    else if (e.to === 'Synced' && detected.has(e.application)) synced.set(e.application, at - t0);
  }
}

/**
 * The heap one cluster cache takes for the sandbox as it is now: heap used after GC with the cache
 * listed and watching, minus before. The cache is the workers' code (tracked objects kept whole, the rest
 * as nodes), so this is what each worker holding the cluster pays; client and watch buffers included.
 */
async function cacheMemory(
  kube: KubeCluster,
): Promise<{ heapBytes: number; objects: number; watches: number }> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 50));
    }
    return process.memoryUsage().heapUsed;
  };
  const before = await settle();
  const cache = new ClusterCache(kube);
  try {
    await cache.start();
    await cache.waitForSync(120_000);
    const after = await settle();
    return { heapBytes: after - before, objects: cache.size, watches: cache.watchedKinds().length };
  } finally {
    cache.stop();
  }
}
