import { describe, expect, it } from '@jest/globals';
import {
  checkGroupName,
  checkProjectRolePolicy,
  groupSubject,
  parseProjectRoleSubject,
  projectRoleSubject,
} from './project-role-policy';

describe('checkProjectRolePolicy (Argo CD validatePolicy)', () => {
  it.each([
    'p, proj:my-proj:my-role, applications, get, my-proj/*, allow',
    'p, proj:my-proj:my-role, applications, create, my-proj/my-app, deny',
    'p,proj:my-proj:my-role,applications,sync,my-proj/*,allow',
    'p, proj:my-proj:my-role, applications, *, my-proj/app.v2, allow',
    'p, proj:my-proj:my-role, applications, get, my-proj/app-ns/my-app, allow',
    'p, proj:my-proj:my-role, applications, action/argoproj.io/Rollout/resume, my-proj/*, allow',
    'p, proj:my-proj:my-role, applications, update/*, my-proj/*, allow',
    'p, proj:my-proj:my-role, applications, delete/*/Pod/*, my-proj/my-app, allow',
    'p, proj:my-proj:my-role, applicationsets, create, my-proj/*, allow',
    'p, proj:my-proj:my-role, repositories, get, my-proj/*, allow',
    'p, proj:my-proj:my-role, clusters, get, my-proj/*, allow',
    'p, proj:my-proj:my-role, logs, get, my-proj/*, allow',
    'p, proj:my-proj:my-role, exec, create, my-proj/*, allow',
    'p, proj:my-proj:my-role, applications, approve, my-proj/*, allow',
  ])('accepts %s', (policy) => {
    expect(checkProjectRolePolicy(policy, 'my-proj', 'my-role')).toBeUndefined();
  });

  it.each<[string, string]>([
    ['p, proj:my-proj:my-role, applications, get, my-proj/*', 'is not a policy line'],
    ['g, proj:my-proj:my-role, role:admin', 'is not a policy line'],
    [
      'p, proj:my-proj:other-role, applications, get, my-proj/*, allow',
      'the subject must be "proj:my-proj:my-role"',
    ],
    ['p, proj:other-proj:my-role, applications, get, my-proj/*, allow', 'the subject must be'],
    ['p, proj:my-proj:my-role, projects, get, my-proj, allow', 'a project role cannot grant "projects"'],
    ['p, proj:my-proj:my-role, *, get, my-proj/*, allow', 'a project role cannot grant "*"'],
    ['p, proj:my-proj:my-role, applications, superuser, my-proj/*, allow', 'is not an action'],
    ['p, proj:my-proj:my-role, applications, action/, my-proj/*, allow', 'is not an action'],
    // Escaping the project: the object must start with the project's own name and a slash.
    [
      'p, proj:my-proj:my-role, applications, get, */*, allow',
      'a role only grants access inside its own project',
    ],
    [
      'p, proj:my-proj:my-role, applications, get, *, allow',
      'a role only grants access inside its own project',
    ],
    ['p, proj:my-proj:my-role, applications, get, other-proj/*, allow', 'inside its own project'],
    ['p, proj:my-proj:my-role, applications, get, my-proj*/*, allow', 'inside its own project'],
    ['p, proj:my-proj:my-role, applications, get, my-proj-2/*, allow', 'inside its own project'],
    ['p, proj:my-proj:my-role, applications, get, my-proj, allow', 'inside its own project'],
    ['p, proj:my-proj:my-role, applications, get, my-proj/a/b/c, allow', 'inside its own project'],
    ['p, proj:my-proj:my-role, applications, get, my-proj/[a-z], allow', 'inside its own project'],
    ['p, proj:my-proj:my-role, applications, get, my-proj/*, grant', 'the effect must be allow or deny'],
  ])('refuses %s', (policy, message) => {
    expect(checkProjectRolePolicy(policy, 'my-proj', 'my-role')?.message).toContain(message);
  });

  it('quotes the project name in the object pattern: "a.b" does not admit project "axb"', () => {
    expect(
      checkProjectRolePolicy('p, proj:a.b:r, applications, get, axb/*, allow', 'a.b', 'r'),
    ).toBeDefined();
    expect(
      checkProjectRolePolicy('p, proj:a.b:r, applications, get, a.b/*, allow', 'a.b', 'r'),
    ).toBeUndefined();
  });
});

describe('project role subjects and groups', () => {
  it('reads proj:<project>:<role> and nothing else', () => {
    expect(projectRoleSubject('p1', 'ci')).toBe('proj:p1:ci');
    expect(parseProjectRoleSubject('proj:p1:ci')).toEqual({ project: 'p1', role: 'ci' });
    expect(parseProjectRoleSubject('proj:p1')).toBeUndefined();
    expect(parseProjectRoleSubject('proj:p1:ci:x')).toBeUndefined();
    expect(parseProjectRoleSubject('alice:login')).toBeUndefined();
  });

  it.each<[string, string | undefined]>([
    ['my-org:my-team', undefined],
    ['user@example.org', undefined],
    ['"my-org:team,beta"', undefined],
    ['org,team', 'has a comma'],
    ['  ', 'the group is empty'],
    ['""', 'the group is empty'],
    ['"a\tb"', 'has a quote, tab or line break'],
    ['a"b', 'has a quote, tab or line break'],
  ])('group %j', (group, message) => {
    expect(checkGroupName(group)?.message).toEqual(
      message === undefined ? undefined : expect.stringContaining(message),
    );
  });

  it('binds a quoted group without its quotes', () => {
    expect(groupSubject('"my-org:team,beta"')).toBe('my-org:team,beta');
    expect(groupSubject('my-org:team')).toBe('my-org:team');
  });
});
