import type { FieldPath } from './field-path';
import { isPlainObject } from './json-value';
import type { KubeObject } from './kube-object';

/** One `metadata.managedFields` entry, as the API server writes it. */
interface ManagedFieldsEntry {
  manager?: string;
  /** `Apply` (server-side apply) or `Update` (create, update, patch, and what admission webhooks add). */
  operation?: string;
  fieldsV1?: unknown;
}

export interface ManagedFieldsQuery {
  /** Only entries of these operations (default: every entry of the managers). */
  operations?: readonly string[];
}

/**
 * Paths owned by the given managers in live `metadata.managedFields`, as selector paths (list items named
 * by their keys) so they resolve on the desired and on the live object alike. FieldsV1 keys decode as
 * `f:<field>`, `k:<merge key JSON>`, `v:<set value JSON>`, `i:<index>`; a `.` member means the entry owns
 * the item (or map) itself, besides the fields listed beside it: both are returned.
 */
export function managedFieldPaths(
  live: KubeObject | undefined,
  managers: readonly string[],
  query: ManagedFieldsQuery = {},
): FieldPath[] {
  if (!live || managers.length === 0) return [];
  const out: FieldPath[] = [];
  for (const entry of managedFieldsOf(live)) {
    if (!entry.manager || !managers.includes(entry.manager)) continue;
    if (query.operations && !query.operations.includes(entry.operation ?? '')) continue;
    collectFieldsV1(entry.fieldsV1, [], out);
  }
  return out;
}

/** Managers that own something in the live object, other than `manager`. */
export function otherManagers(live: KubeObject, manager: string): string[] {
  const names = managedFieldsOf(live)
    .map((e) => e.manager)
    .filter((m): m is string => typeof m === 'string' && m !== manager);
  return [...new Set(names)];
}

function managedFieldsOf(live: KubeObject): ManagedFieldsEntry[] {
  const entries = live.metadata['managedFields'];
  return Array.isArray(entries) ? entries.filter(isPlainObject) : [];
}

function collectFieldsV1(node: unknown, prefix: FieldPath, out: FieldPath[]): void {
  if (!isPlainObject(node)) return;
  for (const key of Object.keys(node)) {
    if (key === '.') continue;
    const seg = fieldsV1Segment(key);
    if (seg === undefined) continue;
    const child = node[key];
    const path = [...prefix, seg];
    const childKeys = isPlainObject(child) ? Object.keys(child) : [];
    const members = childKeys.filter((k) => k !== '.');
    if (members.length === 0) {
      out.push(path);
      continue;
    }
    // A list item whose `.` is owned exists because of this manager; its fields may have other owners.
    const isItem = typeof seg === 'object' || typeof seg === 'number';
    if (isItem && childKeys.includes('.')) out.push(path);
    collectFieldsV1(child, path, out);
  }
}

/** A FieldsV1 set as the API server writes it: `f:`/`k:`/`v:`/`i:` members, `.` for the item or map itself. */
export type FieldsV1 = { [member: string]: FieldsV1 };

/**
 * Everything `manager` owns in `obj`, every operation of it (its `Apply` and its `Update` entries), as one
 * FieldsV1 set; undefined when the manager owns nothing.
 */
export function managedFieldsSetOf(obj: KubeObject | undefined, manager: string): FieldsV1 | undefined {
  if (!obj) return undefined;
  let out: FieldsV1 | undefined;
  for (const entry of managedFieldsOf(obj)) {
    if (entry.manager !== manager || !isPlainObject(entry.fieldsV1)) continue;
    out = unionFieldsV1(out ?? {}, entry.fieldsV1);
  }
  return out && Object.keys(out).length > 0 ? out : undefined;
}

function unionFieldsV1(a: FieldsV1, b: Record<string, unknown>): FieldsV1 {
  const out: FieldsV1 = { ...a };
  for (const [key, value] of Object.entries(b)) {
    out[key] = unionFieldsV1(out[key] ?? {}, isPlainObject(value) ? value : {});
  }
  return out;
}

/** One FieldsV1 member as a path segment (`f:spec` -> "spec", `k:{"name":"web"}` -> {match}); `.` and junk: undefined. */
export function fieldsV1Segment(key: string): FieldPath[number] | undefined {
  const body = key.slice(2);
  try {
    if (key.startsWith('f:')) return body;
    if (key.startsWith('k:')) {
      const match = JSON.parse(body) as unknown;
      return isPlainObject(match) ? { match } : undefined;
    }
    if (key.startsWith('v:')) return { value: JSON.parse(body) as unknown };
    if (key.startsWith('i:')) return Number(body);
  } catch {
    return undefined;
  }
  return undefined;
}
