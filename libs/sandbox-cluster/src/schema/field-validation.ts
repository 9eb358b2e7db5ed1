import type { KubeObject, ResourceType } from '../api/resource-type';
import { ApiStatusError } from '../errors/api-status.error';
import { listTopology } from '../managed-fields/list-topology';
import { clone, isPlainObject, sortKeys } from '../store/object-utils';
import { builtinResolver, builtinSchema } from './builtin-schemas';
import { noReferences, type OpenApiSchema, type SchemaResolver } from './openapi-schema';
import { decoderPath, pruneUnknownFields, type PathSegment } from './unknown-fields';

/** The `fieldValidation` query parameter of create, update and patch (API server default: Warn). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const directives: FieldValidation[] = ['Ignore', 'Warn', 'Strict'];

/**
 * Reads `fieldValidation` as the API server does: absent or empty is Warn; anything else is refused with the
 * server's 422 on the request options (metav1 validation's NotSupported).
 */
export function parseFieldValidation(value: string | null, optionsKind: string): FieldValidation {
  if (value === null || value === '') return 'Warn';
  if ((directives as string[]).includes(value)) return value as FieldValidation;
  const message = `Unsupported value: ${JSON.stringify(value)}: supported values: "", "Ignore", "Warn", "Strict"`;
  throw new ApiStatusError(
    422,
    'Invalid',
    `${optionsKind}.meta.k8s.io "" is invalid: fieldValidation: ${message}`,
    {
      group: 'meta.k8s.io',
      kind: optionsKind,
      causes: [{ reason: 'FieldValueNotSupported', message, field: 'fieldValidation' }],
    },
  );
}

/** The schema a kind's objects are checked against: the generated built-in one, or the CRD version's. */
export function schemaOf(type: ResourceType): { schema: OpenApiSchema; resolve: SchemaResolver } | undefined {
  if (type.builtin) {
    const schema = builtinSchema(type.group, type.version, type.kind);
    return schema ? { schema, resolve: builtinResolver } : undefined;
  }
  return type.schema ? { schema: type.schema, resolve: noReferences } : undefined;
}

/**
 * Drops the fields the kind's schema does not declare from a decoded request object (in place) and answers
 * the strict decoder's complaints about them (`unknown field "spec.foo"`): in document order for built-in kinds,
 * sorted for custom resources as the CRD decoder reports them. A custom resource's metadata is ObjectMeta,
 * whatever its CRD schema says about it.
 */
export function pruneRequestObject(type: ResourceType, obj: KubeObject): string[] {
  const found = schemaOf(type);
  if (!found) return [];
  const metadata = obj.metadata;
  if (!type.builtin) delete obj.metadata;
  const unknown = pruneUnknownFields(obj, found.schema, found.resolve).map(
    (p) => `unknown field ${JSON.stringify(decoderPath(p))}`,
  );
  if (!type.builtin && metadata !== undefined) obj.metadata = metadata;
  return type.builtin ? unknown : unknown.sort();
}

/**
 * What a field validation directive makes of the strict decoder's complaints: Strict refuses the request with
 * `refuse(problems)`, Warn answers them as warnings, Ignore drops them.
 */
export function enforceFieldValidation(
  directive: FieldValidation | undefined,
  problems: string[],
  refuse: (problems: string[]) => ApiStatusError,
): string[] {
  if (problems.length === 0 || directive === undefined || directive === 'Ignore') return [];
  if (directive === 'Strict') throw refuse(problems);
  return problems;
}

/** `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"` (runtime.strictDecodingError). */
export function strictDecodingError(problems: string[]): string {
  return `strict decoding error: ${problems.join(', ')}`;
}

/**
 * Server-side apply types its patch against the schema before anything else (structured-merge-diff), whatever
 * fieldValidation says: an undeclared field fails the request. The real server answers this with a 500 and no
 * reason (kubernetes#122480, still open in 1.34), which kubectl prints as `Error from server: failed to create
 * typed patch object (default/web; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema`.
 */
export function checkApplyConfiguration(
  type: ResourceType,
  config: KubeObject,
  namespace: string,
  name: string,
): void {
  const found = schemaOf(type);
  if (!found) return;
  const copy = clone(config);
  if (!type.builtin) delete copy.metadata;
  const seenMaps = new Set<string>();
  const errors: string[] = [];
  for (const path of pruneUnknownFields(copy, found.schema, found.resolve)) {
    // The typed walk stops at a map's first undeclared field.
    const parent = typedPath(type, path.slice(0, -1));
    if (seenMaps.has(parent)) continue;
    seenMaps.add(parent);
    errors.push(`${typedPath(type, path)}: field not declared in schema`);
  }
  if (errors.length === 0) return;
  const detail = errors.length === 1 ? errors[0]! : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n');
  const gvk = `${type.group}/${type.version}, Kind=${type.kind}`;
  throw new ApiStatusError(
    500,
    '',
    `failed to create typed patch object (${type.namespaced ? namespace : ''}/${name}; ${gvk}): ${detail}`,
  );
}

/** structured-merge-diff's path: `.spec.template.spec.containers[name="web"].foo`, keyed lists by their keys. */
function typedPath(type: ResourceType, path: PathSegment[]): string {
  return path
    .map((p) => {
      if ('field' in p) return `.${p.field}`;
      const topology = listTopology({ builtin: type.builtin, kind: type.kind }, p.listFields);
      if (topology.type === 'map' && isPlainObject(p.item)) {
        const item = p.item;
        return `[${topology.keys.map((k) => `${k}=${JSON.stringify(item[k])}`).join(',')}]`;
      }
      return `[${p.index}]`;
    })
    .join('');
}

/**
 * A patch whose result fails strict decoding (handlers/patch.go): 422 Invalid on an unnamed kind, the field
 * `patch` holding the strategic merge patch as Go prints a map (`%+v`), or the patched object's JSON for the
 * other patch types.
 */
export function patchStrictDecodingError(value: unknown, goMap: boolean, problems: string[]): ApiStatusError {
  const shown = goMap ? goPrint(value) : JSON.stringify(sortKeys(value));
  const message = `Invalid value: ${JSON.stringify(shown)}: ${strictDecodingError(problems)}`;
  return new ApiStatusError(422, 'Invalid', ` "" is invalid: patch: ${message}`, {
    causes: [{ reason: 'FieldValueInvalid', message, field: 'patch' }],
  });
}

/** Go's `%+v` of a decoded JSON value: `map[spec:map[replicas:2]]`, keys sorted, lists `[a b]`, null `<nil>`. */
function goPrint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goPrint).join(' ')}]`;
  if (isPlainObject(value)) {
    return `map[${Object.keys(value)
      .sort()
      .map((k) => `${k}:${goPrint(value[k])}`)
      .join(' ')}]`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
