import { isPlainObject, jsonEqual } from '../store/object-utils';
import { isAtomicStruct, isMapField, listMapKey, listTopology, type SchemaContext } from './list-topology';

/**
 * A set of field paths, each path a list of FieldsV1 path elements (`f:spec`, `k:{"name":"web"}`,
 * `v:"x"`, `i:0`) joined by '\n'. Mirrors structured-merge-diff's fieldpath.Set.
 */
export type FieldSet = Set<string>;

const SEP = '\n';

export function joinPath(elements: readonly string[]): string {
  return elements.join(SEP);
}

export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split(SEP);
}

export function isPrefixPath(prefix: string, path: string): boolean {
  return path.startsWith(prefix + SEP);
}

type NodeKind = 'leaf' | 'member' | 'map';

interface VisitedNode {
  kind: NodeKind;
  value: unknown;
}

/**
 * Walks an object along the schema and reports every node: scalar/atomic leaves, list-map and set
 * members, and granular map nodes. `fields` carries field names (list items skipped) for topology lookups.
 */
function walk(
  ctx: SchemaContext,
  value: unknown,
  elements: string[],
  fields: string[],
  visit: (path: string, node: VisitedNode) => void,
): void {
  if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    if (keys.length === 0 || isAtomicStruct(ctx, fields)) {
      visit(joinPath(elements), { kind: 'leaf', value });
      return;
    }
    if (elements.length > 0 && isMapField(ctx, fields)) visit(joinPath(elements), { kind: 'map', value });
    for (const k of keys) walk(ctx, value[k], [...elements, `f:${k}`], [...fields, k], visit);
    return;
  }
  if (Array.isArray(value)) {
    const topology = listTopology(ctx, fields);
    if (value.length === 0 || topology.type === 'atomic') {
      visit(joinPath(elements), { kind: 'leaf', value });
      return;
    }
    if (topology.type === 'set') {
      for (const item of value)
        visit(joinPath([...elements, `v:${JSON.stringify(item)}`]), { kind: 'member', value: item });
      return;
    }
    value.forEach((item, index) => {
      const key = listMapKey(topology, item);
      const element = key ? `k:${JSON.stringify(key)}` : `i:${index}`;
      const itemPath = [...elements, element];
      visit(joinPath(itemPath), { kind: 'member', value: item });
      if (isPlainObject(item)) {
        for (const k of Object.keys(item)) walk(ctx, item[k], [...itemPath, `f:${k}`], [...fields, k], visit);
      }
    });
    return;
  }
  visit(joinPath(elements), { kind: 'leaf', value });
}

/** ToFieldSet of an applied configuration: leaves and list members (structured-merge-diff tofieldset.go). */
export function toFieldSet(ctx: SchemaContext, config: unknown): FieldSet {
  const set: FieldSet = new Set();
  walk(ctx, config, [], [], (path, node) => {
    if (node.kind !== 'map' && path !== '') set.add(path);
  });
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compares two objects field by field (structured-merge-diff typed/compare.go). */
export function compareObjects(ctx: SchemaContext, before: unknown, after: unknown): Comparison {
  const a = new Map<string, VisitedNode>();
  const b = new Map<string, VisitedNode>();
  walk(ctx, before, [], [], (p, n) => p !== '' && a.set(p, n));
  walk(ctx, after, [], [], (p, n) => p !== '' && b.set(p, n));
  const added: FieldSet = new Set();
  const modified: FieldSet = new Set();
  const removed: FieldSet = new Set();
  for (const [p, n] of b) {
    const old = a.get(p);
    if (!old) added.add(p);
    else if (n.kind === 'leaf' && !jsonEqual(old.value, n.value)) modified.add(p);
  }
  for (const p of a.keys()) if (!b.has(p)) removed.add(p);
  return { added, modified, removed };
}

/** Encodes a set as the FieldsV1 trie (`.` marks a node that is a member and has children). */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  interface Trie {
    member: boolean;
    children: Map<string, Trie>;
  }
  const root: Trie = { member: false, children: new Map() };
  for (const path of set) {
    let node = root;
    for (const el of splitPath(path)) {
      let next = node.children.get(el);
      if (!next) {
        next = { member: false, children: new Map() };
        node.children.set(el, next);
      }
      node = next;
    }
    node.member = true;
  }
  const encode = (node: Trie): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (node.member && node.children.size > 0) out['.'] = {};
    for (const k of [...node.children.keys()].sort()) out[k] = encode(node.children.get(k)!);
    return out;
  };
  return encode(root);
}

export function fromFieldsV1(fields: unknown): FieldSet {
  const set: FieldSet = new Set();
  const decode = (node: unknown, elements: string[]): void => {
    if (!isPlainObject(node)) return;
    for (const [k, child] of Object.entries(node)) {
      if (k === '.') {
        set.add(joinPath(elements));
        continue;
      }
      const path = [...elements, k];
      if (!isPlainObject(child) || Object.keys(child).length === 0) set.add(joinPath(path));
      else decode(child, path);
    }
  };
  decode(fields, []);
  return set;
}

/** Human form used in conflict messages: `.spec.template.spec.containers[name="web"].image`. */
export function pathToString(path: string): string {
  return splitPath(path)
    .map((el) => {
      const body = el.slice(2);
      if (el.startsWith('f:')) return `.${body}`;
      if (el.startsWith('i:')) return `[${body}]`;
      if (el.startsWith('v:')) return `[=${body}]`;
      const key = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}
