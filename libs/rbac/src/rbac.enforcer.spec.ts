import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectRbac } from './project-policy';
import { projectsFrom } from './project-policy';
import { assertRbacConfig } from './rbac-config';
import { RbacEnforcer } from './rbac.enforcer';
import type { SubjectClaims } from './subject-claims';

// Cases taken from Argo CD's documentation (docs/operator-manual/rbac.md, argocd-rbac-cm.yaml, user-guide/
// projects.md) and ported from its tests (util/rbac/rbac_test.go, server/rbacpolicy/rbacpolicy_test.go).

const testdata = (file: string): string =>
  readFileSync(join(process.cwd(), 'libs/rbac/src/testdata', file), 'utf8');

const CONFIGS = {
  /** No argocd-rbac-cm at all: the built-in roles only. */
  builtin: {},
  /** rbac.md "Tying it all together": role:org-admin for a GitHub team, role:readonly for everyone. */
  orgAdmin: {
    'policy.default': 'role:readonly',
    'policy.csv': [
      'p, role:org-admin, applications, *, */*, allow',
      'p, role:org-admin, clusters, get, *, allow',
      'p, role:org-admin, repositories, get, *, allow',
      'p, role:org-admin, repositories, create, *, allow',
      'p, role:org-admin, repositories, update, *, allow',
      'p, role:org-admin, repositories, delete, *, allow',
      '',
      'g, your-github-org:your-team, role:org-admin',
    ].join('\n'),
  },
  /** rbac.md: the staging-db-admins role, and no default role. */
  stagingDbAdmins: {
    'policy.csv': [
      'p, role:staging-db-admins, applications, create, staging-db-admins/*, allow',
      'p, role:staging-db-admins, applications, delete, staging-db-admins/*, allow',
      'p, role:staging-db-admins, applications, get, staging-db-admins/*, allow',
      'p, role:staging-db-admins, applications, override, staging-db-admins/*, allow',
      'p, role:staging-db-admins, applications, sync, staging-db-admins/*, allow',
      'p, role:staging-db-admins, applications, update, staging-db-admins/*, allow',
      'p, role:staging-db-admins, projects, get, staging-db-admins, allow',
      'g, db-admins, role:staging-db-admins',
    ].join('\n'),
  },
  /** The same with policy.default: role:readonly (`rbac can ... --default-role role:readonly`). */
  stagingDbAdminsReadonly: {
    'policy.default': 'role:readonly',
    'policy.csv': 'p, role:staging-db-admins, applications, get, staging-db-admins/*, allow',
  },
  /** rbac.md: application-specific policies, fine-grained update/delete, resource actions, extensions. */
  exampleUser: {
    'policy.csv': [
      'p, example-user, applications, get, *, allow',
      'p, example-user, logs, get, example-project/my-app, allow',
      'p, example-user, applications, delete, default/prod-app, deny',
      'p, example-user, applications, delete/*/Pod/*, default/prod-app, allow',
      'p, example-user, applications, update/*, default/prod-app, allow',
      'p, example-user, applications, action//Pod/maintenance-off, default/*, allow',
      'p, example-user, applications, action/extensions/DaemonSet/*, default/*, allow',
      'p, example-user, extensions, invoke, httpbin, allow',
      'p, ns-user, applications, get, */app-namespace/*, allow',
      'p, dev-group, applicationsets, *, dev-project/*, allow',
    ].join('\n'),
  },
  /** rbacpolicy_test.go TestEnforceActionActions. */
  actions: {
    'policy.csv': [
      'p, alice, applications, action/*, my-proj/*, allow',
      'p, bob, applications, action/argoproj.io/Rollout/*, my-proj/*, allow',
      'p, cam, applications, action/argoproj.io/Rollout/resume, my-proj/*, allow',
    ].join('\n'),
  },
  /** rbac_test.go TestProjectIsolationEnforcement, TestProjectReadOnly, TestURLAsObjectName, TestGlobMatchMode. */
  isolation: {
    'policy.csv': [
      'p, role:foo-admin, *, *, foo/*, allow',
      'p, role:bar-admin, *, *, bar/*, allow',
      'g, alice, role:foo-admin',
      'g, bob, role:bar-admin',
      'p, role:foo-readonly, *, get, foo/*, allow',
      'g, carol, role:foo-readonly',
      'p, dave, repositories, *, foo/*, allow',
      'p, erin, repositories, *, foo/https://github.com/argoproj/argo-cd.git, allow',
      'p, frank, clusters, get, "https://github.com/*/*.git", allow',
      'p, role:api-readers, applications, get, */api-*, allow',
      'g, api-team, role:api-readers',
    ].join('\n'),
  },
  /** rbac_test.go TestRegexMatchMode, plus anchored and unanchored object patterns. */
  regex: {
    'policy.matchMode': 'regex',
    'policy.csv': [
      'p, alice, clusters, get, "https://github.com/argo[a-z]{4}/argo-[a-z]+.git", allow',
      'p, role:dev, applications, sync, ^dev/.*$, allow',
      'p, role:loose, applications, sync, dev/.*, allow',
      'g, dev-team, role:dev',
      'g, loose-team, role:loose',
    ].join('\n'),
  },
  regexReadonly: { 'policy.matchMode': 'regex', 'policy.default': 'role:readonly' },
  /** Deny beats allow for one subject and its roles, not across groups; the default role is never denied. */
  deny: {
    'policy.default': 'role:readonly',
    scopes: '[email, groups]',
    'policy.csv': [
      'p, role:ops, applications, sync, */*, allow',
      'p, role:ops, applications, sync, prod/*, deny',
      'g, ops-team, role:ops',
      'g, alice, role:admin',
      'g, alice, role:no-delete',
      'p, role:no-delete, applications, delete, */*, deny',
      'p, bob, applications, get, */*, deny',
    ].join('\n'),
  },
  /** Argo CD issue 17547: a deny on one of the caller's groups does not cancel another group's allow. */
  crossGroup: {
    scopes: '[email, groups]',
    'policy.csv': [
      'g, k8s-admins, role:admin',
      'p, role:test, projects, get, *, deny',
      'g, usera@example.com, role:test',
    ].join('\n'),
  },
  /** Groups from the email claim too, and nothing else: what rbac.md's team-beta AppProject relies on. */
  emailScope: { scopes: '[groups, email]' },
  /** rbac.md "Using SSO users/groups" and "Local users/accounts"; the Cognito case of rbacpolicy_test.go. */
  sso: {
    scopes: '[groups, email]',
    'policy.csv': [
      'p, my-org:team-alpha, applications, sync, my-project/*, allow',
      'g, my-org:team-beta, role:admin',
      'g, user@example.org, role:admin',
      'p, my-local-user, applications, sync, my-project/*, allow',
      'g, sally, role:admin',
      'p, some:group, logs, get, some-proj/some-app, allow',
      'p, bound:group, logs, get, some-proj/some-app, allow',
      'g, bound:group, role:log-reader',
      'p, role:log-reader, logs, get, other-proj/*, allow',
    ].join('\n'),
  },
  cognito: {
    scopes: '[cognito:groups]',
    'policy.csv': 'p, role:creator, applications, create, my-proj/*, allow\ng, my-org:my-team, role:creator',
  },
  /** A project role may grant inside its project; the project's groups also hold a global role. */
  projects: {
    'policy.csv': 'g, my-org:my-team, role:deleter\np, role:deleter, applications, delete, */*, allow',
  },
  projectsReadonly: { 'policy.default': 'role:readonly' },
} satisfies Record<string, Record<string, string>>;

