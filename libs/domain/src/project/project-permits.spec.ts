import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Application } from '../application/application.types';
import { formatIssue } from '../application/validation-issue';
import type { AppProject } from './app-project.types';
import { defaultAppProject } from './default-project';
import { projectConditionOf } from './project-condition';
import { projectPermits, type ProjectPermitsContext, type ResourceRef } from './project-permits';

// Jest runs from the repository root (jest.config.mjs rootDir).
const read = (path: string): unknown => parse(readFileSync(join(process.cwd(), path), 'utf8'));
const production = read('libs/domain/src/project/testdata/production-project.yaml') as AppProject;
const apiProd = read('libs/domain/src/application/testdata/api-prod-application.yaml') as Application;

function app(change: (a: Application) => void): Application {
  const copy = structuredClone(apiProd);
  change(copy);
  return copy;
}

const deployment: ResourceRef = { group: 'apps', kind: 'Deployment', name: 'api', namespaced: true };

describe('projectPermits', () => {
  it('the seed api-prod Application is permitted by the production project', () => {
    expect(projectPermits(production, apiProd, { resources: [deployment] })).toEqual([]);
  });

  it('the built-in default project permits everything', () => {
    const anything = app((a) => {
      a.spec.project = 'default';
      a.spec.source = { repoURL: 'git@gitlab.internal:any/thing.git', path: 'x' };
      a.spec.destination = { name: 'some-cluster', namespace: 'kube-system' };
    });
    const resources: ResourceRef[] = [
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin', namespaced: false },
      { group: '', kind: 'ResourceQuota', name: 'q', namespaced: true },
    ];
    expect(projectPermits(defaultAppProject(), anything, { resources })).toEqual([]);
  });

  it.each<[string, (a: Application) => void, ProjectPermitsContext, string[]]>([
    [
      'repository outside the allowed organisation',
      (a) => (a.spec.source!.repoURL = 'https://github.com/other/k8s-manifests.git'),
      {},
      [
        'spec.source.repoURL: "https://github.com/other/k8s-manifests.git" is not permitted by project "production"; add it (or a pattern matching it) to the project\'s sourceRepos',
      ],
    ],
    [
      'repository denied by a "!" pattern',
      (a) => (a.spec.source!.repoURL = 'https://github.com/example/sandbox.git'),
      {},
      [
        'spec.source.repoURL: "https://github.com/example/sandbox.git" is not permitted by project "production"; add it (or a pattern matching it) to the project\'s sourceRepos',
      ],
    ],
    [
      '"*" in sourceRepos does not cross "/"',
      (a) => (a.spec.source!.repoURL = 'https://github.com/example/nested/repo.git'),
      {},
      [
        'spec.source.repoURL: "https://github.com/example/nested/repo.git" is not permitted by project "production"; add it (or a pattern matching it) to the project\'s sourceRepos',
      ],
    ],
    [
      'SSH form of an allowed repository is still refused (pattern is https)',
      (a) => (a.spec.source!.repoURL = 'git@github.com:example/k8s-manifests.git'),
      {},
      [
        'spec.source.repoURL: "git@github.com:example/k8s-manifests.git" is not permitted by project "production"; add it (or a pattern matching it) to the project\'s sourceRepos',
      ],
    ],
    [
      'namespace not in destinations',
      (a) => (a.spec.destination.namespace = 'staging'),
      {},
      [
        'spec.destination: server "https://kubernetes.default.svc", namespace "staging" is not permitted by project "production"; add it (or a pattern matching it) to the project\'s destinations',
      ],
    ],
    [
      'destination by name matching a glob namespace',
      (a) => (a.spec.destination = { name: 'prod-eu', namespace: 'team-a' }),
      {},
      [],
    ],
    [
      'destination by name resolved to a permitted server through the cluster list',
      (a) => (a.spec.destination = { name: 'in-cluster', namespace: 'production' }),
      { clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }] },
      [],
    ],
    [
      'cluster-scoped kind not whitelisted',
      () => undefined,
      {
        resources: [
          { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin', namespaced: false },
        ],
      },
      [
        'resource rbac.authorization.k8s.io/ClusterRole admin: cluster-scoped kind is not in clusterResourceWhitelist of project "production"; add {group: "rbac.authorization.k8s.io", kind: "ClusterRole"} to it, or remove the resource',
      ],
    ],
    [
      'whitelisted cluster-scoped kind',
      () => undefined,
      { resources: [{ group: '', kind: 'Namespace', name: 'production', namespaced: false }] },
      [],
    ],
    [
      'blacklisted namespaced kind',
      () => undefined,
      { resources: [{ group: '', kind: 'ResourceQuota', name: 'quota', namespaced: true }] },
      [
        'resource ResourceQuota quota: namespaced kind is in namespaceResourceBlacklist of project "production"; remove the resource, or take its kind off the list',
      ],
    ],
    [
      'a resource that sets a namespace the project does not allow',
      () => undefined,
      { resources: [{ ...deployment, namespace: 'kube-system' }] },
      [
        'resource apps/Deployment kube-system/api: its namespace: server "https://kubernetes.default.svc", namespace "kube-system" is not permitted by project "production"; add the namespace to the project\'s destinations, or drop the namespace from the manifest',
      ],
    ],
    [
      'Application in another project',
      (a) => (a.spec.project = 'default'),
      {},
      ['spec.project: the Application belongs to "default", not project "production"'],
    ],
    [
      'Application outside the control-plane namespace without sourceNamespaces',
      (a) => (a.metadata.namespace = 'team-a'),
      {},
      [
        'metadata.namespace: Applications in namespace "team-a" are not permitted by project "production"; add "team-a" to the project\'s sourceNamespaces, or create the Application in "argocd"',
      ],
    ],
  ])('%s', (_name, change, context, expected) => {
    expect(projectPermits(production, app(change), context).map(formatIssue)).toEqual(expected);
  });

  it('an empty namespaceResourceWhitelist allows no namespaced kind, an absent one allows all', () => {
    const locked: AppProject = {
      ...production,
      spec: { ...production.spec, namespaceResourceWhitelist: [] },
    };
    expect(projectPermits(locked, apiProd, { resources: [deployment] }).map((v) => v.message)).toEqual([
      'namespaced kind is not in namespaceResourceWhitelist of project "production"',
    ]);
    expect(projectPermits(production, apiProd, { resources: [deployment] })).toEqual([]);
  });

  it('checks every source of a multi-source Application', () => {
    const multi = app((a) => {
      delete a.spec.source;
      a.spec.sources = [
        { repoURL: 'https://github.com/example/k8s-manifests.git', path: 'overlays/prod' },
        { repoURL: 'https://charts.example.com', chart: 'api', targetRevision: '1.0.0' },
      ];
    });
    expect(projectPermits(production, multi).map((v) => v.path)).toEqual(['spec.sources[1].repoURL']);
  });
});

