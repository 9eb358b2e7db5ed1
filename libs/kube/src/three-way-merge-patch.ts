import { type ListMerge, strategicListMerge } from './strategic-merge-keys';

type JsonMap = Record<string, unknown>;

/** How lists merge: by the built-in kinds' strategic merge keys, or never (JSON merge patch: lists are atomic). */
export type PatchFlavor = { type: 'strategic'; kind: string } | { type: 'json-merge' };

/**
 * kubectl apply's client-side patch (apimachinery strategicpatch.CreateThreeWayMergePatch, or
 * jsonmergepatch.CreateThreeWayJSONMergePatch for custom resources), with overwrite on: from `original`
 * (the last-applied-configuration annotation: what the previous apply declared), `modified` (what is
 * applied now) and `current` (live). What `modified` sets that `current` lacks or holds differently is
 * set; what `original` declared and `modified` no longer does is deleted (`null`, `$patch: delete`,
 * `$deleteFromPrimitiveList`); what only `current` has (defaults, other controllers' and webhooks'
 * additions) is left alone. Lists merge by key where the kind's type says so, otherwise are replaced
 * whole. `$setElementOrder` directives are not written (the server then keeps live order and appends).
 * An empty object means nothing to send.
 */
export function threeWayMergePatch(
  original: JsonMap | undefined,
  modified: JsonMap,
  current: JsonMap,
  flavor: PatchFlavor,
): JsonMap {
  const lists = (path: readonly string[]): ListMerge =>
    flavor.type === 'strategic' ? strategicListMerge(flavor.kind, path) : { type: 'replace' };
  const deletions = original ? diffMaps(original, modified, [], 'deletions', lists) : {};
  const delta = diffMaps(current, modified, [], 'delta', lists);
  return mergePatches(deletions, delta, [], lists);
}

type Mode = 'delta' | 'deletions';
type Lists = (path: readonly string[]) => ListMerge;

/**
 * `delta`: what `to` sets that `from` lacks or holds differently (never a deletion);
 * `deletions`: what `from` has and `to` no longer does (only deletions).
 */
function diffMaps(from: JsonMap, to: JsonMap, path: string[], mode: Mode, lists: Lists): JsonMap {
  const out: JsonMap = {};
  if (mode === 'deletions') {
    for (const [key, was] of Object.entries(from)) {
      const now = to[key];
      if (now === undefined || now === null) {
        if (was !== null && was !== undefined) out[key] = null;
        continue;
      }
      if (isMap(was) && isMap(now)) {
        const sub = diffMaps(was, now, [...path, key], mode, lists);
        if (Object.keys(sub).length > 0) out[key] = sub;
      } else if (Array.isArray(was) && Array.isArray(now)) {
        diffList(was, now, [...path, key], mode, lists, out);
      }
    }
    return out;
  }
  for (const [key, now] of Object.entries(to)) {
    if (now === undefined || now === null) continue;
    const was = from[key];
    if (was === undefined || was === null) {
      out[key] = now;
    } else if (isMap(was) && isMap(now)) {
      const sub = diffMaps(was, now, [...path, key], mode, lists);
      if (Object.keys(sub).length > 0) out[key] = sub;
    } else if (Array.isArray(was) && Array.isArray(now)) {
      diffList(was, now, [...path, key], mode, lists, out);
    } else if (!jsonEqual(was, now)) {
      out[key] = now;
    }
  }
  return out;
}

/** Writes the patch of one list (`path`'s last field) into `out`, the map that holds it. */
function diffList(
  from: unknown[],
  to: unknown[],
  path: string[],
  mode: Mode,
  lists: Lists,
  out: JsonMap,
): void {
  const field = path[path.length - 1]!;
  const merge = lists(path);
  if (merge.type === 'primitive') {
    if (mode === 'deletions') {
      const gone = from.filter((v) => !to.some((x) => jsonEqual(x, v)));
      if (gone.length > 0) out[`$deleteFromPrimitiveList/${field}`] = gone;
    } else {
      const added = to.filter((v) => !from.some((x) => jsonEqual(x, v)));
      if (added.length > 0) out[field] = added;
    }
    return;
  }
  if (merge.type === 'replace' || !to.every(isMap) || !from.every(isMap)) {
    if (mode === 'delta' && !jsonEqual(from, to)) out[field] = to;
    return;
  }
  const key = merge.key;
  const items: JsonMap[] = [];
  const fromByKey = new Map(from.filter(isMap).map((item) => [JSON.stringify(item[key]), item] as const));
  const toKeys = new Set(to.filter(isMap).map((item) => JSON.stringify(item[key])));
  if (mode === 'deletions') {
    for (const was of from.filter(isMap)) {
      const id = JSON.stringify(was[key]);
      if (!toKeys.has(id)) {
        items.push({ [key]: was[key], $patch: 'delete' });
        continue;
      }
      const now = to.filter(isMap).find((item) => JSON.stringify(item[key]) === id)!;
      const sub = diffMaps(was, now, path, mode, lists);
      if (Object.keys(sub).length > 0) items.push({ [key]: was[key], ...sub });
    }
  } else {
    for (const now of to.filter(isMap)) {
      const was = fromByKey.get(JSON.stringify(now[key]));
      if (!was) {
        items.push(now);
        continue;
      }
      const sub = diffMaps(was, now, path, mode, lists);
      if (Object.keys(sub).length > 0) items.push({ [key]: now[key], ...sub });
    }
  }
  if (items.length > 0) out[field] = items;
}

/** Both patches in one: maps and keyed list items merged, `b` winning where they disagree. */
function mergePatches(a: JsonMap, b: JsonMap, path: string[], lists: Lists): JsonMap {
  const out: JsonMap = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    if (isMap(prev) && isMap(value)) out[key] = mergePatches(prev, value, [...path, key], lists);
    else if (Array.isArray(prev) && Array.isArray(value)) {
      const [was, now]: [unknown[], unknown[]] = [prev, value];
      const merge = key.startsWith('$deleteFromPrimitiveList/') ? undefined : lists([...path, key]);
      out[key] =
        merge?.type === 'key'
          ? mergeKeyedItems(was, now, merge.key, [...path, key], lists)
          : merge === undefined
            ? [...was, ...now.filter((v) => !was.some((p) => jsonEqual(p, v)))]
            : now;
    } else out[key] = value;
  }
  return out;
}

function mergeKeyedItems(a: unknown[], b: unknown[], key: string, path: string[], lists: Lists): unknown[] {
  const out = [...a];
  for (const item of b) {
    const i = isMap(item) ? out.findIndex((x) => isMap(x) && jsonEqual(x[key], item[key])) : -1;
    const prev = i >= 0 ? out[i] : undefined;
    if (isMap(prev) && isMap(item)) out[i] = mergePatches(prev, item, path, lists);
    else out.push(item);
  }
  return out;
}

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}
