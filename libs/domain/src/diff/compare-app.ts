import type { HealthStatus } from '../health/health-status';
import { isHook, isSkipped } from '../sync/hook';
import { syncWave } from '../sync/sync-wave';
import { withoutClusterScopedNamespace } from './cluster-scope';
import { COMPARE_OPTIONS_ANNOTATION } from './compare-options';
import { diffResource, type DiffOptions, type DiffResult, type SyncStatusCode } from './diff-resource';
import {
  hasJqRules,
  type InvalidJqExpression,
  type JqPathEvaluator,
  resolveJqPaths,
  type ResolvedJqPaths,
} from './ignore-differences';
import { type KubeObject, resourceKeyString } from './kube-object';
import { diffServerSide } from './server-side-diff';

export interface ResourceComparison {
  /** `group/kind/namespace/name`. */
  key: string;
  /** Unknown: the app's project does not permit the resource (Argo CD's CompareAppState). */
  status: SyncStatusCode | 'Unknown';
  health?: HealthStatus;
  /** Live, tracked by this app, no longer in Git. */
  requiresPruning?: boolean;
  /** Hooks run during sync; they never make the app OutOfSync. */
  hook?: boolean;
  /** The version of the apiVersion Git declares (the live object's for one to prune). */
  version?: string;
  /** The resource's sync wave (annotation or Helm hook weight), when not 0. */
  syncWave?: number;
  diff?: DiffResult;
}

/** An app condition the comparison found (Argo CD's condition types), e.g. an ignore rule that cannot run. */
export interface ComparisonCondition {
  /** OrphanedResourceWarning: added by the refresh from the cluster cache (project/orphaned-resources.ts). */
  type: 'InvalidSpecError' | 'OrphanedResourceWarning';
  message: string;
}

export interface AppComparison {
  status: SyncStatusCode;
  resources: ResourceComparison[];
  outOfSyncCount: number;
  /** Conditions to raise although the comparison ran; absent or empty when there are none. */
  conditions?: ComparisonCondition[];
}

/** The jq ignore rules of an app, resolved ahead of compareApp by resolveAppJqPaths(). */
export interface AppJqPaths {
  byKey: ReadonlyMap<string, ResolvedJqPaths>;
  /** Expressions that do not compile, each once. */
  invalid: readonly InvalidJqExpression[];
}

export interface CompareAppOptions extends Omit<DiffOptions, 'jqPaths'> {
  /**
   * jq paths per resource key, from resolveAppJqPaths(); with server-side diff, resolved against the
   * predicted objects where there is one (serverSideDiffInputs).
   */
  jqPaths?: AppJqPaths;
  /**
   * Server-side diff (Argo CD's ServerSideDiff=true): per resource key, the API server's answer to a
   * server-side apply dry run of the desired object. A resource with one is compared with diffServerSide;
   * the others (missing live, hooks, what the caller did not dry-run) with diffResource.
   */
  predictedLive?: ReadonlyMap<string, KubeObject>;
  /** Argo CD's IncludeMutationWebhook=true: with server-side diff, what mutating webhooks do counts. */
  includeMutationWebhook?: boolean;
  /** Health of the live object (undefined when missing); omitted -> no health in the result. */
  healthOf?: (live: KubeObject | undefined) => HealthStatus;
}

/**
 * App-level comparison. `liveList` holds the live objects this app tracks (by tracking id or
 * inventory): a live object with no desired counterpart needs pruning, unless it is a hook or
 * marked `compare-options: IgnoreExtraneous`. A cluster-scoped object is keyed without the namespace
 * Git may set on it. A jq ignore rule that does not compile becomes one InvalidSpecError condition
 * naming it; the comparison runs without it.
 */
