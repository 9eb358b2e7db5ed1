import type { KubeObject } from '../api/resource-type';
import { ApiStatusError, type StatusCause } from '../errors/api-status.error';
import { clone, isPlainObject, jsonEqual } from '../store/object-utils';
import {
  compareObjects,
  isPrefixPath,
  pathToString,
  splitPath,
  toFieldSet,
  type FieldSet,
} from './field-set';
import { listMapKey, listTopology, isAtomicStruct, type SchemaContext } from './list-topology';
import {
  decodeManagedFields,
  encodeManagedFields,
  managerId,
  setsEqual,
  type ManagerFields,
} from './managed-fields';

const ownedMetadataFields = ['labels', 'annotations', 'ownerReferences', 'finalizers'];

/**
 * The part of an object that field ownership covers: apiVersion, kind and system metadata
 * (name, uid, resourceVersion, managedFields ...) are stripped as in managedfields/internal/stripmeta.go;
 * `status` is dropped when it is a reset field (main endpoint of a kind with a status subresource).
 */
export function ownedView(obj: KubeObject | undefined, dropStatus: boolean): Record<string, unknown> {
  if (!obj) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || (k === 'status' && dropStatus)) continue;
    if (k === 'metadata') {
      const meta: Record<string, unknown> = {};
      if (isPlainObject(v)) for (const f of ownedMetadataFields) if (v[f] !== undefined) meta[f] = v[f];
      if (Object.keys(meta).length > 0) out['metadata'] = meta;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/** Merges an applied configuration into the live object: config wins, lists merge per topology. */
export function mergeApplied(
  ctx: SchemaContext,
  live: unknown,
  config: unknown,
  fields: string[] = [],
): unknown {
  if (config === null) return undefined;
  if (isPlainObject(config) && isPlainObject(live) && !isAtomicStruct(ctx, fields)) {
    const out: Record<string, unknown> = clone(live);
    for (const [k, v] of Object.entries(config)) {
      const merged = mergeApplied(ctx, live[k], v, [...fields, k]);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const topology = listTopology(ctx, fields);
    if (topology.type === 'set') {
      const out = clone(live);
      for (const item of config) if (!out.some((x) => jsonEqual(x, item))) out.push(clone(item));
      return out;
    }
    if (topology.type === 'map') {
      const out = clone(live);
      for (const item of config) {
        const key = listMapKey(topology, item);
        const index = key ? out.findIndex((x) => jsonEqual(listMapKey(topology, x), key)) : -1;
        if (index >= 0) out[index] = mergeApplied(ctx, out[index], item, fields);
        else out.push(clone(item));
      }
      return out;
    }
  }
  return clone(config);
}

/** Deletes one field path from an object, then prunes containers it left empty. */
export function removePath(ctx: SchemaContext, obj: Record<string, unknown>, path: string): void {
  const elements = splitPath(path);
  const chain: Array<{ container: Record<string, unknown> | unknown[]; at: string | number }> = [];
  let node: unknown = obj;
  const fields: string[] = [];
  for (const el of elements) {
    if (node === undefined || node === null) return;
    if (el.startsWith('f:')) {
      const name = el.slice(2);
      if (!isPlainObject(node) || !(name in node)) return;
      chain.push({ container: node, at: name });
      node = node[name];
      fields.push(name);
    } else {
      if (!Array.isArray(node)) return;
      const list = node as unknown[];
      const body = el.slice(2);
      let index = -1;
      if (el.startsWith('i:')) index = Number(body);
      else if (el.startsWith('v:')) index = list.findIndex((x) => jsonEqual(x, JSON.parse(body)));
      else {
        const topology = listTopology(ctx, fields);
        const key: unknown = JSON.parse(body);
        if (topology.type === 'map') index = list.findIndex((x) => jsonEqual(listMapKey(topology, x), key));
      }
      if (index < 0 || index >= list.length) return;
      chain.push({ container: list, at: index });
      node = list[index];
    }
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const { container, at } = chain[i]!;
    const child = Array.isArray(container) ? container[at as number] : container[String(at)];
    const isLast = i === chain.length - 1;
    const emptied =
      (isPlainObject(child) && Object.keys(child).length === 0) ||
      (Array.isArray(child) && child.length === 0);
    if (!isLast && !emptied) break;
    if (Array.isArray(container)) container.splice(at as number, 1);
    else delete container[String(at)];
  }
}

function ownedByAny(managers: Map<string, ManagerFields>, path: string): boolean {
  for (const m of managers.values()) {
    if (m.set.has(path)) return true;
    for (const p of m.set) if (isPrefixPath(path, p)) return true;
  }
  return false;
}

export interface ApplyInput {
  ctx: SchemaContext;
  live: KubeObject | undefined;
  /** The applied configuration (status and system metadata already removed). */
  config: KubeObject;
  manager: string;
  apiVersion: string;
  force: boolean;
  now: string;
  dropStatus: boolean;
  /** Defaulting, applied to the merged object before ownership is compared. */
  finalize: (obj: KubeObject) => KubeObject;
  /**
   * Conflicts this apply may take over as if forced (the client-side apply upgrade, `last-applied.ts`);
   * any other conflict is still refused, and alone named in the 409.
   */
  allowedConflicts?: FieldSet;
}

/**
 * Server-side apply, transcribed from structured-merge-diff merge/update.go (Apply, prune, update):
 * merge, drop fields this manager stopped applying unless someone else owns them, then detect
 * conflicts against every other manager. See
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
 */
export function serverSideApply(input: ApplyInput): KubeObject {
  const { ctx, live, config, manager, apiVersion, force, now, dropStatus } = input;
  const managers = decodeManagedFields(live);
  const id = managerId({ manager, operation: 'Apply', apiVersion });
  const previous = managers.get(id);
  const base: KubeObject = live ? clone(live) : { apiVersion, kind: config.kind, metadata: {} };
  let merged = mergeApplied(ctx, base, config) as KubeObject;
  const newSet = toFieldSet(ctx, ownedView(config, dropStatus));
  managers.set(id, {
    manager,
    operation: 'Apply',
    apiVersion,
    set: newSet,
    ...(previous?.time ? { time: previous.time } : {}),
  });
  if (previous) {
    for (const path of previous.set) {
      if (newSet.has(path) || ownedByAny(managers, path)) continue;
      removePath(ctx, merged, path);
    }
  }
  merged = input.finalize(merged);
  const comparison = compareObjects(ctx, ownedView(live, dropStatus), ownedView(merged, dropStatus));
  const changed = new Set([...comparison.added, ...comparison.modified]);
  const causes: StatusCause[] = [];
  const conflicts: Array<{ who: string; paths: string[] }> = [];
  for (const [otherId, other] of managers) {
    if (otherId === id) continue;
    const clash = [...other.set].filter((p) => changed.has(p) && !input.allowedConflicts?.has(p));
    if (clash.length > 0) {
      conflicts.push({ who: describeManager(other), paths: clash });
      for (const p of clash)
        causes.push({
          reason: 'FieldManagerConflict',
          message: `conflict with ${describeManager(other)}`,
          field: pathToString(p),
        });
    }
  }
  if (conflicts.length > 0 && !force) throw applyConflict(conflicts, causes);
  for (const [otherId, other] of managers) {
    if (otherId === id) continue;
    for (const p of changed) other.set.delete(p);
    for (const p of comparison.removed) other.set.delete(p);
    if (other.set.size === 0) managers.delete(otherId);
  }
  const mine = managers.get(id)!;
  const valuesChanged = comparison.added.size + comparison.modified.size + comparison.removed.size > 0;
  if (!previous || !setsEqual(previous.set, newSet) || valuesChanged || !mine.time) mine.time = now;
  merged.metadata = { ...merged.metadata, managedFields: encodeManagedFields(managers) };
  return merged;
}

export interface UpdateInput {
  ctx: SchemaContext;
  live: KubeObject | undefined;
  updated: KubeObject;
  manager: string;
  apiVersion: string;
  subresource?: string;
  now: string;
  dropStatus: boolean;
}

/**
 * Ownership bookkeeping for a non-apply write (POST, PUT, non-apply PATCH): the writer takes every
 * field it added or changed; others lose what was changed or removed (merge/update.go Update).
 */
export function recordUpdate(input: UpdateInput): KubeObject {
  const { ctx, live, updated, manager, apiVersion, subresource, now } = input;
  const managers = decodeManagedFields(live);
  const id = managerId({ manager, operation: 'Update', apiVersion, ...(subresource ? { subresource } : {}) });
  const comparison = compareObjects(ctx, ownedView(live, false), ownedView(updated, false));
  const changed = new Set([...comparison.added, ...comparison.modified]);
  for (const [otherId, other] of managers) {
    if (otherId === id) continue;
    for (const p of changed) other.set.delete(p);
    for (const p of comparison.removed) other.set.delete(p);
    if (other.set.size === 0) managers.delete(otherId);
  }
  const previous = managers.get(id);
  const set = new Set([...(previous?.set ?? [])].filter((p) => !comparison.removed.has(p)));
  for (const p of changed) set.add(p);
  const entry: ManagerFields = {
    manager,
    operation: 'Update',
    apiVersion,
    ...(subresource ? { subresource } : {}),
    set,
    ...(previous?.time ? { time: previous.time } : {}),
  };
  if (changed.size + comparison.removed.size > 0 || !entry.time) entry.time = now;
  managers.set(id, entry);
  if (entry.set.size === 0) managers.delete(id);
  const out = clone(updated);
  out.metadata = { ...out.metadata, managedFields: encodeManagedFields(managers) };
  return out;
}

function describeManager(m: ManagerFields): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** The 409 shape of apimachinery managedfields/internal/conflict.go NewConflictError. */
function applyConflict(
  conflicts: Array<{ who: string; paths: string[] }>,
  causes: StatusCause[],
): ApiStatusError {
  const total = causes.length;
  let message: string;
  if (total === 1) {
    const only = conflicts[0]!;
    message = `Apply failed with 1 conflict: conflict with ${only.who}: ${pathToString(only.paths[0]!)}`;
  } else {
    const lines: string[] = [];
    for (const c of [...conflicts].sort((a, b) => (a.who < b.who ? -1 : 1))) {
      lines.push(`conflicts with ${c.who}:`);
      for (const p of c.paths) lines.push(`- ${pathToString(p)}`);
    }
    message = `Apply failed with ${total} conflicts: ${lines.join('\n')}`;
  }
  return new ApiStatusError(409, 'Conflict', message, { causes });
}

export type { FieldSet };
