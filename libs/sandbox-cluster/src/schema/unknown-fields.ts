import { isPlainObject } from '../store/object-utils';
import type { OpenApiSchema, SchemaResolver } from './openapi-schema';

/** Root fields every object has whatever its schema says (a CRD schema may leave them out). */
const objectRoot = ['apiVersion', 'kind', 'metadata'];

/** One step of the path to an unknown field: a member name, or an item of a list (with the list's field path). */
export type PathSegment = { field: string } | { index: number; item: unknown; listFields: string[] };

/**
 * Removes, in place, the fields `schema` does not declare, and answers their paths in the order met: what the
 * API server's decoder drops from built-in kinds and what CRD pruning drops from custom resources.
 * `x-kubernetes-preserve-unknown-fields` keeps a subtree's unknown fields (its declared ones are still walked);
 * `x-kubernetes-embedded-resource` keeps apiVersion, kind and metadata. A value of the wrong type is left
 * alone: type errors are validation's business.
 */
export function pruneUnknownFields(
  value: unknown,
  schema: OpenApiSchema,
  resolve: SchemaResolver,
): PathSegment[][] {
  const unknown: PathSegment[][] = [];
  walk(value, schema, resolve, [], true, unknown);
  return unknown;
}

function walk(
  value: unknown,
  schema: OpenApiSchema,
  resolve: SchemaResolver,
  path: PathSegment[],
  root: boolean,
  unknown: PathSegment[][],
): void {
  const s = resolve(schema);
  if (Array.isArray(value)) {
    if (!s.items) return;
    const listFields = path.flatMap((p) => ('field' in p ? [p.field] : []));
    value.forEach((item, index) =>
      walk(item, s.items!, resolve, [...path, { index, item, listFields }], false, unknown),
    );
    return;
  }
  if (!isPlainObject(value)) return;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const keepsRoot = root || s['x-kubernetes-embedded-resource'] === true;
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const key of Object.keys(value)) {
    const child = [...path, { field: key }];
    const declared = s.properties?.[key] ?? additional;
    if (declared) {
      walk(value[key], declared, resolve, child, false, unknown);
      continue;
    }
    if (preserve || s.additionalProperties === true || (keepsRoot && objectRoot.includes(key))) continue;
    // An untyped schema without properties is how `any` is written (RawExtension): it keeps everything.
    if (!s.properties && !s.type) continue;
    unknown.push(child);
    delete value[key];
  }
}

/** `spec.template.spec.containers[0].foo`: the path the strict JSON decoder names an unknown field by. */
export function decoderPath(path: PathSegment[]): string {
  return path.map((p, i) => ('field' in p ? `${i === 0 ? '' : '.'}${p.field}` : `[${p.index}]`)).join('');
}
