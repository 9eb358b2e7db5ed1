import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { AppComparison } from '../diff/compare-app';
import type { KubeObject } from '../diff/kube-object';
import type { AppProject } from './app-project.types';
import { defaultAppProject } from './default-project';
import {
  describeResourcePermissionProblems,
  isLiveResourcePermitted,
  type ResourcePermissionContext,
  resourcePermissionProblems,
  withResourcePermissionProblems,
} from './resource-permission';

// Jest runs from the repository root (jest.config.mjs rootDir).
const production = parse(
  readFileSync(join(process.cwd(), 'libs/domain/src/project/testdata/production-project.yaml'), 'utf8'),
) as AppProject;

function withSpec(spec: Partial<AppProject['spec']>): AppProject {
  return { ...production, spec: { ...production.spec, ...spec } };
}

function obj(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } };
}

const inProduction: ResourcePermissionContext = {
  destination: { server: 'https://kubernetes.default.svc', namespace: 'production' },
  clusters: [],
};
const clusterRole = obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader');
const quota = obj('v1', 'ResourceQuota', 'q', 'production');
const configMap = obj('v1', 'ConfigMap', 'cfg', 'production');
const deployment = obj('apps/v1', 'Deployment', 'api', 'production');
const namespace = (name: string) => obj('v1', 'Namespace', name);
const crd = (scope: string): KubeObject => ({
  ...obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
  spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope },
});
const widget = obj('example.com/v1', 'Widget', 'w', 'production');

/** `key -> message` of every problem, for compact tables. */
function problems(project: AppProject, objects: KubeObject[], context = inProduction): string[] {
  return resourcePermissionProblems(project, objects, context).map((p) => `${p.key} -> ${p.message}`);
}

describe('resourcePermissionProblems (Argo CD’s sync permission validator)', () => {
  it('the built-in default project permits every kind in every namespace', () => {
    const anywhere = { destination: { server: 'https://x.example', namespace: 'kube-system' }, clusters: [] };
    expect(
      problems(defaultAppProject(), [clusterRole, quota, namespace('team1'), configMap], anywhere),
    ).toEqual([]);
  });

  it.each<[string, Partial<AppProject['spec']>, KubeObject[], string[]]>([
    [
      'a cluster-scoped kind without a clusterResourceWhitelist entry',
      { clusterResourceWhitelist: undefined },
      [clusterRole, deployment],
      [
        'rbac.authorization.k8s.io/ClusterRole//reader -> resource rbac.authorization.k8s.io:ClusterRole is not permitted in project production',
      ],
    ],
    [
      'an empty clusterResourceWhitelist admits no cluster-scoped kind',
      { clusterResourceWhitelist: [] },
      [namespace('production')],
      ['/Namespace//production -> resource :Namespace is not permitted in project production'],
    ],
    [
      'a blacklisted namespaced kind (namespaceResourceBlacklist)',
      {},
      [quota, configMap],
      ['/ResourceQuota/production/q -> resource :ResourceQuota is not permitted in project production'],
    ],
    [
      'a namespaceResourceWhitelist admits only what it names',
      { namespaceResourceWhitelist: [{ group: 'apps', kind: '*' }] },
      [deployment, configMap],
      ['/ConfigMap/production/cfg -> resource :ConfigMap is not permitted in project production'],
    ],
    [
      'an empty namespaceResourceWhitelist admits no namespaced kind',
      { namespaceResourceWhitelist: [] },
      [deployment],
      ['apps/Deployment/production/api -> resource apps:Deployment is not permitted in project production'],
    ],
    [
      'cluster-scoped items restrict names with a glob, in the whitelist and the blacklist',
      {
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team1-*' }],
        clusterResourceBlacklist: [{ group: '', kind: 'Namespace', name: 'team1-secret*' }],
      },
      [namespace('team1-web'), namespace('team2-web'), namespace('team1-secrets')],
      [
        '/Namespace//team1-secrets -> resource :Namespace is not permitted in project production',
        '/Namespace//team2-web -> resource :Namespace is not permitted in project production',
      ],
    ],
    [
      'a namespaced resource in a namespace the destinations do not permit',
      {},
      [obj('v1', 'ConfigMap', 'cfg', 'kube-system'), configMap],
      ["/ConfigMap/kube-system/cfg -> namespace kube-system is not permitted in project 'production'"],
    ],
    [
      'a refused kind is not judged for its namespace as well',
      {},
      [obj('v1', 'ResourceQuota', 'q', 'kube-system')],
      ['/ResourceQuota/kube-system/q -> resource :ResourceQuota is not permitted in project production'],
    ],
  ])('%s', (_title, spec, objects, expected) => {
    expect(problems(withSpec(spec), objects)).toEqual(expected);
  });

  it('a namespaced object without a namespace is judged in the destination namespace', () => {
    const bare = obj('v1', 'ConfigMap', 'cfg');
    expect(problems(production, [bare])).toEqual([]);
    const elsewhere = { ...inProduction, destination: { ...inProduction.destination, namespace: 'other' } };
    expect(problems(production, [bare], elsewhere)).toEqual([
      "/ConfigMap//cfg -> namespace other is not permitted in project 'production'",
    ]);
  });

  it('namespaces are judged on the app’s cluster as the resolver finds it (a destination by name)', () => {
    // production permits {name: prod-eu, namespace: team-*}.
    const context: ResourcePermissionContext = {
      destination: { server: 'https://prod-eu.example', namespace: 'team-a' },
      clusters: [{ name: 'prod-eu', server: 'https://prod-eu.example' }],
    };
    expect(
      problems(
        production,
        [obj('v1', 'ConfigMap', 'a', 'team-b'), obj('v1', 'ConfigMap', 'b', 'ops')],
        context,
      ),
    ).toEqual(["/ConfigMap/ops/b -> namespace ops is not permitted in project 'production'"]);
  });

  it('scope: the cluster’s discovery first, then a CRD of the same objects, then the built-in kinds; unknown kinds are namespaced', () => {
    const noClusterKinds = withSpec({
      clusterResourceWhitelist: [{ group: 'apiextensions.k8s.io', kind: '*' }],
    });
    // The CRD says Cluster: its Widgets need the clusterResourceWhitelist.
    expect(problems(noClusterKinds, [crd('Cluster'), widget])).toEqual([
      'example.com/Widget/production/w -> resource example.com:Widget is not permitted in project production',
    ]);
    expect(problems(noClusterKinds, [crd('Namespaced'), widget])).toEqual([]);
    // Without a CRD, an unknown custom kind is namespaced (kubectl's assumption).
    expect(problems(noClusterKinds, [widget])).toEqual([]);
    // The cluster's answer wins over the CRD and over the built-in list.
    const discovery = {
      ...inProduction,
      isNamespaced: (group: string, kind: string) =>
        kind === 'Widget' ? false : kind === 'ClusterRole' ? true : undefined,
    };
    // (Here the cluster serves a namespaced ClusterRole: judged in the destination namespace, permitted.)
    expect(problems(noClusterKinds, [crd('Namespaced'), widget, clusterRole], discovery)).toEqual([
      'example.com/Widget/production/w -> resource example.com:Widget is not permitted in project production',
    ]);
  });
});

