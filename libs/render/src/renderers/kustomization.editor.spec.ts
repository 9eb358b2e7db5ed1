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
        forceCommonLabels: true,
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

  it('refuses a label or annotation the kustomization already sets unless forced (kustomize edit add without --force)', () => {
    expect(() => applyKustomizeOptions(base, { commonLabels: { app: 'other' } })).toThrow(
      expect.objectContaining({
        code: 'invalid-argument',
        field: 'spec.source.kustomize.commonLabels.app',
        message: expect.stringContaining('set spec.source.kustomize.forceCommonLabels: true'),
      }),
    );
    const annotated = 'commonAnnotations:\n  owner: a\n';
    expect(() => applyKustomizeOptions(annotated, { commonAnnotations: { owner: 'b' } })).toThrow(
      expect.objectContaining({ field: 'spec.source.kustomize.commonAnnotations.owner' }),
    );
    expect(
      parse(
        applyKustomizeOptions(annotated, { commonAnnotations: { owner: 'b' }, forceCommonAnnotations: true }),
      ),
    ).toEqual({ commonAnnotations: { owner: 'b' } });
  });

  const env = [
    { name: 'ARGOCD_APP_REVISION_SHORT', value: 'abc1234' },
    { name: 'ARGOCD_APP_NAME', value: 'guestbook' },
  ];

  it('substitutes the build environment in images and labels, in annotations only when asked', () => {
    const options = {
      images: ['api:${ARGOCD_APP_REVISION_SHORT}'],
      commonLabels: { release: '$ARGOCD_APP_NAME' },
      commonAnnotations: { revision: '$ARGOCD_APP_REVISION_SHORT' },
    };
    expect(parse(applyKustomizeOptions('resources: []\n', options, { env }))).toEqual({
      resources: [],
      images: [{ name: 'api', newTag: 'abc1234' }],
      commonLabels: { release: 'guestbook' },
      commonAnnotations: { revision: '$ARGOCD_APP_REVISION_SHORT' },
    });
    const substituted = parse(
      applyKustomizeOptions('resources: []\n', { ...options, commonAnnotationsEnvsubst: true }, { env }),
    ) as { commonAnnotations: Record<string, string> };
    expect(substituted.commonAnnotations).toEqual({ revision: 'abc1234' });
  });

  it('writes labels without selectors to a labels entry, with templates when asked', () => {
    const existing = 'labels:\n  - pairs: { a: b }\n';
    expect(
      parse(applyKustomizeOptions(existing, { commonLabels: { team: 'x' }, labelWithoutSelector: true })),
    ).toEqual({
      labels: [{ pairs: { a: 'b', team: 'x' } }],
    });
    expect(
      parse(
        applyKustomizeOptions(existing, {
          commonLabels: { team: 'x' },
          labelWithoutSelector: true,
          labelIncludeTemplates: true,
        }),
      ),
    ).toEqual({ labels: [{ pairs: { a: 'b' } }, { pairs: { team: 'x' }, includeTemplates: true }] });
    expect(() =>
      applyKustomizeOptions(existing, { commonLabels: { team: 'x' }, labelIncludeTemplates: true }),
    ).toThrow(expect.objectContaining({ field: 'spec.source.kustomize.labelIncludeTemplates' }));
  });

  it('appends patches (known fields only) and components not listed yet', () => {
    const out = parse(
      applyKustomizeOptions('patches:\n  - path: own.yaml\ncomponents: [../c1]\n', {
        patches: [
          {
            patch: '- op: replace\n  path: /spec/replicas\n  value: 2',
            target: { kind: 'Deployment', name: 'api', extra: 'dropped' },
            options: { allowNameChange: true },
            unknown: 'dropped',
          },
        ],
        components: ['../c1', '../c2'],
      }),
    ) as Record<string, unknown>;
    expect(out.patches).toEqual([
      { path: 'own.yaml' },
      {
        patch: '- op: replace\n  path: /spec/replicas\n  value: 2',
        target: { kind: 'Deployment', name: 'api' },
        options: { allowNameChange: true },
      },
    ]);
    expect(out.components).toEqual(['../c1', '../c2']);
    expect(() => applyKustomizeOptions('{}', { patches: [{ target: { kind: 'x' } }] })).toThrow(
      expect.objectContaining({ field: 'spec.source.kustomize.patches[0]' }),
    );
  });
});