type ConfigName = keyof typeof CONFIGS;

const FILE_CONFIGS = {
  argoExample: testdata('argocd-rbac-cm.yaml'),
  seed: testdata('seed-argocd-rbac-cm.yaml'),
};

type AnyConfig = ConfigName | keyof typeof FILE_CONFIGS;

const local = (account: string, capability = 'login'): SubjectClaims => ({
  iss: 'argocd',
  sub: `${account}:${capability}`,
  jti: `${account}-session`,
});
const sso = (sub: string, claims: Partial<SubjectClaims> = {}): SubjectClaims => ({
  iss: 'https://idp.example.org',
  sub,
  ...claims,
});
const member = (...groups: string[]): SubjectClaims => sso('someone', { groups });
const projectToken = (
  project: string,
  role: string,
  token: { jti?: string; iat?: number },
): SubjectClaims => ({
  iss: 'argocd',
  sub: `proj:${project}:${role}`,
  ...token,
});

/** rbacpolicy_test.go newFakeProj, plus a token with an id and a deny for the role's group. */
const MY_PROJ: ProjectRbac = {
  metadata: { name: 'my-proj' },
  spec: {
    roles: [
      {
        name: 'my-role',
        policies: [
          'p, proj:my-proj:my-role, applications, create, my-proj/*, allow',
          'p, proj:my-proj:my-role, applications, sync, my-proj/*, allow',
          'p, proj:my-proj:my-role, applications, delete, my-proj/*, deny',
        ],
        groups: ['my-org:my-team'],
        jwtTokens: [{ iat: 1234 }, { iat: 1700000000, id: 'ci-token' }],
      },
      {
        name: 'other-role',
        policies: ['p, proj:my-proj:other-role, applications, get, my-proj/*, allow'],
        jwtTokens: [{ iat: 1234 }],
      },
    ],
  },
};

/**
 * rbac.md's team-beta example (groups from the email and groups scopes), with the object written as
 * Argo CD's validatePolicy requires it (`team-beta-project/*`, not `*`).
 */
const TEAM_BETA: ProjectRbac = {
  metadata: { name: 'team-beta-project' },
  spec: {
    roles: [
      {
        name: 'admin',
        policies: ['p, proj:team-beta-project:admin, applications, *, team-beta-project/*, allow'],
        groups: ['user@example.org', 'my-org:team-beta'],
      },
    ],
  },
};

/** A project whose stored role tries to reach another project (written around validation). */
const ESCAPING: ProjectRbac = {
  metadata: { name: 'sneaky' },
  spec: {
    roles: [
      {
        name: 'ci',
        policies: [
          'p, proj:sneaky:ci, applications, *, my-proj/*, allow',
          'p, proj:sneaky:ci, applications, *, */*, allow',
          'p, proj:sneaky:ci, clusters, *, *, allow',
          'p, proj:sneaky:ci, applications, get, sneaky/*, allow',
        ],
        groups: ['sneaky-team'],
        jwtTokens: [{ iat: 1, id: 'sneaky-1' }],
      },
    ],
  },
};