describe('isLiveResourcePermitted (Argo CD’s IsLiveResourcePermitted)', () => {
  it('leaves out live objects of refused kinds and namespaces; a live object with a namespace is namespaced', () => {
    const tight = withSpec({ clusterResourceWhitelist: undefined });
    expect(isLiveResourcePermitted(tight, clusterRole, inProduction)).toBe(false);
    expect(isLiveResourcePermitted(tight, quota, inProduction)).toBe(false);
    expect(isLiveResourcePermitted(tight, configMap, inProduction)).toBe(true);
    expect(isLiveResourcePermitted(tight, obj('v1', 'ConfigMap', 'c', 'kube-system'), inProduction)).toBe(
      false,
    );
    expect(isLiveResourcePermitted(production, namespace('production'), inProduction)).toBe(true);
  });
});

describe('withResourcePermissionProblems', () => {
  const comparison: AppComparison = {
    status: 'OutOfSync',
    outOfSyncCount: 1,
    resources: [
      { key: '/ConfigMap/production/cfg', status: 'Synced' },
      { key: 'rbac.authorization.k8s.io/ClusterRole//reader', status: 'OutOfSync' },
    ],
  };
  const found = resourcePermissionProblems(
    withSpec({ clusterResourceWhitelist: undefined }),
    [clusterRole],
    inProduction,
  );

  it('marks the refused resources Unknown and names every problem in one InvalidSpecError condition', () => {
    expect(withResourcePermissionProblems(comparison, found)).toEqual({
      status: 'OutOfSync',
      outOfSyncCount: 1,
      resources: [
        { key: '/ConfigMap/production/cfg', status: 'Synced' },
        { key: 'rbac.authorization.k8s.io/ClusterRole//reader', status: 'Unknown' },
      ],
      conditions: [
        {
          type: 'InvalidSpecError',
          message:
            'rbac.authorization.k8s.io/ClusterRole//reader: resource rbac.authorization.k8s.io:ClusterRole is not permitted in project production',
        },
      ],
    });
  });

  it('keeps another InvalidSpecError the comparison found, in the same condition', () => {
    const withJq = { ...comparison, conditions: [{ type: 'InvalidSpecError' as const, message: 'jq rule' }] };
    expect(withResourcePermissionProblems(withJq, found).conditions).toEqual([
      { type: 'InvalidSpecError', message: `jq rule; ${describeResourcePermissionProblems(found)}` },
    ]);
  });

  it('changes nothing when the project permits every resource', () => {
    expect(withResourcePermissionProblems(comparison, [])).toBe(comparison);
  });
});