describe('projectPermits: deny patterns', () => {
  const withLists = (
    sourceRepos: string[],
    destinations: AppProject['spec']['destinations'],
  ): AppProject => ({
    ...production,
    spec: { ...production.spec, sourceRepos, destinations },
  });

  it.each<[string, string[], string, boolean]>([
    [
      'allow-all with one denied repository: the denied one',
      ['*', '!https://github.com/example/secret'],
      'https://github.com/example/secret.git',
      false,
    ],
    [
      'allow-all with one denied repository: another one',
      ['*', '!https://github.com/example/secret'],
      'https://github.com/example/app.git',
      true,
    ],
    [
      'only a deny pattern allows nothing (the documented rule)',
      ['!https://github.com/example/secret'],
      'https://github.com/example/app.git',
      false,
    ],
  ])('sourceRepos %s', (_name, sourceRepos, repoURL, permitted) => {
    const project = withLists(sourceRepos, [{ server: '*', namespace: '*' }]);
    const application = app((a) => (a.spec.source!.repoURL = repoURL));
    expect(projectPermits(project, application).length === 0).toBe(permitted);
  });

  it.each<[string, boolean]>([
    ['kube-system', false],
    ['production', true],
  ])('destinations "*" except "!kube-system": namespace %s permitted is %s', (namespace, permitted) => {
    const project = withLists(
      ['*'],
      [
        { server: '*', namespace: '!kube-system' },
        { server: '*', namespace: '*' },
      ],
    );
    const application = app((a) => (a.spec.destination.namespace = namespace));
    expect(projectPermits(project, application).length === 0).toBe(permitted);
  });

  it('sourceNamespaces allows Applications outside the control-plane namespace by glob', () => {
    const project: AppProject = {
      ...production,
      spec: { ...production.spec, sourceNamespaces: ['team-*', '!team-x'] },
    };
    expect(
      projectPermits(
        project,
        app((a) => (a.metadata.namespace = 'team-a')),
      ),
    ).toEqual([]);
    expect(
      projectPermits(
        project,
        app((a) => (a.metadata.namespace = 'team-x')),
      ).map((v) => v.path),
    ).toEqual(['metadata.namespace']);
  });
});

