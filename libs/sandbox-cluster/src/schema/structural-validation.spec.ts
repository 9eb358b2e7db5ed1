import { describe, expect, it } from '@jest/globals';
import type { OpenApiSchema } from './openapi-schema';
import { applySchemaDefaults, validateAgainstSchema } from './structural-validation';

// kube-openapi's messages as apiextensions turns them into field errors (validation.go, errors/schema.go).
describe('validateAgainstSchema', () => {
  const cases: Array<[string, OpenApiSchema, unknown, Array<{ field: string; message: string }>]> = [
    [
      'type',
      { type: 'integer' },
      'x',
      [
        {
          field: 'spec.n',
          message: 'Invalid value: "string": spec.n in body must be of type integer: "string"',
        },
      ],
    ],
    ['number accepts an integer', { type: 'number' }, 3, []],
    ['nullable', { type: 'string', nullable: true }, null, []],
    [
      'null without nullable',
      { type: 'string' },
      null,
      [{ field: 'spec.n', message: 'Invalid value: "null": spec.n in body must be of type string: "null"' }],
    ],
    [
      'exclusive minimum',
      { type: 'integer', minimum: 1, exclusiveMinimum: true },
      1,
      [{ field: 'spec.n', message: 'Invalid value: 1: spec.n in body should be greater than 1' }],
    ],
    [
      'enum of numbers',
      { type: 'integer', enum: [1, 2] },
      3,
      [{ field: 'spec.n', message: 'Unsupported value: 3: supported values: "1", "2"' }],
    ],
    [
      'minItems',
      { type: 'array', minItems: 2, items: { type: 'string' } },
      ['a'],
      [{ field: 'spec.n', message: 'Invalid value: ["a"]: spec.n in body should have at least 2 items' }],
    ],
    [
      'nested required',
      { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
      {},
      [{ field: 'spec.n.a', message: 'Required value' }],
    ],
  ];
  it.each(cases)('%s', (_name, schema, value, expected) => {
    expect(
      validateAgainstSchema(value, schema, 'spec.n').map(({ field, message }) => ({ field, message })),
    ).toEqual(expected);
  });
});

describe('applySchemaDefaults', () => {
  it('fills missing and null members with their defaults, recursing into objects, maps and arrays', () => {
    const schema: OpenApiSchema = {
      type: 'object',
      properties: {
        a: { type: 'string', default: 'x' },
        b: { type: 'string', default: 'y' },
        c: { type: 'string' },
        d: { type: 'string', nullable: true, default: 'z' },
        items: {
          type: 'array',
          items: { type: 'object', properties: { k: { type: 'integer', default: 1 } } },
        },
      },
    };
    const value: Record<string, unknown> = { b: null, c: null, d: null, items: [{}, { k: 2 }] };
    applySchemaDefaults(value, schema);
    expect(value).toEqual({ a: 'x', b: 'y', d: null, items: [{ k: 1 }, { k: 2 }] });
  });
});