export function compareApp(
  desiredList: readonly KubeObject[],
  liveList: readonly KubeObject[],
  options: CompareAppOptions = {},
): AppComparison {
  const liveByKey = new Map(liveList.map((o) => [resourceKeyString(o), o] as const));
  const seen = new Set<string>();
  const resources: ResourceComparison[] = [];
  for (const declared of desiredList) {
    if (isSkipped(declared)) continue;
    const desired = withoutClusterScopedNamespace(declared, options.isNamespaced);
    const key = resourceKeyString(desired);
    seen.add(key);
    const live = liveByKey.get(key);
    const jqPaths = options.jqPaths?.byKey.get(key);
    const predicted = live ? options.predictedLive?.get(key) : undefined;
    const diff = predicted
      ? diffServerSide(desired, predicted, live, { ...options, jqPaths })
      : diffResource(desired, live, { ...options, jqPaths });
    const entry: ResourceComparison = { key, status: diff.status, version: versionOf(desired), diff };
    const wave = syncWave(desired);
    if (wave !== 0) entry.syncWave = wave;
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
      version: versionOf(live),
      requiresPruning: true,
    };
    const wave = syncWave(live);
    if (wave !== 0) entry.syncWave = wave;
    if (options.healthOf) entry.health = options.healthOf(live);
    resources.push(entry);
  }
  resources.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const outOfSyncCount = resources.filter((r) => !r.hook && r.status === 'OutOfSync').length;
  const invalid = options.jqPaths?.invalid ?? [];
  return {
    status: outOfSyncCount > 0 ? 'OutOfSync' : 'Synced',
    resources,
    outOfSyncCount,
    ...(invalid.length > 0 ? { conditions: [invalidJqCondition(invalid)] } : {}),
  };
}

/** `v1` of `apps/v1`. */
function versionOf(obj: KubeObject): string {
  const slash = obj.apiVersion.indexOf('/');
  return slash === -1 ? obj.apiVersion : obj.apiVersion.slice(slash + 1);
}

/** One condition for every expression that does not compile, naming each rule as the spec writes it. */
function invalidJqCondition(invalid: readonly InvalidJqExpression[]): ComparisonCondition {
  const lines = invalid.map(
    (e) =>
      `spec.ignoreDifferences[${e.rule}].jqPathExpressions[${e.expression}]: ${JSON.stringify(e.text)} is not a valid jq path expression (${e.message})`,
  );
  return {
    type: 'InvalidSpecError',
    message: `${lines.join('; ')}; the diff ran without ${invalid.length === 1 ? 'it' : 'them'}: fix the expression, e.g. .spec.template.spec.containers[] | select(.name == "app") | .image`,
  };
}

/** Resolves the jq ignore rules of every desired/live pair, for compareApp's (and planSync's) jqPaths. */
export async function resolveAppJqPaths(
  desiredList: readonly KubeObject[],
  liveList: readonly KubeObject[],
  options: Pick<DiffOptions, 'ignoreDifferences' | 'isNamespaced'>,
  jq: JqPathEvaluator,
): Promise<AppJqPaths> {
  const liveByKey = new Map(liveList.map((o) => [resourceKeyString(o), o] as const));
  const byKey = new Map<string, ResolvedJqPaths>();
  const invalid = new Map<string, InvalidJqExpression>();
  for (const declared of desiredList) {
    if (!hasJqRules(options.ignoreDifferences, declared)) continue;
    const desired = withoutClusterScopedNamespace(declared, options.isNamespaced);
    const key = resourceKeyString(desired);
    const resolved = await resolveJqPaths(desired, liveByKey.get(key), options.ignoreDifferences, jq);
    byKey.set(key, resolved);
    for (const e of resolved.invalid ?? []) invalid.set(`${e.rule}/${e.expression}`, e);
  }
  return { byKey, invalid: [...invalid.values()] };
}

/**
 * What a server-side diff dry-runs: each desired object that has a live twin, but not hooks or objects
 * the sync skips (they never count), nor an object created by the sync (Argo CD does not dry-run those:
 * missing is missing). Keyed like compareApp keys them.
 */
export function serverSideDiffTargets(
  desiredList: readonly KubeObject[],
  liveList: readonly KubeObject[],
  options: Pick<DiffOptions, 'isNamespaced'> = {},
): Array<{ key: string; desired: KubeObject; live: KubeObject }> {
  const liveByKey = new Map(liveList.map((o) => [resourceKeyString(o), o] as const));
  const out: Array<{ key: string; desired: KubeObject; live: KubeObject }> = [];
  for (const declared of desiredList) {
    if (isSkipped(declared) || isHook(declared)) continue;
    const desired = withoutClusterScopedNamespace(declared, options.isNamespaced);
    const key = resourceKeyString(desired);
    const live = liveByKey.get(key);
    if (live) out.push({ key, desired, live });
  }
  return out;
}
