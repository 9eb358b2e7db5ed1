import type { HealthStatus } from '../health/health-status';
import { isHook, isSkipped } from '../sync/hook';
import { diffResource, type DiffOptions, type DiffResult, type SyncStatusCode } from './diff-resource';
import { hasJqRules, type JqPathEvaluator, resolveJqPaths, type ResolvedJqPaths } from './ignore-differences';
import { type KubeObject, resourceKeyString } from './kube-object';

export const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';

export interface ResourceComparison {
  /** `group/kind/namespace/name`. */
  key: string;
  status: SyncStatusCode;
  health?: HealthStatus;
  /** Live, tracked by this app, no longer in Git. */
  requiresPruning?: boolean;
  /** Hooks run during sync; they never make the app OutOfSync. */
  hook?: boolean;
  diff?: DiffResult;
}

export interface AppComparison {
  status: SyncStatusCode;
  resources: ResourceComparison[];
  outOfSyncCount: number;
}

export interface CompareAppOptions extends Omit<DiffOptions, 'jqPaths'> {
  /** jq paths per resource key, from resolveAppJqPaths(). */
  jqPathsByKey?: ReadonlyMap<string, ResolvedJqPaths>;
  /** Health of the live object (undefined when missing); omitted -> no health in the result. */
  healthOf?: (live: KubeObject | undefined) => HealthStatus;
}

/**
 * App-level comparison. `liveList` holds the live objects this app tracks (by tracking id or
 * inventory): a live object with no desired counterpart needs pruning, unless it is a hook or
 * marked `compare-options: IgnoreExtraneous`.
 */
export function compareApp(
  desiredList: readonly KubeObject[],
  liveList: readonly KubeObject[],
  options: CompareAppOptions = {},
): AppComparison {
  const liveByKey = new Map(liveList.map((o) => [resourceKeyString(o), o] as const));
  const seen = new Set<string>();
  const resources: ResourceComparison[] = [];
  for (const desired of desiredList) {
    if (isSkipped(desired)) continue;
    const key = resourceKeyString(desired);
    seen.add(key);
    const live = liveByKey.get(key);
    const diff = diffResource(desired, live, { ...options, jqPaths: options.jqPathsByKey?.get(key) });
    const entry: ResourceComparison = { key, status: diff.status, diff };
    if (isHook(desired)) entry.hook = true;
    if (options.healthOf) entry.health = options.healthOf(live);
    resources.push(entry);
  }
  for (const [key, live] of liveByKey) {
    if (seen.has(key) || isHook(live)) continue;
    const ignoreExtraneous = (live.metadata.annotations?.[COMPARE_OPTIONS_ANNOTATION] ?? '').includes(
      'IgnoreExtraneous',
    );
    const entry: ResourceComparison = {
      key,
      status: ignoreExtraneous ? 'Synced' : 'OutOfSync',
      requiresPruning: true,
    };
    if (options.healthOf) entry.health = options.healthOf(live);
    resources.push(entry);
  }
  resources.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const outOfSyncCount = resources.filter((r) => !r.hook && r.status === 'OutOfSync').length;
  return { status: outOfSyncCount > 0 ? 'OutOfSync' : 'Synced', resources, outOfSyncCount };
}

/** Resolves the jq ignore rules of every desired/live pair, for compareApp's jqPathsByKey. */
export async function resolveAppJqPaths(
  desiredList: readonly KubeObject[],
  liveList: readonly KubeObject[],
  options: Pick<DiffOptions, 'ignoreDifferences'>,
  jq: JqPathEvaluator,
): Promise<Map<string, ResolvedJqPaths>> {
  const liveByKey = new Map(liveList.map((o) => [resourceKeyString(o), o] as const));
  const out = new Map<string, ResolvedJqPaths>();
  for (const desired of desiredList) {
    if (!hasJqRules(options.ignoreDifferences, desired)) continue;
    const key = resourceKeyString(desired);
    out.set(key, await resolveJqPaths(desired, liveByKey.get(key), options.ignoreDifferences, jq));
  }
  return out;
}
