import { type IsNamespaced, withoutClusterScopedNamespace } from './cluster-scope';
import type { DiffChange } from './diff-change';
import { DiffError } from './diff.error';
import { toJsonPointer } from './field-path';
import { builtInTypesAt, type FieldTyping, fieldTypingOf, type KnownTypeField } from './field-typing';
import { hasJqRules, type IgnoreDifference, type ResolvedJqPaths } from './ignore-differences';
import { type KubeObject, resourceKeyString } from './kube-object';
import { isPlainObject } from './json-value';
import { maskedChange, maskSecrets } from './mask-secrets';
import { itemKey, mergeKeyFor } from './merge-keys';
import { normalizeObject } from './normalize';
import { zeroEqualsAbsent } from './omitted-zero-values';
import { removedFromGit } from './removed-from-git';
import { isEmptyValue, scalarsEquivalent } from './value-equivalence';

export type SyncStatusCode = 'Synced' | 'OutOfSync';

export interface DiffOptions {
  ignoreDifferences?: readonly IgnoreDifference[];
  /** jq paths from resolveJqPaths(); required when a matching rule has jqPathExpressions. */
  jqPaths?: ResolvedJqPaths;
  /** Compare `status` as well. Default false (Argo CD: ignoreResourceStatusField=all). */
  compareStatus?: boolean;
  /** The `rules` of a Role/ClusterRole with an `aggregationRule` are not drift (Argo CD: ignoreAggregatedRoles). */
  ignoreAggregatedRoles?: boolean;
  /**
   * Server-side apply field manager Berth applies with: fields its `Apply` entry owns that Git no longer
   * declares count as drift; live-only fields it does not own never do. (Client-side apply: the
   * last-applied annotation plays that part.)
   */
  fieldManager?: string;
  /** The cluster's answer to "is this kind namespaced" (discovery); built-in kinds are known without it. */
  isNamespaced?: IsNamespaced;
  /** Argo CD's knownTypeFields for custom resources (an Argo Rollout's pod template is a PodSpec by default). */
  knownTypeFields?: readonly KnownTypeField[];
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
 * Compares what Git declares with the live object, as gitops-engine's three-way diff does. Only what Git
 * declares counts, plus what a previous apply of Berth's declared and Git dropped (the next apply removes
 * it): live-only fields, map keys and list entries nobody asked Berth to manage (defaults, server
 * metadata, status, what webhooks and other controllers add) are not drift. Equivalent values
 * (quantities, int-or-string, stringly-typed maps, zero values the API server omits) are equal; keyed
 * lists match by merge key. Secret values are compared first, then masked in everything returned.
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
  const scoped = withoutClusterScopedNamespace(desired, options.isNamespaced);
  const nd = normalizeObject(scoped, liveObj, options, options.jqPaths?.desired);
  const nl = liveObj ? normalizeObject(liveObj, liveObj, options, options.jqPaths?.live) : undefined;
  if (!nl) {
    const masked = maskSecrets(nd, undefined);
    return {
      status: 'OutOfSync',
      reason: 'resource missing',
      normalizedDesired: masked.desired,
      normalizedLive: undefined,
      changes: [{ path: '', op: 'add', desired: masked.desired }],
    };
  }
  const changes: DiffChange[] = [];
  const typing = fieldTypingOf(nd, options.knownTypeFields);
  const root = compareNode(nd, nl, [], changes, typing) as KubeObject;
  const reported = changes.map((c) => c.path);
  for (const removed of removedFromGit(liveObj!, nd, nl, options.fieldManager)) {
    if (!reported.some((p) => removed.path === p || removed.path.startsWith(p + '/'))) changes.push(removed);
  }
  const masked = maskSecrets(root, nl);
  return {
    status: changes.length === 0 ? 'Synced' : 'OutOfSync',
    normalizedDesired: masked.desired,
    normalizedLive: masked.live,
    changes:
      root.kind === 'Secret' ? changes.map((c) => maskedChange(c, masked.desired, masked.live)) : changes,
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
  typing: FieldTyping,
): unknown {
  if (desired === null || desired === undefined) return desired;
  if (isEmptyValue(desired) && (live === undefined || live === null || isEmptyValue(live)))
    return live ?? desired;
  if (live === undefined || live === null) {
    // `readOnly: false` in Git is what the API server stores as nothing.
    if (zeroEqualsAbsent(desired, path[path.length - 1]) && builtInTypesAt(typing, path)) return undefined;
    changes.push({ path: toJsonPointer(path), op: 'add', desired });
    return desired;
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) {
      changes.push({ path: toJsonPointer(path), op: 'replace', desired, live });
      return desired;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(desired)) {
      const value = compareNode(v, live[k], [...path, k], changes, typing);
      if (value !== undefined) out[k] = value;
    }
    return out;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) {
      changes.push({ path: toJsonPointer(path), op: 'replace', desired, live });
      return desired;
    }
    const keys = mergeKeyFor(path[path.length - 1], desired);
    return keys
      ? compareKeyedList(desired, live, keys, path, changes, typing)
      : compareAtomicList(desired, live, path, changes, typing);
  }
  if (scalarsEquivalent(desired, live, path, typing)) return live;
  changes.push({ path: toJsonPointer(path), op: 'replace', desired, live });
  return desired;
}

/**
 * A list the API merges entry by entry: Git's entries are matched by merge key. An entry only live has
 * is not drift here: whether the next apply removes it (Berth declared it before) is removedFromGit's call.
 */
function compareKeyedList(
  desired: unknown[],
  live: unknown[],
  keys: string[],
  path: Array<string | number>,
  changes: DiffChange[],
  typing: FieldTyping,
): unknown[] {
  const liveByKey = new Map<string, number>();
  live.forEach((item, i) => {
    if (isPlainObject(item)) liveByKey.set(itemKey(item, keys), i);
  });
  return desired.map((item, i) => {
    const li = liveByKey.get(itemKey(item as Record<string, unknown>, keys));
    if (li === undefined) {
      changes.push({ path: toJsonPointer([...path, i]), op: 'add', desired: item });
      return item;
    }
    return compareNode(item, live[li], [...path, i], changes, typing);
  });
}

function compareAtomicList(
  desired: unknown[],
  live: unknown[],
  path: Array<string | number>,
  changes: DiffChange[],
  typing: FieldTyping,
): unknown[] {
  if (desired.length !== live.length) {
    changes.push({ path: toJsonPointer(path), op: 'replace', desired, live });
    return desired;
  }
  return desired.map((item, i) => compareNode(item, live[i], [...path, i], changes, typing));
}