describe('projectPermits: a destination entry matches only on the fields the app sets (item 17)', () => {
  const project = (
    destinations: AppProject['spec']['destinations'],
    extra: Partial<AppProject['spec']> = {},
  ): AppProject => ({
    ...production,
    spec: { ...production.spec, sourceRepos: ['*'], destinations, ...extra },
  });
  const to = (destination: Application['spec']['destination']) =>
    app((a) => (a.spec.destination = destination));

  it('an entry naming one server does not permit an app on another server', () => {
    const p = project([{ server: 'https://my-cluster', namespace: 'default' }]);
    expect(
      projectPermits(p, to({ server: 'https://other-cluster', namespace: 'default' })).map(formatIssue),
    ).toEqual([
      'spec.destination: server "https://other-cluster", namespace "default" is not permitted by project "production"; add it (or a pattern matching it) to the project\'s destinations',
    ]);
    expect(projectPermits(p, to({ server: 'https://my-cluster', namespace: 'default' }))).toEqual([]);
  });

  it('an entry naming a cluster by name does not permit an app that gives only an unknown server', () => {
    const p = project([{ name: 'prod-eu', namespace: '*' }]);
    expect(projectPermits(p, to({ server: 'https://10.0.0.9:6443', namespace: 'team-a' }))).toHaveLength(1);
    expect(projectPermits(p, to({ name: 'prod-eu', namespace: 'team-a' }))).toEqual([]);
  });

  it('a deny pattern denies on its own field, whatever the entry says about the cluster (as Argo CD)', () => {
    const p = project([
      { server: 'https://a.example', namespace: '!kube-system' },
      { server: '*', namespace: '*' },
    ]);
    expect(projectPermits(p, to({ server: 'https://b.example', namespace: 'kube-system' }))).toHaveLength(1);
    expect(projectPermits(p, to({ server: 'https://b.example', namespace: 'apps' }))).toEqual([]);
  });
});

