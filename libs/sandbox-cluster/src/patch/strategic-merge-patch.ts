import { listTopology, type SchemaContext } from '../managed-fields/list-topology';
import { clone, isPlainObject, jsonEqual } from '../store/object-utils';

/**
 * Strategic merge patch for built-in kinds (apimachinery util/strategicpatch): maps merge, null
 * deletes, lists with a patchMergeKey merge item by item, other lists are replaced. Directives:
 * `$patch: delete|replace|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<f>`; `$setElementOrder/<f>` is ignored.
 */
export function applyStrategicMergePatch(
  ctx: SchemaContext,
  target: unknown,
  patch: unknown,
  fields: string[] = [],
): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const directive = patch['$patch'];
  const body = Object.fromEntries(Object.entries(patch).filter(([k]) => k !== '$patch'));
  if (directive === 'replace') return stripDirectives(body);
  if (directive === 'delete') return undefined;
  const out: Record<string, unknown> = isPlainObject(target) ? clone(target) : {};
  const retain = body['$retainKeys'];
  for (const [k, v] of Object.entries(body)) {
    if (k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(v))
        out[field] = current.filter((x) => !v.some((d) => jsonEqual(d, x)));
      continue;
    }
    const path = [...fields, k];
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(ctx, out[k], v, path);
    else if (isPlainObject(v)) {
      const merged = applyStrategicMergePatch(ctx, out[k], v, path);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k) && !(k in body)) delete out[k];
  }
  return out;
}

function mergeList(ctx: SchemaContext, target: unknown, patch: unknown[], path: string[]): unknown[] {
  const topology = listTopology(ctx, path);
  const live = Array.isArray(target) ? clone(target) : [];
  if (patch.some((p) => isPlainObject(p) && p['$patch'] === 'replace')) {
    return patch.filter((p) => !(isPlainObject(p) && p['$patch'] === 'replace')).map(stripDirectives);
  }
  if (topology.type === 'set') {
    for (const item of patch) if (!live.some((x) => jsonEqual(x, item))) live.push(clone(item));
    return live;
  }
  if (topology.type !== 'map') return patch.map(stripDirectives);
  // Strategic merge patch merges on the single patchMergeKey (the first list-map key).
  const mergeKey = topology.keys[0]!;
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    const index = live.findIndex((x) => isPlainObject(x) && jsonEqual(x[mergeKey], item[mergeKey]));
    if (item['$patch'] === 'delete') {
      if (index >= 0) live.splice(index, 1);
      continue;
    }
    if (index >= 0) live[index] = applyStrategicMergePatch(ctx, live[index], item, path);
    else live.push(stripDirectives(item));
  }
  return live;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}
