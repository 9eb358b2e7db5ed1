import {
  type FieldPath,
  getAt,
  parseJsonPointer,
  removeAll,
  resolvePath,
  type PathSegment,
} from './field-path';
import {
  type IgnoreDifference,
  type JsonPath,
  matchingRules,
  type ResolvedJqPaths,
} from './ignore-differences';
import { cloneJson, isPlainObject } from './json-value';
import { type KubeObject } from './kube-object';
import { managedFieldPaths } from './managed-fields';
import { mergeKeyFor } from './merge-keys';

/**
 * RespectIgnoreDifferences=true (Argo CD's normalizeTargetResources): what ignoreDifferences tells Berth
 * to leave alone is applied as live has it. An ignored field or entry Git declares and live lacks leaves
 * the apply target; an ignored field live has is carried over into it, by merge key, never by list
 * position (so a Git entry at the same index is never overwritten), and an entry only live has is added
 * by its key. `status` is never copied from live: it belongs to the resource's controller. A resource
 * that does not exist yet is applied as Git declares it. `jqPaths` are the rules' jq paths resolved on
 * each side (resolveJqPaths).
 */
export function applyIgnoredFromLive(
  desired: KubeObject,
  live: KubeObject | undefined,
  rules: readonly IgnoreDifference[] | undefined,
  jqPaths: Partial<Pick<ResolvedJqPaths, 'desired' | 'live'>> = {},
): KubeObject {
  const out = cloneJson(desired);
  if (!live) return out;
  const matching = matchingRules(rules, desired);
  const selectors: FieldPath[] = [];
  for (const rule of matching) {
    for (const pointer of rule.jsonPointers ?? []) selectors.push(parseJsonPointer(pointer));
    selectors.push(...managedFieldPaths(live, rule.managedFieldsManagers ?? []));
  }
  const onDesired = [...concretePaths(desired, selectors), ...(jqPaths.desired ?? [])];
  const onLive = [...concretePaths(live, selectors), ...(jqPaths.live ?? [])];

  // Git's ignored entries that live does not have (and an ignored status) are not applied.
  removeAll(
    out,
    onDesired.filter((p) => isStatus(p) || resolvePath(live, keyedSelector(desired, p)) === undefined),
  );
  for (const path of onLive) {
    if (isStatus(path)) continue;
    setAtSelector(out, keyedSelector(live, path), cloneJson(getAt(live, path)));
  }
  return out;
}

function concretePaths(obj: KubeObject, selectors: readonly FieldPath[]): JsonPath[] {
  return selectors.map((s) => resolvePath(obj, s)).filter((p): p is JsonPath => p !== undefined);
}

function isStatus(path: JsonPath): boolean {
  return path[0] === 'status';
}

/**
 * A concrete path on `root` with every position in a keyed list replaced by the entry's merge key
 * (`containers/1` -> the container named "app"), so it names the same entry on the other object.
 */
function keyedSelector(root: unknown, path: JsonPath): FieldPath {
  const out: FieldPath = [];
  let cur: unknown = root;
  let field: string | number | undefined;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const item: unknown = cur[Number(seg)];
      const keys = mergeKeyFor(field, cur);
      if (keys && isPlainObject(item)) {
        const match: Record<string, unknown> = {};
        for (const k of keys) if (item[k] !== undefined) match[k] = item[k];
        out.push({ match });
      } else out.push(seg);
      cur = item;
    } else {
      out.push(seg);
      cur = isPlainObject(cur) ? cur[String(seg)] : undefined;
      field = seg;
    }
  }
  return out;
}

/**
 * Sets `value` at a selector, creating what is missing on the way: an object member, or a keyed list
 * entry holding just its key fields (the way a strategic merge patch adds an entry). Returns whether it did.
 */
function setAtSelector(root: unknown, selector: FieldPath, value: unknown): boolean {
  if (selector.length === 0) return false;
  let cur: unknown = root;
  for (let i = 0; i < selector.length; i++) {
    const seg = selector[i]!;
    const last = i === selector.length - 1;
    const next: PathSegment | undefined = selector[i + 1];
    if (Array.isArray(cur)) {
      let index = indexOf(cur, seg);
      if (index === undefined) {
        if (typeof seg !== 'object' || !('match' in seg)) return false;
        cur.push(last ? value : { ...seg.match });
        index = cur.length - 1;
      }
      if (last) {
        cur[index] = value;
        return true;
      }
      cur = cur[index];
    } else if (isPlainObject(cur) && (typeof seg === 'string' || typeof seg === 'number')) {
      const key = String(seg);
      if (last) {
        cur[key] = value;
        return true;
      }
      if (cur[key] === undefined || cur[key] === null) cur[key] = typeof next === 'object' ? [] : {};
      cur = cur[key];
    } else {
      return false;
    }
  }
  return false;
}

function indexOf(list: unknown[], seg: PathSegment): number | undefined {
  if (typeof seg === 'number' || typeof seg === 'string') {
    const n = Number(seg);
    return Number.isInteger(n) && n >= 0 && n < list.length ? n : undefined;
  }
  const i = resolvePath(list, [seg])?.[0];
  return typeof i === 'number' ? i : undefined;
}