/** A lookup that answers every name with MY_PROJ: its roles must not apply to other projects' objects. */
const CONFUSED_LOOKUP = (): ProjectRbac => MY_PROJ;

const ALL_PROJECTS = [MY_PROJ, TEAM_BETA, ESCAPING];

interface Case {
  name: string;
  config: AnyConfig;
  claims: SubjectClaims;
  request: [resource: string, action: string, object: string];
  allowed: boolean;
  lookup?: (name: string) => ProjectRbac | undefined;
}

const CASES: Case[] = [
  // Built-in roles (rbac_test.go TestBuiltinPolicyEnforcer): the admin account is role:admin.
  {
    name: 'admin gets an app',
    config: 'builtin',
    claims: local('admin'),
    request: ['applications', 'get', 'foo/bar'],
    allowed: true,
  },
  {
    name: 'admin deletes an app',
    config: 'builtin',
    claims: local('admin'),
    request: ['applications', 'delete', 'foo/bar'],
    allowed: true,
  },
  {
    name: 'admin with an API key syncs',
    config: 'builtin',
    claims: local('admin', 'apiKey'),
    request: ['applications', 'sync', 'foo/bar'],
    allowed: true,
  },
  {
    name: 'admin deletes one Pod of an app (delete/*)',
    config: 'builtin',
    claims: local('admin'),
    request: ['applications', 'delete//Pod/prod/api-0', 'foo/bar'],
    allowed: true,
  },
  {
    name: 'admin runs a resource action (action/*)',
    config: 'builtin',
    claims: local('admin'),
    request: ['applications', 'action/apps/Deployment/restart', 'foo/bar'],
    allowed: true,
  },
  {
    name: 'admin approves a gated sync (Berth)',
    config: 'builtin',
    claims: local('admin'),
    request: ['applications', 'approve', 'prod/api'],
    allowed: true,
  },
  {
    name: 'admin creates a cluster',
    config: 'builtin',
    claims: local('admin'),
    request: ['clusters', 'create', 'https://prod.example.org'],
    allowed: true,
  },
  {
    name: 'admin execs into a Pod',
    config: 'builtin',
    claims: local('admin'),
    request: ['exec', 'create', 'foo/bar'],
    allowed: true,
  },
  {
    name: 'the built-in roles grant no extension',
    config: 'builtin',
    claims: local('admin'),
    request: ['extensions', 'invoke', 'httpbin'],
    allowed: false,
  },
  {
    name: 'another account has nothing without policy.default',
    config: 'builtin',
    claims: local('bob'),
    request: ['applications', 'get', 'foo/bar'],
    allowed: false,
  },
  {
    name: 'an SSO user whose sub is admin:login is not the admin account',
    config: 'builtin',
    claims: sso('admin:login'),
    request: ['applications', 'get', 'foo/bar'],
    allowed: false,
  },

  // rbac.md "Tying it all together".
  {
    name: 'org-admin creates an app in any project',
    config: 'orgAdmin',
    claims: member('your-github-org:your-team'),
    request: ['applications', 'create', 'someproj/someapp'],
    allowed: true,
  },
  {
    name: 'org-admin reads clusters',
    config: 'orgAdmin',
    claims: member('your-github-org:your-team'),
    request: ['clusters', 'get', 'somecluster'],
    allowed: true,
  },
  {
    name: 'org-admin cannot create clusters',
    config: 'orgAdmin',
    claims: member('your-github-org:your-team'),
    request: ['clusters', 'create', 'somecluster'],
    allowed: false,
  },
  {
    name: 'org-admin deletes repositories',
    config: 'orgAdmin',
    claims: member('your-github-org:your-team'),
    request: ['repositories', 'delete', 'https://github.com/org/repo.git'],
    allowed: true,
  },
  {
    name: 'everyone else reads apps (policy.default role:readonly)',
    config: 'orgAdmin',
    claims: member('other-team'),
    request: ['applications', 'get', 'someproj/someapp'],
    allowed: true,
  },
  {
    name: 'everyone else cannot sync',
    config: 'orgAdmin',
    claims: member('other-team'),
    request: ['applications', 'sync', 'someproj/someapp'],
    allowed: false,
  },
  {
    name: 'role:readonly cannot approve (Berth)',
    config: 'orgAdmin',
    claims: member('other-team'),
    request: ['applications', 'approve', 'someproj/someapp'],
    allowed: false,
  },
  {
    name: 'an anonymous caller holds the default role',
    config: 'orgAdmin',
    claims: {},
    request: ['projects', 'get', 'default'],
    allowed: true,
  },

  // rbac.md staging-db-admins.
  {
    name: 'db-admins sync in their project',
    config: 'stagingDbAdmins',
    claims: member('db-admins'),
    request: ['applications', 'sync', 'staging-db-admins/db'],
    allowed: true,
  },
  {
    name: 'db-admins override in their project',
    config: 'stagingDbAdmins',
    claims: member('db-admins'),
    request: ['applications', 'override', 'staging-db-admins/db'],
    allowed: true,
  },
  {
    name: 'db-admins get their project',
    config: 'stagingDbAdmins',
    claims: member('db-admins'),
    request: ['projects', 'get', 'staging-db-admins'],
    allowed: true,
  },
  {
    name: 'db-admins cannot delete in another project',
    config: 'stagingDbAdmins',
    claims: member('db-admins'),
    request: ['applications', 'delete', 'production/db'],
    allowed: false,
  },
  {
    name: 'db-admins cannot get another project',
    config: 'stagingDbAdmins',
    claims: member('db-admins'),
    request: ['projects', 'get', 'production'],
    allowed: false,
  },
  {
    name: 'without a default role, others read nothing',
    config: 'stagingDbAdmins',
    claims: member('devs'),
    request: ['applications', 'get', 'staging-db-admins/db'],
    allowed: false,
  },
  {
    name: 'with --default-role role:readonly, others read everything',
    config: 'stagingDbAdminsReadonly',
    claims: member('devs'),
    request: ['applications', 'get', 'production/db'],
    allowed: true,
  },

  // rbac.md: application-specific policies, fine-grained update/delete, actions, extensions, any namespace.
  {
    name: 'example-user gets any app (object *)',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['applications', 'get', 'any-project/any-app'],
    allowed: true,
  },
  {
    name: 'example-user sees the logs of my-app',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['logs', 'get', 'example-project/my-app'],
    allowed: true,
  },
  {
    name: 'example-user sees no other logs',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['logs', 'get', 'example-project/other-app'],
    allowed: false,
  },
  {
    name: 'example-user deletes Pods of prod-app',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['applications', 'delete//Pod/prod/api-0', 'default/prod-app'],
    allowed: true,
  },
  {
    name: 'example-user cannot delete prod-app itself (deny)',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['applications', 'delete', 'default/prod-app'],
    allowed: false,
  },
  {
    name: 'example-user cannot delete a Deployment of prod-app',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['applications', 'delete/apps/Deployment/prod/api', 'default/prod-app'],
    allowed: false,
  },
  {
    name: 'update/* covers the resources of prod-app',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['applications', 'update/apps/Deployment/prod/api', 'default/prod-app'],
    allowed: true,
  },
  {
    name: 'update/* does not cover prod-app itself',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['applications', 'update', 'default/prod-app'],
    allowed: false,
  },
  {
    name: 'action//Pod/maintenance-off on a Pod',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['applications', 'action//Pod/maintenance-off', 'default/api'],
    allowed: true,
  },
  {
    name: 'action/extensions/DaemonSet/* on a DaemonSet',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['applications', 'action/extensions/DaemonSet/restart', 'default/api'],
    allowed: true,
  },
  {
    name: 'no other Pod action',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['applications', 'action//Pod/delete-now', 'default/api'],
    allowed: false,
  },
  {
    name: 'example-user invokes the httpbin extension',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['extensions', 'invoke', 'httpbin'],
    allowed: true,
  },
  {
    name: 'and no other extension',
    config: 'exampleUser',
    claims: local('example-user'),
    request: ['extensions', 'invoke', 'metrics'],
    allowed: false,
  },
  {
    name: 'apps in any namespace: <project>/<namespace>/<app>',
    config: 'exampleUser',
    claims: local('ns-user'),
    request: ['applications', 'get', 'p1/app-namespace/web'],
    allowed: true,
  },
  {
    name: 'apps in any namespace: another namespace',
    config: 'exampleUser',
    claims: local('ns-user'),
    request: ['applications', 'get', 'p1/other-namespace/web'],
    allowed: false,
  },
  {
    name: 'dev-group creates ApplicationSets for dev-project',
    config: 'exampleUser',
    claims: local('dev-group'),
    request: ['applicationsets', 'create', 'dev-project/web'],
    allowed: true,
  },
  {
    name: 'dev-group creates none for another project',
    config: 'exampleUser',
    claims: local('dev-group'),
    request: ['applicationsets', 'create', 'prod-project/web'],
    allowed: false,
  },

  // rbacpolicy_test.go TestEnforceActionActions.
  {
    name: 'alice runs any action',
    config: 'actions',
    claims: local('alice'),
    request: ['applications', 'action/argoproj.io/NewCrd/abort', 'my-proj/my-app'],
    allowed: true,
  },
  {
    name: 'bob resumes a Rollout',
    config: 'actions',
    claims: local('bob'),
    request: ['applications', 'action/argoproj.io/Rollout/resume', 'my-proj/my-app'],
    allowed: true,
  },
  {
    name: 'bob runs no action of another kind',
    config: 'actions',
    claims: local('bob'),
    request: ['applications', 'action/argoproj.io/NewCrd/abort', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'cam resumes a Rollout',
    config: 'actions',
    claims: local('cam'),
    request: ['applications', 'action/argoproj.io/Rollout/resume', 'my-proj/my-app'],
    allowed: true,
  },
  {
    name: 'cam cannot abort a Rollout',
    config: 'actions',
    claims: local('cam'),
    request: ['applications', 'action/argoproj.io/Rollout/abort', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'eve runs no action',
    config: 'actions',
    claims: local('eve'),
    request: ['applications', 'action/argoproj.io/Rollout/resume', 'my-proj/my-app'],
    allowed: false,
  },

  // rbac_test.go: project isolation, read-only project role, URLs as objects, glob matching.
  {
    name: 'bob deletes in bar',
    config: 'isolation',
    claims: local('bob'),
    request: ['applications', 'delete', 'bar/obj'],
    allowed: true,
  },
  {
    name: 'bob cannot delete in foo',
    config: 'isolation',
    claims: local('bob'),
    request: ['applications', 'delete', 'foo/obj'],
    allowed: false,
  },
  {
    name: 'alice deletes in foo',
    config: 'isolation',
    claims: local('alice'),
    request: ['applications', 'delete', 'foo/obj'],
    allowed: true,
  },
  {
    name: 'alice cannot delete in bar',
    config: 'isolation',
    claims: local('alice'),
    request: ['applications', 'delete', 'bar/obj'],
    allowed: false,
  },
  {
    name: 'carol reads foo',
    config: 'isolation',
    claims: local('carol'),
    request: ['applications', 'get', 'foo/obj'],
    allowed: true,
  },
  {
    name: 'carol cannot delete in foo',
    config: 'isolation',
    claims: local('carol'),
    request: ['applications', 'delete', 'foo/obj'],
    allowed: false,
  },
  {
    name: 'carol cannot read bar',
    config: 'isolation',
    claims: local('carol'),
    request: ['applications', 'get', 'bar/obj'],
    allowed: false,
  },
  {
    name: 'dave deletes any repository of foo (the glob crosses "/")',
    config: 'isolation',
    claims: local('dave'),
    request: ['repositories', 'delete', 'foo/https://github.com/golang/go.git'],
    allowed: true,
  },
  {
    name: 'erin deletes the one repository',
    config: 'isolation',
    claims: local('erin'),
    request: ['repositories', 'delete', 'foo/https://github.com/argoproj/argo-cd.git'],
    allowed: true,
  },
  {
    name: 'erin deletes no other repository',
    config: 'isolation',
    claims: local('erin'),
    request: ['repositories', 'delete', 'foo/https://github.com/golang/go.git'],
    allowed: false,
  },
  {
    name: 'frank: a quoted glob on cluster URLs',
    config: 'isolation',
    claims: local('frank'),
    request: ['clusters', 'get', 'https://github.com/argoproj/argo-cd.git'],
    allowed: true,
  },
  {
    name: 'frank: the glob wants an owner segment',
    config: 'isolation',
    claims: local('frank'),
    request: ['clusters', 'get', 'https://github.com/argo-cd.git'],
    allowed: false,
  },
  {
    name: 'frank: the resource must match too',
    config: 'isolation',
    claims: local('frank'),
    request: ['repositories', 'get', 'https://github.com/argoproj/argo-cd.git'],
    allowed: false,
  },
  {
    name: 'a glob on the app name in every project',
    config: 'isolation',
    claims: member('api-team'),
    request: ['applications', 'get', 'prod/api-gateway'],
    allowed: true,
  },
  {
    name: 'a glob on the app name: another app',
    config: 'isolation',
    claims: member('api-team'),
    request: ['applications', 'get', 'prod/web'],
    allowed: false,
  },

  // Regex mode (rbac_test.go TestRegexMatchMode).
  {
    name: 'regex: alice reads the matching cluster',
    config: 'regex',
    claims: local('alice'),
    request: ['clusters', 'get', 'https://github.com/argoproj/argo-cd.git'],
    allowed: true,
  },
  {
    name: 'regex: and not the other one',
    config: 'regex',
    claims: local('alice'),
    request: ['clusters', 'get', 'https://github.com/argoproj/1argo-cd.git'],
    allowed: false,
  },
  {
    name: 'regex: an anchored pattern',
    config: 'regex',
    claims: member('dev-team'),
    request: ['applications', 'sync', 'dev/api'],
    allowed: true,
  },
  {
    name: 'regex: an anchored pattern stays in its project',
    config: 'regex',
    claims: member('dev-team'),
    request: ['applications', 'sync', 'not-dev/api'],
    allowed: false,
  },
  {
    name: 'regex: an unanchored pattern matches anywhere, as in Argo CD',
    config: 'regex',
    claims: member('loose-team'),
    request: ['applications', 'sync', 'not-dev/api'],
    allowed: true,
  },
  {
    name: 'regex: the built-in roles still work',
    config: 'regex',
    claims: local('admin'),
    request: ['applications', 'delete', 'dev/api'],
    allowed: true,
  },
  {
    name: 'regex: the default role still works',
    config: 'regexReadonly',
    claims: member('nobody'),
    request: ['applications', 'get', 'dev/api'],
    allowed: true,
  },

  // Deny beats allow; default role first.
  {
    name: 'ops sync outside prod',
    config: 'deny',
    claims: member('ops-team'),
    request: ['applications', 'sync', 'dev/api'],
    allowed: true,
  },
  {
    name: 'ops cannot sync in prod (deny beats allow)',
    config: 'deny',
    claims: member('ops-team'),
    request: ['applications', 'sync', 'prod/api'],
    allowed: false,
  },
  {
    name: 'a deny of one of alice’s roles beats role:admin',
    config: 'deny',
    claims: local('alice'),
    request: ['applications', 'delete', 'dev/api'],
    allowed: false,
  },
  {
    name: 'alice keeps the rest of role:admin',
    config: 'deny',
    claims: local('alice'),
    request: ['applications', 'sync', 'dev/api'],
    allowed: true,
  },
  {
    name: 'the default role is not denied by a deny on the subject',
    config: 'deny',
    claims: local('bob'),
    request: ['applications', 'get', 'dev/api'],
    allowed: true,
  },
  {
    name: 'a deny on one group does not cancel another group’s allow (Argo CD #17547)',
    config: 'crossGroup',
    claims: sso('usera', { email: 'usera@example.com', groups: ['k8s-admins'] }),
    request: ['projects', 'get', 'default'],
    allowed: true,
  },
  {
    name: 'the deny holds for a caller with that group only',
    config: 'crossGroup',
    claims: sso('usera', { email: 'usera@example.com' }),
    request: ['projects', 'get', 'default'],
    allowed: false,
  },

  // SSO groups and local users (rbac.md).
  {
    name: 'team-beta are admins',
    config: 'sso',
    claims: member('my-org:team-beta'),
    request: ['clusters', 'delete', 'prod'],
    allowed: true,
  },
  {
    name: 'an email scope binds a user to role:admin',
    config: 'sso',
    claims: sso('u-123', { email: 'user@example.org' }),
    request: ['projects', 'delete', 'default'],
    allowed: true,
  },
  {
    name: 'a claim not named in scopes is no group',
    config: 'builtin',
    claims: sso('u-123', { email: 'admin' }),
    request: ['projects', 'delete', 'default'],
    allowed: false,
  },
  {
    name: 'a p line on a group without a g line is ignored, as in Argo CD',
    config: 'sso',
    claims: member('my-org:team-alpha'),
    request: ['applications', 'sync', 'my-project/web'],
    allowed: false,
  },
  {
    name: 'a group bound by a g line also gets its own p lines',
    config: 'sso',
    claims: member('bound:group'),
    request: ['logs', 'get', 'some-proj/some-app'],
    allowed: true,
  },
  {
    name: 'a local user’s own policy (login token)',
    config: 'sso',
    claims: local('my-local-user'),
    request: ['applications', 'sync', 'my-project/web'],
    allowed: true,
  },
  {
    name: 'a local user’s own policy (API key)',
    config: 'sso',
    claims: local('my-local-user', 'apiKey'),
    request: ['applications', 'sync', 'my-project/web'],
    allowed: true,
  },
  {
    name: 'an SSO group named like a local user gets its roles (rbac.md warning)',
    config: 'sso',
    claims: member('sally'),
    request: ['clusters', 'delete', 'prod'],
    allowed: true,
  },
  {
    name: 'groups in a custom claim (cognito:groups)',
    config: 'cognito',
    claims: sso('u', { 'cognito:groups': ['my-org:my-team'] }),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: true,
  },
  {
    name: 'groups in a custom claim, given as one string',
    config: 'cognito',
    claims: sso('u', { 'cognito:groups': 'my-org:my-team' }),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: true,
  },
  {
    name: 'the default groups claim is not read when scopes names another',
    config: 'cognito',
    claims: member('my-org:my-team'),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: false,
  },

  // The argocd-rbac-cm example file and the seed's, unchanged.
  {
    name: 'example file: team-qa testers (policy.overlay.csv)',
    config: 'argoExample',
    claims: sso('q', { 'cognito:groups': ['my-org:team-qa'] }),
    request: ['projects', 'update', 'p1'],
    allowed: true,
  },
  {
    name: 'example file: team-beta admins through cognito:groups',
    config: 'argoExample',
    claims: sso('b', { 'cognito:groups': ['my-org:team-beta'] }),
    request: ['clusters', 'create', 'c1'],
    allowed: true,
  },
  {
    name: 'example file: everyone reads',
    config: 'argoExample',
    claims: sso('x'),
    request: ['applications', 'get', 'p1/a'],
    allowed: true,
  },
  {
    name: 'seed: dev syncs dev apps',
    config: 'seed',
    claims: member('group:dev'),
    request: ['applications', 'sync', 'dev/api-dev'],
    allowed: true,
  },
  {
    name: 'seed: dev cannot sync prod apps',
    config: 'seed',
    claims: member('group:dev'),
    request: ['applications', 'sync', 'prod/api-prod'],
    allowed: false,
  },
  {
    name: 'seed: prod reads prod apps but cannot sync them',
    config: 'seed',
    claims: member('group:prod'),
    request: ['applications', 'sync', 'prod/api-prod'],
    allowed: false,
  },

  // AppProject roles (rbacpolicy_test.go TestEnforceAllPolicies and Berth's rule that a token stays home).
  {
    name: 'a project token (by iat) creates in its project',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', { iat: 1234 }),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: true,
  },
  {
    name: 'a project token (by jti) syncs in its project',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', { jti: 'ci-token', iat: 1700000000 }),
    request: ['applications', 'sync', 'my-proj/my-app'],
    allowed: true,
  },
  {
    name: 'a project token reads its own project',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', { iat: 1234 }),
    request: ['projects', 'get', 'my-proj'],
    allowed: true,
  },
  {
    name: 'a project token without iat or jti is refused',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', {}),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'a revoked project token (jti no longer listed) is refused',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', { jti: 'revoked', iat: 1234 }),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'a token of another role is judged by that role',
    config: 'projects',
    claims: projectToken('my-proj', 'other-role', { iat: 1234 }),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'a project token cannot reach another project',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', { iat: 1234 }),
    request: ['applications', 'create', 'other-proj/my-app'],
    allowed: false,
  },
  {
    name: 'a project token cannot read another project',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', { iat: 1234 }),
    request: ['projects', 'get', 'other-proj'],
    allowed: false,
  },
  {
    name: 'a project token gets no global resource',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', { iat: 1234 }),
    request: ['clusters', 'get', 'in-cluster'],
    allowed: false,
  },
  {
    name: 'a project token does not hold policy.default (Berth)',
    config: 'projectsReadonly',
    claims: projectToken('my-proj', 'my-role', { iat: 1234 }),
    request: ['applications', 'get', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'a project token’s deny line',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', { iat: 1234 }),
    request: ['applications', 'delete', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'the role’s group creates in the project',
    config: 'projects',
    claims: member('my-org:my-team'),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: true,
  },
  {
    name: 'another group does not',
    config: 'projects',
    claims: member('my-org:other-group'),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'the role’s group gets nothing from it in another project',
    config: 'projects',
    claims: member('my-org:my-team'),
    request: ['applications', 'create', 'other-proj/my-app'],
    allowed: false,
  },
  {
    name: 'the project role’s deny beats the group’s global allow there',
    config: 'projects',
    claims: member('my-org:my-team'),
    request: ['applications', 'delete', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'the group’s global allow holds elsewhere',
    config: 'projects',
    claims: member('my-org:my-team'),
    request: ['applications', 'delete', 'other-proj/my-app'],
    allowed: true,
  },
  {
    name: 'rbac.md team-beta project: a group from the email scope',
    config: 'emailScope',
    claims: sso('u-1', { email: 'user@example.org' }),
    request: ['applications', 'sync', 'team-beta-project/web'],
    allowed: true,
  },
  {
    name: 'rbac.md team-beta project: only in that project',
    config: 'emailScope',
    claims: sso('u-1', { email: 'user@example.org' }),
    request: ['applications', 'sync', 'my-proj/web'],
    allowed: false,
  },
  {
    name: 'an SSO subject shaped like a project token is refused',
    config: 'projects',
    claims: sso('proj:my-proj:my-role', { iat: 1234 }),
    request: ['applications', 'create', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'escaping: a stored role naming another project’s objects gets nothing there',
    config: 'projects',
    claims: projectToken('sneaky', 'ci', { jti: 'sneaky-1' }),
    request: ['applications', 'delete', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'escaping: nor global resources',
    config: 'projects',
    claims: projectToken('sneaky', 'ci', { jti: 'sneaky-1' }),
    request: ['clusters', 'delete', 'in-cluster'],
    allowed: false,
  },
  {
    name: 'escaping: its invalid lines are dropped even at home',
    config: 'projects',
    claims: projectToken('sneaky', 'ci', { jti: 'sneaky-1' }),
    request: ['applications', 'delete', 'sneaky/app'],
    allowed: false,
  },
  {
    name: 'escaping: its valid lines still work at home',
    config: 'projects',
    claims: projectToken('sneaky', 'ci', { jti: 'sneaky-1' }),
    request: ['applications', 'get', 'sneaky/app'],
    allowed: true,
  },
  {
    name: 'escaping: its group gets nothing in the other project',
    config: 'projects',
    claims: member('sneaky-team'),
    request: ['applications', 'delete', 'my-proj/my-app'],
    allowed: false,
  },
  {
    name: 'a confused lookup does not lend a project’s roles to another project',
    config: 'projects',
    claims: projectToken('my-proj', 'my-role', { iat: 1234 }),
    request: ['applications', 'create', 'other-proj/my-app'],
    allowed: false,
    lookup: CONFUSED_LOOKUP,
  },
  {
    name: 'a project that does not exist: the global policy alone',
    config: 'projects',
    claims: member('my-org:my-team'),
    request: ['applications', 'delete', 'gone/app'],
    allowed: true,
    lookup: () => undefined,
  },
];

describe('RbacEnforcer: Argo CD semantics, table of documented cases', () => {
  const enforcers = new Map<AnyConfig, RbacEnforcer>();
  beforeAll(async () => {
    for (const [name, data] of Object.entries(CONFIGS)) {
      enforcers.set(name as ConfigName, await RbacEnforcer.create(assertRbacConfig(data)));
    }
    for (const [name, text] of Object.entries(FILE_CONFIGS)) {
      enforcers.set(name as AnyConfig, await RbacEnforcer.create(assertRbacConfig(text)));
    }
  });

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('$name', async ({ config, claims, request, allowed, lookup }) => {
    const enforcer = enforcers.get(config)!;
    const [resource, action, object] = request;
    const decision = await enforcer.decide(
      claims,
      resource,
      action,
      object,
      lookup ?? projectsFrom(ALL_PROJECTS),
    );
    expect({ allowed: decision.allowed, reason: decision.reason }).toEqual({
      allowed,
      reason: expect.any(String),
    });
  });
});

describe('RbacEnforcer: decisions and list filtering', () => {
  it('says what allowed a request or why nothing did', async () => {
    const enforcer = await RbacEnforcer.create(assertRbacConfig(CONFIGS.deny));
    const lookup = projectsFrom(ALL_PROJECTS);
    await expect(
      enforcer.decide(member('ops-team'), 'applications', 'sync', 'dev/a', lookup),
    ).resolves.toEqual({
      allowed: true,
      subject: 'someone',
      reason: 'group "ops-team"',
    });
    await expect(enforcer.decide(local('bob'), 'applications', 'get', 'dev/a')).resolves.toEqual({
      allowed: true,
      subject: 'bob',
      reason: 'default role "role:readonly"',
    });
    await expect(enforcer.decide(local('bob'), 'applications', 'sync', 'dev/a')).resolves.toEqual({
      allowed: false,
      subject: 'bob',
      reason: 'no policy allows it',
    });
    await expect(
      enforcer.decide(projectToken('my-proj', 'my-role', { iat: 1234 }), 'clusters', 'get', 'c', lookup),
    ).resolves.toEqual({
      allowed: false,
      subject: 'proj:my-proj:my-role',
      reason: "a token of project my-proj acts only on that project's objects",
    });
  });

  it('filters a list to what the caller may get, across projects', async () => {
    const enforcer = await RbacEnforcer.create(assertRbacConfig(CONFIGS.projects));
    const apps = ['my-proj/a', 'my-proj/b', 'other-proj/c', 'team-beta-project/d', 'sneaky/e'];
    const otherRole = await enforcer.filter(
      projectToken('my-proj', 'other-role', { iat: 1234 }),
      'applications',
      ALL_PROJECTS,
    );
    expect(apps.filter(otherRole)).toEqual(['my-proj/a', 'my-proj/b']);
    const betaTeam = await enforcer.filter(member('my-org:team-beta'), 'applications', ALL_PROJECTS);
    expect(apps.filter(betaTeam)).toEqual(['team-beta-project/d']);
    const nobody = await enforcer.filter(member('nobody'), 'applications', ALL_PROJECTS);
    expect(apps.filter(nobody)).toEqual([]);
  });

  it('keeps answering when more projects are filtered than it caches', async () => {
    const enforcer = await RbacEnforcer.create(assertRbacConfig(CONFIGS.projects), { projectCacheSize: 1 });
    const readers = ['p1', 'p2', 'p3'].map((name): ProjectRbac => ({
      metadata: { name },
      spec: {
        roles: [
          {
            name: 'r',
            policies: [`p, proj:${name}:r, applications, get, ${name}/*, allow`],
            groups: ['readers'],
          },
        ],
      },
    }));
    const canGet = await enforcer.filter(member('readers'), 'applications', readers);
    expect(['p1/a', 'p2/a', 'p3/a', 'p4/a'].filter(canGet)).toEqual(['p1/a', 'p2/a', 'p3/a']);
  });

  it('follows a changed project: its roles are compiled again', async () => {
    const enforcer = await RbacEnforcer.create(assertRbacConfig({}));
    const v1: ProjectRbac = {
      metadata: { name: 'p' },
      spec: {
        roles: [{ name: 'r', policies: ['p, proj:p:r, applications, get, p/*, allow'], groups: ['g1'] }],
      },
    };
    const v2: ProjectRbac = {
      metadata: { name: 'p' },
      spec: {
        roles: [{ name: 'r', policies: ['p, proj:p:r, applications, get, p/*, allow'], groups: ['g2'] }],
      },
    };
    await expect(
      enforcer.enforce(member('g1'), 'applications', 'get', 'p/a', projectsFrom([v1])),
    ).resolves.toBe(true);
    await expect(
      enforcer.enforce(member('g1'), 'applications', 'get', 'p/a', projectsFrom([v2])),
    ).resolves.toBe(false);
    await expect(
      enforcer.enforce(member('g2'), 'applications', 'get', 'p/a', projectsFrom([v2])),
    ).resolves.toBe(true);
  });

  it('reads project tokens listed in status.jwtTokensByRole (Argo CD’s newer place)', async () => {
    const enforcer = await RbacEnforcer.create(assertRbacConfig({}));
    const project: ProjectRbac = {
      metadata: { name: 'p' },
      spec: { roles: [{ name: 'ci', policies: ['p, proj:p:ci, applications, sync, p/*, allow'] }] },
      status: { jwtTokensByRole: { ci: { items: [{ iat: 5, id: 'from-status' }] } } },
    };
    const token = projectToken('p', 'ci', { jti: 'from-status' });
    await expect(
      enforcer.enforce(token, 'applications', 'sync', 'p/a', projectsFrom([project])),
    ).resolves.toBe(true);
  });

  it('takes a local issuer other than argocd', async () => {
    const enforcer = await RbacEnforcer.create(assertRbacConfig({}), { localIssuer: 'berth' });
    await expect(
      enforcer.enforce({ iss: 'berth', sub: 'admin:login' }, 'clusters', 'delete', 'c'),
    ).resolves.toBe(true);
    await expect(
      enforcer.enforce({ iss: 'argocd', sub: 'admin:login' }, 'clusters', 'delete', 'c'),
    ).resolves.toBe(false);
  });
});
