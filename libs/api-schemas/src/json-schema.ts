/** A JSON Schema (or a part of one) as plain data: what ajv compiles and what OpenAPI 3.1 embeds. */
export type JsonSchema = { readonly [keyword: string]: unknown };
