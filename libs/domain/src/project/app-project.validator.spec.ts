import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formatIssue } from '../application/validation-issue';
import { deleteField, field, listField, setField } from '../testing/document-field';
import { assertValidAppProject, validateAppProject } from './app-project.validator';
import { defaultAppProject } from './default-project';

// Jest runs from the repository root (jest.config.mjs rootDir).
const production = (): unknown =>
  parse(
    readFileSync(join(process.cwd(), 'libs/domain/src/project/testdata/production-project.yaml'), 'utf8'),
  );

function errorsOf(input: unknown): string[] {
  const result = validateAppProject(input);
  return result.ok ? [] : result.errors.map(formatIssue);
}

describe('validateAppProject', () => {
  it('accepts the production project and the built-in default project', () => {
    expect(validateAppProject(production())).toMatchObject({ ok: true, warnings: [] });
    expect(validateAppProject(defaultAppProject())).toMatchObject({ ok: true, warnings: [] });
  });

  it.each<[string, (p: unknown) => void, string]>([
    [
      'wrong kind',
      (p) => setField(p, 'kind', 'Application'),
      'kind: expected "AppProject", got "Application"; this validator reads AppProjects only',
    ],
    [
      '"!*" in sourceRepos',
      (p) => listField(p, 'spec.sourceRepos').push('!*'),
      'spec.sourceRepos[2]: "!*" denies everything; remove it, or list what to allow',
    ],
    [
      'duplicate source repository',
      (p) => listField(p, 'spec.sourceRepos').push('https://github.com/example/*'),
      'spec.sourceRepos[2]: source repository "https://github.com/example/*" is already listed at [0]; remove the duplicate',
    ],
    [
      'duplicate destination',
      (p) =>
        listField(p, 'spec.destinations').push({
          server: 'https://kubernetes.default.svc',
          namespace: 'production',
        }),
      'spec.destinations[2]: destination "https://kubernetes.default.svc/production" is already listed at [0]; remove the duplicate',
    ],
    [
      'kind missing in a resource list',
      (p) => setField(p, 'spec.clusterResourceWhitelist', [{ group: 'rbac.authorization.k8s.io' }]),
      'spec.clusterResourceWhitelist[0].kind: required field is missing; name the kind, or "*" for every kind',
    ],
    [
      'sync window without scope',
      (p) => deleteField(p, 'spec.syncWindows.0.applications'),
      'spec.syncWindows[0]: applies to nothing; list applications, namespaces or clusters ("*" for all)',
    ],
    [
      'sync window with a bad duration',
      (p) => setField(p, 'spec.syncWindows.0.duration', '8 hours'),
      'spec.syncWindows[0].duration: "8 hours" is not a duration; use e.g. "1h", "30m" or "1h30m" (more than zero)',
    ],
    [
      'sync window with a bad schedule',
      (p) => setField(p, 'spec.syncWindows.0.schedule', '22:00'),
      'spec.syncWindows[0].schedule: "22:00" is not a cron schedule; use five fields: minute hour day-of-month month day-of-week, e.g. "0 22 * * *"',
    ],
    [
      'role policy for another project',
      (p) =>
        setField(p, 'spec.roles.0.policies', ['p, proj:production:ci, applications, sync, staging/*, allow']),
      'spec.roles[0].policies[0]: the object must be "production/*", "production/<app>" or "production/<namespace>/<app>": a role only grants access inside its own project; got "staging/*"; e.g. "p, proj:production:ci, applications, sync, production/*, allow"',
    ],
    [
      'role policy with another subject',
      (p) => setField(p, 'spec.roles.0.policies', ['p, role:admin, applications, sync, production/*, allow']),
      'spec.roles[0].policies[0]: the subject must be "proj:production:ci", got "role:admin"; e.g. "p, proj:production:ci, applications, sync, production/*, allow"',
    ],
    [
      'role policy on a resource outside projects',
      (p) =>
        setField(p, 'spec.roles.0.policies', [
          'p, proj:production:ci, clusters, get, production/*, allow',
          'p, proj:production:ci, accounts, update, production/*, allow',
        ]),
      'spec.roles[0].policies[1]: a project role cannot grant "accounts"; use one of applications, applicationsets, repositories, clusters, logs, exec',
    ],
    [
      'role policy with an unknown action',
      (p) =>
        setField(p, 'spec.roles.0.policies', [
          'p, proj:production:ci, applications, deploy, production/*, allow',
        ]),
      'spec.roles[0].policies[0]: "deploy" is not an action a project role can grant; use one of get, create, update, delete, sync, override, approve, *, or action/..., update/..., delete/...',
    ],
    [
      'role policy with a bad effect',
      (p) =>
        setField(p, 'spec.roles.0.policies', [
          'p, proj:production:ci, applications, sync, production/*, permit',
        ]),
      'spec.roles[0].policies[0]: the effect must be allow or deny, got "permit"',
    ],
    [
      'duplicate role',
      (p) => listField(p, 'spec.roles').push({ name: 'ci' }),
      'spec.roles[1]: role "ci" is already listed at [0]; remove the duplicate',
    ],
    [
      'duplicate policy in a role',
      (p) =>
        listField(p, 'spec.roles.0.policies').push(
          'p, proj:production:ci, applications, sync, production/*, allow',
        ),
      'spec.roles[0].policies[1]: policy "p, proj:production:ci, applications, sync, production/*, allow" is already listed at [0]; remove the duplicate',
    ],
    [
      'group with an unquoted comma',
      (p) => setField(p, 'spec.roles.0.groups', ['org,team']),
      'spec.roles[0].groups[0]: group "org,team" has a comma; quote it: \'"org,team"\'',
    ],
    [
      'token without an issue time',
      (p) => setField(p, 'spec.roles.0.jwtTokens', [{ id: 'a1', exp: 1700000000 }]),
      'spec.roles[0].jwtTokens[0].iat: required field is missing; give the issue time of the token in seconds since 1970',
    ],
    [
      'two tokens with one id',
      (p) =>
        setField(p, 'spec.roles.0.jwtTokens', [
          { id: 'a1', iat: 1 },
          { id: 'a1', iat: 2 },
        ]),
      'spec.roles[0].jwtTokens[1]: token id "a1" is already listed at [0]; remove the duplicate',
    ],
  ])('%s', (_name, mutate, expected) => {
    const project = production();
    mutate(project);
    expect(errorsOf(project)).toEqual([expected]);
  });

  it('warns about unknown fields and keeps them', () => {
    const project = production();
    setField(project, 'spec.sourceRepo', ['x']);
    const result = validateAppProject(project);
    expect(result.warnings.map(formatIssue)).toEqual([
      'spec.sourceRepo: unknown field; did you mean "sourceRepos"?',
    ]);
    expect(result.ok && field(result.project, 'spec.sourceRepo')).toEqual(['x']);
  });

  it('assertValidAppProject throws a ValidationFailedError naming the project', () => {
    const project = production();
    setField(project, 'spec.sourceRepos', '*');
    expect(() => assertValidAppProject(project)).toThrow(
      'AppProject "production" is invalid (1 problem):\n  spec.sourceRepos: expected a list, got a string ("*"); make it a list with one item: ["*"]',
    );
  });
});

