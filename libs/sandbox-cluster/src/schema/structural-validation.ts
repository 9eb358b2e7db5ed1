import { goValue } from '../admission/go-value';
import type { StatusCause } from '../errors/api-status.error';
import { clone, isPlainObject, jsonEqual } from '../store/object-utils';
import type { OpenApiSchema } from './openapi-schema';

/**
 * Applies a CRD schema's `default`s in place, as the apiextensions server does when it decodes a custom
 * resource: a missing property with a default gets it, and so does a null one that may not be null; a null
 * without a default in a non-nullable property is dropped (structural defaulting's null pruning).
 */
export function applySchemaDefaults(value: unknown, schema: OpenApiSchema): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applySchemaDefaults(item, schema.items);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const present = key in value;
    if ((!present || (value[key] === null && !prop.nullable)) && prop.default !== undefined) {
      value[key] = clone(prop.default);
    } else if (present && value[key] === null && !prop.nullable) {
      delete value[key];
    }
  }
  for (const [key, member] of Object.entries(value)) {
    const prop =
      schema.properties?.[key] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (prop) applySchemaDefaults(member, prop);
  }
}

/** The JSON type kube-openapi names a value by in "must be of type" messages. */
function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function hasType(value: unknown, schema: OpenApiSchema): boolean {
  const actual = typeOf(value);
  if (schema['x-kubernetes-int-or-string']) return actual === 'integer' || actual === 'string';
  if (!schema.type) return true;
  if (schema.type === 'number') return actual === 'number' || actual === 'integer';
  return actual === schema.type;
}

/**
 * Validates a custom resource against its CRD version's schema as the apiextensions server does (kube-openapi's
 * validator, its errors turned into field errors by kubeOpenAPIResultToFieldErrors): each cause carries the
 * field path and the real message, e.g. `Invalid value: "string": spec.replicas in body must be of type
 * integer: "string"`.
 */
export function validateAgainstSchema(value: unknown, schema: OpenApiSchema, path = ''): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = path || '.';
  const invalid = (detail: string, bad: unknown = value, reason = 'FieldValueInvalid') =>
    causes.push({ reason, message: `Invalid value: ${goValue(bad)}: ${detail}`, field: path });
  if (value === null && schema.nullable) return causes;
  if (!hasType(value, schema)) {
    const expected = schema['x-kubernetes-int-or-string'] ? 'integer,string' : String(schema.type);
    const actual = typeOf(value);
    invalid(
      `${name} in body must be of type ${expected}: ${JSON.stringify(actual)}`,
      actual,
      'FieldValueTypeInvalid',
    );
    return causes;
  }
  if (schema.enum && !schema.enum.some((e) => jsonEqual(e, value))) {
    const supported = schema.enum.map((e) => JSON.stringify(typeof e === 'string' ? e : JSON.stringify(e)));
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${goValue(value)}: supported values: ${supported.join(', ')}`,
      field: path,
    });
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      causes.push({
        reason: 'FieldValueTooLong',
        message: `Too long: may not be more than ${schema.maxLength} bytes`,
        field: path,
      });
    }
    if (schema.minLength !== undefined && length < schema.minLength)
      invalid(`${name} in body should be at least ${schema.minLength} chars long`);
    if (schema.pattern !== undefined && !matches(schema.pattern, value))
      invalid(`${name} in body should match '${schema.pattern}'`);
  }
  if (typeof value === 'number') {
    if (schema.maximum !== undefined) {
      const over = schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum;
      if (over)
        invalid(
          `${name} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`,
        );
    }
    if (schema.minimum !== undefined) {
      const under = schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum;
      if (under)
        invalid(
          `${name} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`,
        );
    }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      causes.push({
        reason: 'FieldValueTooMany',
        message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
        field: path,
      });
    }
    if (schema.minItems !== undefined && value.length < schema.minItems)
      invalid(`${name} in body should have at least ${schema.minItems} items`);
    if (schema.items)
      value.forEach((item, i) => causes.push(...validateAgainstSchema(item, schema.items!, `${path}[${i}]`)));
  }
  if (isPlainObject(value)) {
    const count = Object.keys(value).length;
    if (schema.maxProperties !== undefined && count > schema.maxProperties) {
      causes.push({
        reason: 'FieldValueTooMany',
        message: `Too many: ${count}: must have at most ${schema.maxProperties} items`,
        field: path,
      });
    }
    if (schema.minProperties !== undefined && count < schema.minProperties)
      invalid(`${name} in body should have at least ${schema.minProperties} properties`);
    for (const key of schema.required ?? []) {
      if (!(key in value))
        causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: join(path, key) });
    }
    const additional =
      typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const [key, member] of Object.entries(value)) {
      const prop = schema.properties?.[key] ?? additional;
      if (prop) causes.push(...validateAgainstSchema(member, prop, join(path, key)));
    }
  }
  return causes;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** A CRD pattern is an ECMA 262 regular expression; one JavaScript cannot compile never fails a value. */
function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}
