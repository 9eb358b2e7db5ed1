/** Deep copy of parsed YAML/JSON data (maps, lists, scalars), so normalizing never touches the caller's value. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((entry: unknown) => cloneJson(entry)) as T;
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) copy[key] = cloneJson(entry);
    return copy as T;
  }
  return value;
}
