import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { validateApplicationSet } from './applicationset.validator';
import { formatIssue } from '../application/validation-issue';

const valid = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'guestbook' },
  spec: {
    generators: [{ list: { elements: [{ cluster: 'dev', url: 'https://kubernetes.default.svc' }] } }],
    template: {
      metadata: { name: '{{cluster}}-guestbook' },
      spec: { project: 'default', source: {}, destination: { server: '{{url}}' } },
    },
  },
};

function errorsOf(
  change: (spec: Record<string, unknown>) => void,
  input: Record<string, unknown> = valid,
): string[] {
  const copy = structuredClone(input);
  change(copy['spec'] as Record<string, unknown>);
  const result = validateApplicationSet(copy);
  return result.ok ? [] : result.errors.map((i) => formatIssue(i));
}

describe('validateApplicationSet', () => {
  it('accepts a list ApplicationSet and drops server-set metadata and status', () => {
    const result = validateApplicationSet({
      ...valid,
      metadata: { name: 'guestbook', uid: 'u', resourceVersion: '3' },
      status: { conditions: [] },
    });
    expect(result.ok && result.applicationSet).toEqual({ ...valid, metadata: { name: 'guestbook' } });
  });

  it.each([
    [
      'scmProvider',
      { scmProvider: { github: { organization: 'o' } } },
      'spec.generators[0].scmProvider: the SCM provider generator is not supported by Berth yet',
    ],
    [
      'pullRequest',
      { pullRequest: {} },
      'spec.generators[0].pullRequest: the pull request generator is not supported',
    ],
    ['plugin', { plugin: {} }, 'spec.generators[0].plugin: the plugin generator is not supported'],
    ['merge', { merge: {} }, 'spec.generators[0].merge: the merge generator is not supported'],
    [
      'clusterDecisionResource',
      { clusterDecisionResource: {} },
      'spec.generators[0].clusterDecisionResource: the cluster decision resource generator',
    ],
  ])('refuses the %s generator naming the field', (_name, generator, expected) => {
    const errors = errorsOf((spec) => {
      spec['generators'] = [generator];
    });
    expect(errors.join('\n')).toContain(expected);
  });

  it('refuses progressive syncs and templatePatch', () => {
    const errors = errorsOf((spec) => {
      spec['strategy'] = { type: 'RollingSync' };
      spec['templatePatch'] = 'x';
    });
    expect(errors).toEqual([
      'spec.strategy: progressive syncs (spec.strategy) is not supported by Berth yet; remove it (docs/applicationsets.md lists what works)',
      'spec.templatePatch: spec.templatePatch is not supported by Berth yet; remove it (docs/applicationsets.md lists what works)',
    ]);
  });

  it('refuses git paths that leave the repository, are absolute, or are malformed globs', () => {
    const errors = errorsOf((spec) => {
      spec['generators'] = [
        {
          git: {
            repoURL: 'https://example.com/r.git',
            revision: 'HEAD',
            files: [{ path: '../../etc/passwd' }, { path: '/etc/*.json' }, { path: 'a/[b.json' }],
          },
        },
      ];
    });
    expect(errors).toEqual([
      'spec.generators[0].git.files[0].path: "../../etc/passwd" leaves the repository (".."); write a path inside the repository, e.g. "apps/*"',
      'spec.generators[0].git.files[1].path: "/etc/*.json" is absolute; write a path relative to the repository root, e.g. "apps/*"',
      'spec.generators[0].git.files[2].path: "a/[b.json" has an unclosed "["; close the "[" or escape it as "\\["',
    ]);
  });

  it('asks for exactly two matrix generators, one generator per item, strings in lists without goTemplate, a known policy', () => {
    const errors = errorsOf((spec) => {
      spec['generators'] = [
        { matrix: { generators: [{ list: { elements: [] } }] } },
        { list: { elements: [{ replicas: 3 }] }, clusters: {} },
        {},
      ];
      spec['syncPolicy'] = { applicationsSync: 'create-and-forget' };
    });
    expect(errors).toEqual([
      'spec.generators[0].matrix.generators: found 1 generators, Matrix support only two; give exactly two generators',
      'spec.generators[1].list.elements[0].replicas: expected a string (without goTemplate, list values must be strings); quote it, or set spec.goTemplate: true',
      'spec.generators[1]: names 2 generators (list, clusters); write each as its own list item',
      'spec.generators[2]: names no generator; use one of list, git, clusters, matrix',
      'spec.syncPolicy.applicationsSync: "create-and-forget" is not a policy; use one of create-only, create-update, create-delete, sync',
    ]);
    expect(
      errorsOf((spec) => {
        spec['goTemplate'] = true;
        spec['generators'] = [{ list: { elements: [{ replicas: 3 }] } }];
      }),
    ).toEqual([]);
  });

  it('needs generators, a template and a name', () => {
    const result = validateApplicationSet(
      parse('apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {}\nspec: {}\n'),
    );
    expect(result.ok ? [] : result.errors.map((i) => i.path)).toEqual([
      'metadata.name',
      'spec.generators',
      'spec.template',
    ]);
  });
});