describe('validateAppProject: project roles (Argo CD spec.roles)', () => {
  it('accepts Argo CD role policies: app and namespace/app objects, sub-resource actions, groups and tokens', () => {
    const project = production();
    setField(project, 'spec.roles', [
      {
        name: 'developer',
        description: 'sync and look at logs',
        policies: [
          'p, proj:production:developer, applications, get, production/*, allow',
          'p, proj:production:developer, applications, sync, production/api, allow',
          'p, proj:production:developer, applications, action/apps/Deployment/restart, production/*, allow',
          'p, proj:production:developer, applications, delete/*/Pod/*, production/team-a/api, allow',
          'p, proj:production:developer, applications, approve, production/*, allow',
          'p, proj:production:developer, logs, get, production/*, allow',
          'p, proj:production:developer, applications, delete, production/*, deny',
        ],
        groups: ['my-org:team-alpha', '"my-org:team,beta"'],
        jwtTokens: [{ iat: 1700000000, exp: 1800000000, id: 'ci-1' }, { iat: 1700000500 }],
      },
    ]);
    expect(validateAppProject(project)).toMatchObject({ ok: true, warnings: [] });
  });
});

describe('validateAppProject: entries with negated patterns (item 19)', () => {
  it('warns that Argo CD also allows everything else with such an entry, and shows the two-entry form', () => {
    const project = production();
    setField(project, 'spec.destinations', [{ server: '*', namespace: '!kube-system' }]);
    const result = validateAppProject(project);
    expect(result.ok).toBe(true);
    expect(result.warnings.map(formatIssue)).toEqual([
      'spec.destinations[0]: Berth reads an entry with a "!" pattern as deny only, while Argo CD also allows everything else it matches (here every namespace but "kube-system"); write the two entries that mean the same in both: {server: "*", namespace: "!kube-system"} and {server: "*", namespace: "*"}',
    ]);
  });

  it('does not warn when the two-entry form is already there', () => {
    const project = production();
    setField(project, 'spec.destinations', [
      { server: '*', namespace: '!kube-system' },
      { server: '*', namespace: '*' },
    ]);
    expect(validateAppProject(project).warnings).toEqual([]);
  });

  it('accepts a name glob on cluster resource list items (Argo CD ClusterResourceRestrictionItem)', () => {
    const project = production();
    setField(project, 'spec.clusterResourceWhitelist', [{ group: '', kind: 'Namespace', name: 'team1-*' }]);
    expect(validateAppProject(project)).toMatchObject({ ok: true, warnings: [] });
  });
});
