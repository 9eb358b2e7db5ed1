import { describe, expect, it } from '@jest/globals';
import { builtinResolver, builtinSchema } from './builtin-schemas';
import { noReferences } from './openapi-schema';
import { decoderPath, pruneUnknownFields } from './unknown-fields';

describe('pruneUnknownFields', () => {
  it('drops what the generated Deployment schema does not declare, keeping maps and quantities', () => {
    const schema = builtinSchema('apps', 'v1', 'Deployment')!;
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, colour: 'blue' },
      spec: {
        foo: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          spec: {
            containers: [{ name: 'web', image: 'nginx', resources: { limits: { cpu: 1 } }, bar: true }],
          },
        },
      },
    };
    const unknown = pruneUnknownFields(deployment, schema, builtinResolver).map(decoderPath);
    expect(unknown).toEqual(['metadata.colour', 'spec.foo', 'spec.template.spec.containers[0].bar']);
    expect(deployment.spec.template.spec.containers[0]).toEqual({
      name: 'web',
      image: 'nginx',
      resources: { limits: { cpu: 1 } },
    });
  });

  it('keeps preserve-unknown-fields subtrees and an embedded resource’s apiVersion, kind and metadata', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            embedded: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: {} },
          },
        },
      },
    };
    const value = {
      spec: {
        free: { a: { b: 1 } },
        embedded: { apiVersion: 'v1', kind: 'Pod', metadata: {}, x: 1 },
        gone: 1,
      },
    };
    expect(pruneUnknownFields(value, schema, noReferences).map(decoderPath)).toEqual([
      'spec.embedded.x',
      'spec.gone',
    ]);
    expect(value.spec).toEqual({
      free: { a: { b: 1 } },
      embedded: { apiVersion: 'v1', kind: 'Pod', metadata: {} },
    });
  });
});
