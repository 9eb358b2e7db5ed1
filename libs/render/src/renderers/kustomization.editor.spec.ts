import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { applyKustomizeOptions, parseImageOverride } from './kustomization.editor';

describe('parseImageOverride', () => {
  it.each([
    ['nginx:1.25', { name: 'nginx', newTag: '1.25' }],
    ['nginx=registry.io/nginx:1.25', { name: 'nginx', newName: 'registry.io/nginx', newTag: '1.25' }],
    ['nginx=registry.io:5000/nginx', { name: 'nginx', newName: 'registry.io:5000/nginx' }],
    ['nginx@sha256:abc', { name: 'nginx', digest: 'sha256:abc' }],
    ['registry.io:5000/team/api:v2', { name: 'registry.io:5000/team/api', newTag: 'v2' }],
  ])('%s', (spec, expected) => {
    expect(parseImageOverride(spec, 'spec.source.kustomize.images[0]')).toEqual(expected);
  });
});

describe('applyKustomizeOptions', () => {
  const base = [
    'resources: [deployment.yaml]',
    'images:',
    '  - name: api',
    '    newTag: old',
    '  - name: keep',
    '    newTag: "1"',
    'commonLabels:',
    '  app: api',
    '',
  ].join('\n');

  it('replaces images by name, keeps others, and merges labels like kustomize edit --force', () => {
    const out: unknown = parse(
      applyKustomizeOptions(base, {
        images: ['api:new', 'added=reg/added:2'],
        commonLabels: { app: 'other', team: 'x' },
        commonAnnotations: { owner: 'y' },
        namePrefix: 'p-',
        nameSuffix: '-s',
        namespace: 'ns',
        replicas: [{ name: 'api', count: '3' }],
      }),
    );
    expect(out).toEqual({
      resources: ['deployment.yaml'],
      images: [
        { name: 'api', newTag: 'new' },
        { name: 'keep', newTag: '1' },
        { name: 'added', newName: 'reg/added', newTag: '2' },
      ],
      commonLabels: { app: 'other', team: 'x' },
      commonAnnotations: { owner: 'y' },
      namePrefix: 'p-',
      nameSuffix: '-s',
      namespace: 'ns',
      replicas: [{ name: 'api', count: 3 }],
    });
  });

  it('refuses a replica count that is not a number, naming the field', () => {
    expect(() => applyKustomizeOptions(base, { replicas: [{ name: 'api', count: 'many' }] })).toThrow(
      expect.objectContaining({ field: 'spec.source.kustomize.replicas[0].count' }),
    );
  });
});
