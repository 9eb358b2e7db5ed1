import type { DiffResult } from './diff-resource';
import { parseJsonPointer, removeAt } from './field-path';
import { cloneJson, isPlainObject } from './json-value';
import { type KubeObject } from './kube-object';
import { itemKey, mergeKeyFor } from './merge-keys';

/**
 * Argo CD's `predictedLiveState`: the live object as it would be after a sync, for a diff view. Berth's
 * diff does not simulate the apply (diff/README.md), so the prediction is built from its result: the
 * normalized live object, less what the next apply removes (`remove` changes, which point into it), with
 * what Git declares (normalized desired, already written in the live representation wherever the two are
 * equivalent) laid over it: maps merge, keyed lists merge entry by entry (entries only live has stay, as
 * server-side apply leaves them), atomic lists of the same length merge by index, others are replaced.
 * A Synced resource's prediction is its normalized live object, so a diff of the two is empty; a missing
 * one's is what Git declares.
 */
export function predictedLiveOf(diff: DiffResult): KubeObject {
  if (!diff.normalizedLive) return cloneJson(diff.normalizedDesired);
  if (diff.status === 'Synced') return cloneJson(diff.normalizedLive);
  const base = cloneJson(diff.normalizedLive);
  // Deepest and highest index first, so one removal does not shift the next one's path.
  const removed = diff.changes
    .filter((c) => c.op === 'remove' && c.path !== '')
    .map((c) => parseJsonPointer(c.path))
    .sort((a, b) => comparePaths(b, a));
  for (const path of removed) removeAt(base, path);
  return overlay(base, diff.normalizedDesired, undefined) as KubeObject;
}

function overlay(live: unknown, desired: unknown, field: string | number | undefined): unknown {
  if (desired === undefined) return live;
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return cloneJson(desired);
    const out: Record<string, unknown> = { ...live };
    for (const [k, v] of Object.entries(desired)) out[k] = overlay(live[k], v, k);
    return out;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return cloneJson(desired);
    const liveItems: unknown[] = live;
    const keys = mergeKeyFor(field, desired);
    if (keys) {
      const byKey = new Map<string, unknown>();
      for (const item of liveItems) if (isPlainObject(item)) byKey.set(itemKey(item, keys), item);
      const declared = new Set<string>();
      const merged = desired.map((item) => {
        const key = itemKey(item as Record<string, unknown>, keys);
        declared.add(key);
        return overlay(byKey.get(key), item, undefined);
      });
      const kept = liveItems.filter((item) => !isPlainObject(item) || !declared.has(itemKey(item, keys)));
      return [...merged, ...kept];
    }
    if (desired.length === liveItems.length)
      return desired.map((item, i) => overlay(liveItems[i], item, undefined));
    return cloneJson(desired);
  }
  return desired;
}

/** Orders paths segment by segment (numbers numerically), a path before its descendants. */
function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (Number.isInteger(nx) && Number.isInteger(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
