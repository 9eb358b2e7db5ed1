import { ARGO_CD_ANSWERS } from './argo-cd-answers.schema';
import { ARGO_CD_DEFINITIONS } from './argo-cd-definitions.schema';
import type { JsonSchema } from './json-schema';

const DEFINITIONS_FILE = 'argo-cd-definitions.schema.json';

/** Where an OpenAPI document keeps the schema named `name`. */
export const componentRef = (name: string): string => `#/components/schemas/${name}`;

/**
 * The answer schemas as OpenAPI 3.1 `components.schemas`, keyed by their Argo CD swagger names: every
 * definition, and every answer that is not just a definition. References are rewritten to point into the
 * document (`#/components/schemas/<name>`), `$id` is dropped (it would change the base of those
 * references) and `$comment` becomes the `description` a docs page shows. OpenAPI 3.1's dialect is JSON
 * Schema 2020-12, which reads these draft-07 keywords the same way.
 */
export function openApiSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  const definitions = ARGO_CD_DEFINITIONS['definitions'] as Record<string, JsonSchema>;
  for (const [name, definition] of Object.entries(definitions)) schemas[name] = toOpenApi(definition);
  for (const { component, schema } of Object.values(ARGO_CD_ANSWERS)) {
    const { definitions: own, ...answer } = schema as JsonSchema;
    // An answer's own definitions (the resource tree's nodes) become components beside Argo CD's.
    for (const [name, definition] of Object.entries((own ?? {}) as Record<string, JsonSchema>)) {
      if (name in schemas) throw new Error(`${component} redefines ${name}, a definition of Argo CD's`);
      schemas[name] = toOpenApi(definition);
    }
    const target = answer['$ref'];
    if (typeof target === 'string' && target === `${DEFINITIONS_FILE}#/definitions/${component}`) continue;
    schemas[component] = toOpenApi(answer);
  }
  return schemas;
}

function toOpenApi(schema: JsonSchema): JsonSchema {
  return rewrite(schema) as JsonSchema;
}

function rewrite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewrite);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$id') continue;
    if (key === '$comment') out['description'] = inner;
    else if (key === '$ref' && typeof inner === 'string') out[key] = refInDocument(inner);
    else out[key] = rewrite(inner);
  }
  return out;
}

function refInDocument(ref: string): string {
  const match = /^(?:argo-cd-definitions\.schema\.json)?#\/definitions\/([A-Za-z0-9]+)$/.exec(ref);
  if (!match?.[1]) throw new Error(`a reference the OpenAPI document cannot hold: ${ref}`);
  return componentRef(match[1]);
}
