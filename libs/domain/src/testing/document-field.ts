/**
 * Reads and edits of a parsed YAML/JSON document by dotted path (`spec.source.repoURL`, `spec.sources.0.helm`),
 * for specs that break a valid document one field at a time. The document stays `unknown`, as a parser hands
 * it over: a path through something that is neither a map nor a list throws, so a mistyped path fails the
 * test instead of editing nothing.
 */
function childOf(value: unknown, key: string, where: string): unknown {
  if (Array.isArray(value)) return (value as unknown[])[Number(key)];
  if (typeof value === 'object' && value !== null) return (value as Record<string, unknown>)[key];
  throw new Error(`test document: ${where || '(root)'} is not a map or a list`);
}

function parentOf(doc: unknown, path: string): { parent: unknown; key: string } {
  const keys = path.split('.');
  const key = keys.pop()!;
  const parent = keys.reduce((value, k, i) => childOf(value, k, keys.slice(0, i).join('.')), doc);
  if (typeof parent !== 'object' || parent === null) {
    throw new Error(`test document: ${keys.join('.') || '(root)'} is not a map or a list`);
  }
  return { parent, key };
}

/** The value at `path` (undefined when the last member is absent). */
export function field(doc: unknown, path: string): unknown {
  const { parent, key } = parentOf(doc, path);
  return childOf(parent, key, path);
}

/** The list at `path`; throws when it is not a list. */
export function listField(doc: unknown, path: string): unknown[] {
  const value = field(doc, path);
  if (!Array.isArray(value)) throw new Error(`test document: ${path} is not a list`);
  return value as unknown[];
}

/** The map at `path`, to spread into a new value; throws when it is not a map. */
export function mapField(doc: unknown, path: string): Record<string, unknown> {
  const value = field(doc, path);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`test document: ${path} is not a map`);
  }
  return value as Record<string, unknown>;
}

/** Sets the member at `path`; its parent must exist. */
export function setField(doc: unknown, path: string, value: unknown): void {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) (parent as unknown[])[Number(key)] = value;
  else (parent as Record<string, unknown>)[key] = value;
}

/** Removes the member at `path`, as `delete` does. */
export function deleteField(doc: unknown, path: string): void {
  const { parent, key } = parentOf(doc, path);
  delete (parent as Record<string, unknown>)[key];
}