describe('projectPermits: permitOnlyProjectScopedClusters and cluster resource names (item 18)', () => {
  const scoped = (): AppProject => ({
    ...production,
    spec: {
      ...production.spec,
      sourceRepos: ['*'],
      destinations: [{ server: '*', namespace: '*' }],
      permitOnlyProjectScopedClusters: true,
    },
  });
  const clusters = [
    { name: 'team-a', server: 'https://team-a.example', project: 'production' },
    { name: 'shared', server: 'https://shared.example' },
  ];

  it("with permitOnlyProjectScopedClusters only the project's own clusters are permitted", () => {
    const onTeamA = app((a) => (a.spec.destination = { server: 'https://team-a.example', namespace: 'x' }));
    const onShared = app((a) => (a.spec.destination = { name: 'shared', namespace: 'x' }));
    expect(projectPermits(scoped(), onTeamA, { clusters })).toEqual([]);
    expect(projectPermits(scoped(), onShared, { clusters }).map(formatIssue)).toEqual([
      'spec.destination: server "https://shared.example", namespace "x" is not one of the clusters of project "production" (permitOnlyProjectScopedClusters: true); use a cluster registered with project "production", or set permitOnlyProjectScopedClusters to false',
    ]);
  });

  it('a cluster registered with a project serves only that project’s Applications, whatever the destinations say', () => {
    const everywhere = (name: string): AppProject => ({
      ...production,
      metadata: { ...production.metadata, name },
      spec: { ...production.spec, sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }] },
    });
    const byName = app((a) => (a.spec.destination = { name: 'team-a', namespace: 'x' }));
    const byServer = app((a) => (a.spec.destination = { server: 'https://team-a.example/', namespace: 'x' }));
    // `production` owns the cluster: its apps reach it by name or by server.
    expect(projectPermits(everywhere('production'), byName, { clusters })).toEqual([]);
    expect(projectPermits(everywhere('production'), byServer, { clusters })).toEqual([]);
    // Another project (the built-in default included) may not, though its destinations match everything.
    for (const other of ['staging', 'default']) {
      const foreign = app((a) => {
        a.spec.project = other;
        a.spec.destination = { server: 'https://team-a.example', namespace: 'x' };
      });
      const project = other === 'default' ? defaultAppProject() : everywhere(other);
      expect(projectPermits(project, foreign, { clusters }).map(formatIssue)).toEqual([
        `spec.destination: cluster "team-a" is registered with project "production": only its Applications may deploy to it, not those of project "${other}"; use project "production", or another cluster (register one without a project, or with "${other}")`,
      ]);
    }
    // A cluster without a project is anybody's the destinations permit.
    const shared = app((a) => {
      a.spec.project = 'staging';
      a.spec.destination = { name: 'shared', namespace: 'x' };
    });
    expect(projectPermits(everywhere('staging'), shared, { clusters })).toEqual([]);
  });

  it('projectConditionOf: the InvalidSpecError the worker raises, in Argo CD’s words', () => {
    const onShared = app((a) => (a.spec.destination = { name: 'shared', namespace: 'x' }));
    const onTeamA = app((a) => (a.spec.destination = { server: 'https://team-a.example', namespace: 'x' }));
    expect(projectConditionOf(scoped(), onTeamA, clusters)).toBeUndefined();
    expect(projectConditionOf(scoped(), onShared, clusters)).toBe(
      "application destination server 'shared' and namespace 'x' do not match any of the allowed destinations in project 'production' (permitOnlyProjectScopedClusters: the cluster is not registered with project 'production')",
    );
    const narrow: AppProject = {
      ...scoped(),
      spec: { ...scoped().spec, destinations: [{ server: 'https://other.example', namespace: 'x' }] },
    };
    expect(projectConditionOf(narrow, onTeamA, clusters)).toBe(
      "application destination server 'https://team-a.example' and namespace 'x' do not match any of the allowed destinations in project 'production'",
    );
    const foreign = app((a) => {
      a.spec.project = 'staging';
      a.spec.destination = { name: 'team-a', namespace: 'x' };
    });
    expect(
      projectConditionOf({ ...defaultAppProject(), metadata: { name: 'staging' } }, foreign, clusters),
    ).toBe(
      "application destination cluster 'team-a' is registered with project 'production': only Applications of project 'production' may deploy to it",
    );
    expect(projectConditionOf(undefined, foreign, clusters)).toBe(
      'Application referencing project staging which does not exist',
    );
  });

  it('projectConditionOf: sourceRepos tightened after the app was admitted, every source named before the destination', () => {
    const tightened: AppProject = {
      ...production,
      spec: { ...production.spec, sourceRepos: ['https://github.com/example/other'] },
    };
    // NormalizeGitURL: case and a trailing ".git" do not matter.
    const sameRepo = app((a) => (a.spec.source!.repoURL = 'https://GitHub.com/example/k8s-manifests'));
    expect(projectConditionOf(production, sameRepo, [])).toBeUndefined();
    expect(projectConditionOf(tightened, apiProd, [])).toBe(
      "application repo https://github.com/example/k8s-manifests.git is not permitted in project 'production'",
    );
    const multi = app((a) => {
      delete a.spec.source;
      a.spec.sources = [
        { repoURL: 'https://github.com/example/other.git', path: 'a' },
        { repoURL: 'https://github.com/example/sandbox', path: 'b' },
      ];
      a.spec.destination = { server: 'https://kubernetes.default.svc', namespace: 'kube-system' };
    });
    expect(projectConditionOf(production, multi, [])).toBe(
      "application repo https://github.com/example/sandbox is not permitted in project 'production'; " +
        "application destination server 'https://kubernetes.default.svc' and namespace 'kube-system' do not match any of the allowed destinations in project 'production'",
    );
  });

  it('clusterResourceWhitelist and Blacklist items take a name glob', () => {
    const project: AppProject = {
      ...production,
      spec: {
        ...production.spec,
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team1-*' }],
        clusterResourceBlacklist: [{ group: '', kind: 'Namespace', name: 'team1-secret*' }],
      },
    };
    const ns = (name: string): ResourceRef => ({ group: '', kind: 'Namespace', name, namespaced: false });
    expect(projectPermits(project, apiProd, { resources: [ns('team1-web')] })).toEqual([]);
    expect(
      projectPermits(project, apiProd, { resources: [ns('team2-web'), ns('team1-secrets')] }).map(
        formatIssue,
      ),
    ).toEqual([
      'resource Namespace team2-web: cluster-scoped kind is not in clusterResourceWhitelist of project "production"; add {group: "", kind: "Namespace", name: "team2-web"} to it, or remove the resource',
      'resource Namespace team1-secrets: cluster-scoped kind is in clusterResourceBlacklist of project "production"; remove the resource, or take its kind off the list',
    ]);
  });
});
