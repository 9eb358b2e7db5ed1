import { DiffError } from './diff.error';
import { isPlainObject } from './json-value';

/**
 * One step into a JSON value: an object member, an array index, or the array item whose
 * fields equal `match` (how managedFields name list items: `k:{"name":"web"}`, `v:"x"`).
 */
export type PathSegment = string | number | { match: Record<string, unknown> } | { value: unknown };
export type FieldPath = PathSegment[];

/** RFC 6901 pointer -> segments. Numeric tokens stay strings; they index arrays when they meet one. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new DiffError(
      'InvalidJsonPointer',
      `ignoreDifferences jsonPointer "${pointer}" must start with "/" (for example "/spec/replicas")`,
    );
  }
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function toJsonPointer(path: ReadonlyArray<string | number>): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Resolves selector segments against `root`, giving the concrete path, or undefined if absent. */
export function resolvePath(root: unknown, path: FieldPath): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const idx = indexIn(cur, seg);
      if (idx === undefined) return undefined;
      out.push(idx);
      cur = cur[idx];
    } else if (isPlainObject(cur) && (typeof seg === 'string' || typeof seg === 'number')) {
      const key = String(seg);
      if (!(key in cur)) return undefined;
      out.push(key);
      cur = cur[key];
    } else {
      return undefined;
    }
  }
  return out;
}

/** The index in `list` a segment names (an index, or the item a managedFields key or set value names). */
export function indexIn(list: readonly unknown[], seg: PathSegment): number | undefined {
  if (typeof seg === 'number' || typeof seg === 'string') {
    const n = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : NaN;
    return Number.isInteger(n) && n >= 0 && n < list.length ? n : undefined;
  }
  if ('match' in seg) {
    const i = list.findIndex(
      (item) =>
        isPlainObject(item) &&
        Object.entries(seg.match).every(
          // The API server defaults a port's protocol to TCP, so keys name it even when Git omits it.
          ([k, v]) => looseEqual(item[k], v) || (k === 'protocol' && v === 'TCP' && item[k] === undefined),
        ),
    );
    return i < 0 ? undefined : i;
  }
  const i = list.findIndex((item) => looseEqual(item, seg.value));
  return i < 0 ? undefined : i;
}

/** managedFields keys omit defaulted key fields (e.g. protocol TCP); numbers may arrive as strings. */
function looseEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string')) {
    return String(a) === String(b);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

export function getAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isPlainObject(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

/** Removes the member at a concrete path; array items are spliced out. Returns whether it existed. */
export function removeAt(root: unknown, path: ReadonlyArray<string | number>): boolean {
  if (path.length === 0) return false;
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) return false;
    parent.splice(i, 1);
    return true;
  }
  if (isPlainObject(parent) && String(last) in parent) {
    delete parent[String(last)];
    return true;
  }
  return false;
}

/** Sets the value at a concrete path, creating intermediate objects. Returns false if a parent is not a container. */
export function setAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): boolean {
  if (path.length === 0) return false;
  let cur: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next = Array.isArray(cur)
      ? (cur as unknown[])[Number(seg)]
      : isPlainObject(cur)
        ? cur[String(seg)]
        : undefined;
    if (next === undefined || next === null) {
      if (!isPlainObject(cur)) return false;
      const created: Record<string, unknown> = {};
      cur[String(seg)] = created;
      cur = created;
    } else {
      cur = next;
    }
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(cur)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i > cur.length) return false;
    cur[i] = value;
    return true;
  }
  if (isPlainObject(cur)) {
    cur[String(last)] = value;
    return true;
  }
  return false;
}

/** Removes paths deepest-first and array indices high-to-low so earlier removals do not shift later ones. */
export function removeAll(root: unknown, paths: ReadonlyArray<ReadonlyArray<string | number>>): void {
  const sorted = [...paths].sort((a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x === y) continue;
      if (typeof x === 'number' && typeof y === 'number') return y - x;
      return String(y).localeCompare(String(x));
    }
    return b.length - a.length;
  });
  for (const p of sorted) removeAt(root, p);
}
