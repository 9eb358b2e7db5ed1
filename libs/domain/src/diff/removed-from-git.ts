import type { DiffChange } from './diff-change';
import { type FieldPath, getAt, resolvePath, toJsonPointer } from './field-path';
import { isPlainObject } from './json-value';
import type { KubeObject } from './kube-object';
import { managedFieldPaths, otherManagers } from './managed-fields';
import { itemKey, mergeKeyFor } from './merge-keys';
import { LAST_APPLIED_ANNOTATION } from './normalize';

/**
 * Fields, map keys and list entries a previous apply of Berth's declared, that Git no longer declares
 * and the live object still has: the next apply removes them, so they are drift (gitops-engine's
 * three-way diff). "A previous apply" is the last-applied annotation (client-side apply) and, for
 * server-side apply, what the `Apply` entry of `fieldManager` owns in managedFields, unless another
 * manager owns it too (then the apply leaves it). Everything else only live has is somebody else's.
 * Paths point into the normalized live object; an entry's removal hides those of its fields.
 */
export function removedFromGit(
  rawLive: KubeObject,
  normalizedDesired: KubeObject,
  normalizedLive: KubeObject,
  fieldManager: string | undefined,
): DiffChange[] {
  const removed = new Map<string, DiffChange>();
  const push = (path: Array<string | number>, live: unknown): void => {
    const pointer = toJsonPointer(path);
    if (!removed.has(pointer)) removed.set(pointer, { path: pointer, op: 'remove', live });
  };
  const lastApplied = parseLastApplied(rawLive);
  if (lastApplied) walk(declaredBy(lastApplied), normalizedDesired, normalizedLive, [], push);
  if (fieldManager) {
    const shared = sharedPaths(rawLive, normalizedLive, fieldManager);
    for (const selector of managedFieldPaths(rawLive, [fieldManager], { operations: ['Apply'] })) {
      const livePath = resolvePath(normalizedLive, selector);
      if (!livePath || resolvePath(normalizedDesired, selector)) continue;
      if (shared.has(toJsonPointer(livePath))) continue;
      push(livePath, getAt(normalizedLive, livePath));
    }
  }
  const pointers = [...removed.keys()];
  return [...removed.values()].filter(
    (change) => !pointers.some((p) => change.path !== p && change.path.startsWith(p + '/')),
  );
}

/** Live paths (JSON pointers) some manager other than `fieldManager` also owns. */
function sharedPaths(rawLive: KubeObject, normalizedLive: KubeObject, fieldManager: string): Set<string> {
  const selectors: FieldPath[] = managedFieldPaths(rawLive, otherManagers(rawLive, fieldManager));
  const out = new Set<string>();
  for (const selector of selectors) {
    const path = resolvePath(normalizedLive, selector);
    if (path) out.add(toJsonPointer(path));
  }
  return out;
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

/**
 * The last-applied annotation read as kubectl writes it (gitops-engine's removeNamespaceAnnotation and
 * Normalize): `status`, `metadata.namespace` (identity, not a field), `metadata.creationTimestamp`, and
 * every null or empty map (`annotations: {}`, `creationTimestamp: null`) declare nothing.
 */
function declaredBy(lastApplied: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = lastApplied;
  if (isPlainObject(rest['metadata'])) {
    const { namespace: _namespace, creationTimestamp: _created, ...metadata } = rest['metadata'];
    rest['metadata'] = metadata;
  }
  return withoutEmpty(rest) as Record<string, unknown>;
}

function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = withoutEmpty(v);
    if (kept === null || kept === undefined || (isPlainObject(kept) && Object.keys(kept).length === 0))
      continue;
    out[k] = kept;
  }
  return out;
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
      // Removing what live does not hold (or holds as null) changes nothing.
      if (!(key in live) || live[key] === undefined || live[key] === null) continue;
      if (d[key] === undefined || d[key] === null) push([...path, key], live[key]);
      else walk(prev[key], d[key], live[key], [...path, key], push);
    }
    return;
  }
  // Keyed lists: an entry the last apply declared and Git dropped goes; entries kept are walked into.
  if (Array.isArray(prev) && Array.isArray(live) && Array.isArray(desired)) {
    const keys = mergeKeyFor(path[path.length - 1], prev);
    if (!keys) return;
    const desiredByKey = new Map(desired.filter(isPlainObject).map((item) => [itemKey(item, keys), item]));
    const liveByKey = new Map<string, number>();
    live.forEach((item, i) => {
      if (isPlainObject(item)) liveByKey.set(itemKey(item, keys), i);
    });
    for (const item of prev.filter(isPlainObject)) {
      const k = itemKey(item, keys);
      const li = liveByKey.get(k);
      if (li === undefined) continue;
      const d = desiredByKey.get(k);
      if (d) walk(item, d, live[li], [...path, li], push);
      else push([...path, li], live[li]);
    }
  }
}
