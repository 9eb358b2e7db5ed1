import { builtinSchemaData } from './builtin-schemas.data';
import { referenceResolver, type OpenApiSchema, type SchemaResolver } from './openapi-schema';

/** Every definition of the built-in kinds, keyed by name (`io.k8s.api.v1.Deployment`, `io.k8s.api.core.v1.Event`...). */
export const builtinDefinitions: Record<string, OpenApiSchema> = builtinSchemaData.schemas;

/** Resolves `#/components/schemas/...` references between the built-in definitions. */
export const builtinResolver: SchemaResolver = referenceResolver(builtinDefinitions);

const byKind = new Map(builtinSchemaData.kinds.map((k) => [`${k.group}/${k.version}/${k.kind}`, k.schema]));

/** The schema name of a served built-in kind, or undefined when the sandbox has none for it. */
export function builtinSchemaName(group: string, version: string, kind: string): string | undefined {
  return byKind.get(`${group}/${version}/${kind}`);
}

/** The schema of a served built-in kind. */
export function builtinSchema(group: string, version: string, kind: string): OpenApiSchema | undefined {
  const name = builtinSchemaName(group, version, kind);
  return name ? builtinDefinitions[name] : undefined;
}

/** ObjectMeta's definition: a custom resource's published schema refers to it for `metadata`. */
export const objectMetaSchemaName = 'io.k8s.api.v1.ObjectMeta';
