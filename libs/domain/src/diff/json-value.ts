/** JSON helpers shared inside the diff, health and sync folders (not part of the public API). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON deep copy: Kubernetes objects are JSON, so this is exact and drops undefined members. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
