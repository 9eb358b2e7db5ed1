import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import { PartialRollbackError, resourcesOfKinds } from './partial-rollback';

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  extra: Partial<KubeObject['metadata']> = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...extra },
});

const rendered: KubeObject[] = [
  obj('v1', 'ConfigMap', 'config'),
  obj('apps/v1', 'Deployment', 'web', { namespace: 'prod' }),
  obj('apps/v1', 'Deployment', 'worker'),
  obj('v1', 'Service', 'web'),
  obj('batch/v1', 'Job', 'migrate', { annotations: { 'argocd.argoproj.io/hook': 'PreSync' } }),
];

describe('resourcesOfKinds (seed §5.4: roll back only some kinds)', () => {
  const table: Array<[string, string[], string[]]> = [
    ['Deployments only', ['Deployment'], ['apps/Deployment/prod/web', 'apps/Deployment//worker']],
    ['group/Kind form', ['apps/Deployment'], ['apps/Deployment/prod/web', 'apps/Deployment//worker']],
    ['several kinds', ['ConfigMap', 'Service'], ['/ConfigMap//config', '/Service//web']],
    ['hooks never (a selective sync runs no hooks)', ['Job', 'Service'], ['/Service//web']],
  ];

  it.each(table)('%s', (_name, kinds, expected) => {
    const resources = resourcesOfKinds(kinds, rendered, 'a'.repeat(40));
    expect(resources.map((r) => `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`)).toEqual(expected);
  });

  it('refuses kinds the revision does not render, listing the ones it does', () => {
    expect(() => resourcesOfKinds(['deployment'], rendered, 'abcdef0123')).toThrow(PartialRollbackError);
    expect(() => resourcesOfKinds(['StatefulSet'], rendered, 'abcdef0123')).toThrow(
      /kinds: revision abcdef0 renders no StatefulSet; it renders ConfigMap, Deployment, Service\./,
    );
  });
});
