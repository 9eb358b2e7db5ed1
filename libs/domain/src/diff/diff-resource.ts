import type { DiffChange } from './diff-change';
import { DiffError } from './diff.error';
import { toJsonPointer } from './field-path';
import { hasJqRules, type IgnoreDifference, type ResolvedJqPaths } from './ignore-differences';
import { type KubeObject, resourceKeyString } from './kube-object';
import { isPlainObject } from './json-value';
import { maskSecrets } from './mask-secrets';
import { itemKey, mergeKeyFor } from './merge-keys';
import { normalizeObject } from './normalize';
import { removedFromGit } from './removed-from-git';
import { isEmptyValue, scalarsEquivalent } from './value-equivalence';

export type SyncStatusCode = 'Synced' | 'OutOfSync';

export interface DiffOptions {
  ignoreDifferences?: readonly IgnoreDifference[];
  /** jq paths from resolveJqPaths(); required when a matching rule has jqPathExpressions. */
  jqPaths?: ResolvedJqPaths;
  /** Compare `status` as well. Default false (Argo CD: ignoreResourceStatusField=all). */
  compareStatus?: boolean;
  /**
   * Server-side apply field manager Berth applies with: fields it owns that Git no longer
   * declares count as drift. (Client-side apply uses the last-applied annotation instead.)
   */
  fieldManager?: string;
}

export interface DiffResult {
  status: SyncStatusCode;
  /** Why the resource is out of sync when it is not a field change ("resource missing"). */
  reason?: string;
  normalizedDesired: KubeObject;
  normalizedLive: KubeObject | undefined;
  changes: DiffChange[];
}

/**
 * Compares what Git declares with the live object. Only fields present in `desired` count:
 * live-only fields (defaults, server-populated metadata, status) are ignored, equivalent
 * values (quantities, int-or-string, stringly-typed maps) are equal, keyed lists are matched
 * by merge key. Secret values are masked in everything returned.
 */
export function diffResource(
  desired: KubeObject,
  live: KubeObject | undefined | null,
  options: DiffOptions = {},
): DiffResult {
  const liveObj = live ?? undefined;
  if (hasJqRules(options.ignoreDifferences, desired) && !options.jqPaths) {
    throw new DiffError(
      'JqPathsNotResolved',
      `ignoreDifferences for ${resourceKeyString(desired)} use jqPathExpressions: resolve them first with resolveJqPaths(desired, live, rules, jqEvaluator) and pass the result as options.jqPaths`,
    );
  }
  const nd = normalizeObject(desired, liveObj, options, options.jqPaths?.desired);
  const nl = liveObj ? normalizeObject(liveObj, liveObj, options, options.jqPaths?.live) : undefined;
  const masked = maskSecrets(nd, nl);
  const normalizedDesired = masked.desired;
  const normalizedLive = masked.live;
  if (!normalizedLive) {
    return {
      status: 'OutOfSync',
      reason: 'resource missing',
      normalizedDesired,
      normalizedLive: undefined,
      changes: [{ path: '', op: 'add', desired: normalizedDesired }],
    };
  }
  const changes: DiffChange[] = [];
  const root = compareNode(normalizedDesired, normalizedLive, [], changes);
  const reported = new Set(changes.map((c) => c.path));
  for (const removed of removedFromGit(liveObj!, normalizedDesired, normalizedLive, options.fieldManager)) {
    if (!reported.has(removed.path) && ![...reported].some((p) => removed.path.startsWith(p + '/')))
      changes.push(removed);
  }
  return {
    status: changes.length === 0 ? 'Synced' : 'OutOfSync',
    normalizedDesired: root as KubeObject,
    normalizedLive,
    changes,
  };
}

/**
 * Walks `desired`, recording changes; returns the desired value rewritten to the live
 * representation wherever the two are equivalent, so normalized outputs differ only where it matters.
 */
function compareNode(
  desired: unknown,
  live: unknown,
  path: Array<string | number>,
  changes: DiffChange[],
): unknown {
  if (desired === null || desired === undefined) return desired;
  if (isEmptyValue(desired) && (live === undefined || live === null || isEmptyValue(live)))
    return live ?? desired;
  if (live === undefined || live === null) {
    changes.push({ path: toJsonPointer(path), op: 'add', desired });
    return desired;
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) {
      changes.push({ path: toJsonPointer(path), op: 'replace', desired, live });
      return desired;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(desired)) out[k] = compareNode(v, live[k], [...path, k], changes);
    return out;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) {
      changes.push({ path: toJsonPointer(path), op: 'replace', desired, live });
      return desired;
    }
    const keys = mergeKeyFor(path[path.length - 1], desired);
    return keys
      ? compareKeyedList(desired, live, keys, path, changes)
      : compareAtomicList(desired, live, path, changes);
  }
  if (scalarsEquivalent(desired, live, path)) return live;
  changes.push({ path: toJsonPointer(path), op: 'replace', desired, live });
  return desired;
}

function compareKeyedList(
  desired: unknown[],
  live: unknown[],
  keys: string[],
  path: Array<string | number>,
  changes: DiffChange[],
): unknown[] {
  const liveByKey = new Map<string, number>();
  live.forEach((item, i) => {
    if (isPlainObject(item)) liveByKey.set(itemKey(item, keys), i);
  });
  const matched = new Set<number>();
  const out = desired.map((item, i) => {
    const li = liveByKey.get(itemKey(item as Record<string, unknown>, keys));
    if (li === undefined) {
      changes.push({ path: toJsonPointer([...path, i]), op: 'add', desired: item });
      return item;
    }
    matched.add(li);
    return compareNode(item, live[li], [...path, i], changes);
  });
  // An item Git no longer declares is drift: apply would remove it.
  live.forEach((item, li) => {
    if (!matched.has(li)) changes.push({ path: toJsonPointer([...path, li]), op: 'remove', live: item });
  });
  return out;
}

function compareAtomicList(
  desired: unknown[],
  live: unknown[],
  path: Array<string | number>,
  changes: DiffChange[],
): unknown[] {
  if (desired.length !== live.length) {
    changes.push({ path: toJsonPointer(path), op: 'replace', desired, live });
    return desired;
  }
  return desired.map((item, i) => compareNode(item, live[i], [...path, i], changes));
}
