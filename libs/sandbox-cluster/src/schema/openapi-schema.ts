/**
 * The part of an OpenAPI v3 schema the sandbox reads: built-in kinds' schemas (builtin-schemas.ts) and a CRD
 * version's `openAPIV3Schema`, which is one (structural) schema without references.
 */
export interface OpenApiSchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  default?: unknown;
  allOf?: OpenApiSchema[];
  $ref?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
}

/** Follows `$ref` (and the `allOf: [{$ref}]` wrapper OpenAPI v3 uses to describe a reference). */
export type SchemaResolver = (schema: OpenApiSchema) => OpenApiSchema;

/** A resolver for schemas without references (CRD schemas). */
export const noReferences: SchemaResolver = (schema) => schema;

/** A resolver over `#/components/schemas/<name>` references into `definitions`. */
export function referenceResolver(definitions: Record<string, OpenApiSchema>): SchemaResolver {
  const resolve: SchemaResolver = (schema) => {
    const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);
    if (!ref) return schema;
    const target = definitions[ref.slice(ref.lastIndexOf('/') + 1)];
    return target ? resolve(target) : {};
  };
  return resolve;
}

/** The generated data (scripts/generate-sandbox-openapi.mjs): one schema name per served kind, and the schemas. */
export interface BuiltinSchemaData {
  /** Where the schemas came from (package and version). */
  source: string;
  kinds: Array<{ group: string; version: string; kind: string; schema: string }>;
  schemas: Record<string, OpenApiSchema>;
}
