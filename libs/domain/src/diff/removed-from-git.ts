import type { DiffChange } from './diff-change';
import { getAt, resolvePath, toJsonPointer } from './field-path';
import { managedFieldPaths } from './ignore-differences';
import { isPlainObject } from './json-value';
import type { KubeObject } from './kube-object';
import { itemKey, mergeKeyFor } from './merge-keys';
import { LAST_APPLIED_ANNOTATION } from './normalize';

/**
 * Fields a previous apply set that Git no longer declares but the live object still has:
 * the next apply removes them, so they are drift (gitops-engine's three-way diff). "Previous
 * apply" is the last-applied annotation (client-side apply) and, for server-side apply, the
 * fields `fieldManager` owns in managedFields. Paths point into the normalized live object.
 */
export function removedFromGit(
  rawLive: KubeObject,
  normalizedDesired: KubeObject,
  normalizedLive: KubeObject,
  fieldManager: string | undefined,
): DiffChange[] {
  const changes: DiffChange[] = [];
  const seen = new Set<string>();
  const push = (path: Array<string | number>, live: unknown): void => {
    const pointer = toJsonPointer(path);
    if (seen.has(pointer)) return;
    seen.add(pointer);
    changes.push({ path: pointer, op: 'remove', live });
  };
  const lastApplied = parseLastApplied(rawLive);
  if (lastApplied) {
    walk(withoutServerParts(lastApplied), normalizedDesired, normalizedLive, [], push);
  }
  if (fieldManager) {
    for (const selector of managedFieldPaths(rawLive, [fieldManager])) {
      const livePath = resolvePath(normalizedLive, selector);
      if (!livePath || resolvePath(normalizedDesired, selector)) continue;
      push(livePath, getAt(normalizedLive, livePath));
    }
  }
  return changes;
}

function parseLastApplied(live: KubeObject): Record<string, unknown> | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined; // A corrupt annotation only loses removal detection, never the diff.
  }
}

function withoutServerParts(obj: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = obj;
  return rest;
}

function walk(
  prev: unknown,
  desired: unknown,
  live: unknown,
  path: Array<string | number>,
  push: (path: Array<string | number>, live: unknown) => void,
): void {
  if (isPlainObject(prev) && isPlainObject(live)) {
    const d = isPlainObject(desired) ? desired : {};
    for (const key of Object.keys(prev)) {
      if (!(key in live) || live[key] === undefined) continue;
      if (d[key] === undefined || d[key] === null) push([...path, key], live[key]);
      else walk(prev[key], d[key], live[key], [...path, key], push);
    }
    return;
  }
  // Keyed lists: items Git dropped are already reported by the diff; recurse into items kept.
  if (Array.isArray(prev) && Array.isArray(live) && Array.isArray(desired)) {
    const keys = mergeKeyFor(path[path.length - 1], prev);
    if (!keys) return;
    const byKey = (list: unknown[]) =>
      new Map(list.filter(isPlainObject).map((item, i) => [itemKey(item, keys), [item, i] as const]));
    const desiredByKey = byKey(desired);
    const liveByKey = new Map(
      live.map((item, i) => [isPlainObject(item) ? itemKey(item, keys) : `#${i}`, i] as const),
    );
    for (const item of prev.filter(isPlainObject)) {
      const k = itemKey(item, keys);
      const d = desiredByKey.get(k);
      const li = liveByKey.get(k);
      if (d && li !== undefined) walk(item, d[0], live[li], [...path, li], push);
    }
  }
}
