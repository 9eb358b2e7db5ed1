import { isPlainObject } from './json-value';

/**
 * The RFC 7386 JSON merge patch that turns `from` into `to` (Go's `jsonpatch.CreateMergePatch`, what Argo CD
 * sends for a resource action's result): members that differ are set, members that went away are `null`,
 * maps are compared member by member, and a list that differs is sent whole (a merge patch cannot address
 * list items). `{}` when the two are equal.
 */
export function createMergePatch(
  from: Readonly<Record<string, unknown>>,
  to: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) {
    if (!Object.hasOwn(to, key) || to[key] === undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    const before = from[key];
    if (isPlainObject(before) && isPlainObject(value)) {
      const inner = createMergePatch(before, value);
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (!jsonEqual(before, value)) {
      patch[key] = value;
    }
  }
  return patch;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    return (
      keys.length === Object.keys(b).filter((k) => b[k] !== undefined).length &&
      keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
    );
  }
  return false;
}
