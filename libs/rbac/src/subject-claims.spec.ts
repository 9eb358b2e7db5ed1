import { describe, expect, it } from '@jest/globals';
import { identify, scopeValues } from './subject-claims';

describe('identify (Argo CD GetUserIdentifier + GetSubjectAccountAndCapability)', () => {
  it.each([
    [
      { iss: 'argocd', sub: 'alice:login' },
      { kind: 'user', subject: 'alice' },
    ],
    [
      { iss: 'argocd', sub: 'alice:apiKey' },
      { kind: 'user', subject: 'alice' },
    ],
    [{ sub: 'alice:login' }, { kind: 'user', subject: 'alice' }],
    [
      { iss: 'argocd', sub: 'alice' },
      { kind: 'user', subject: 'alice' },
    ],
    [
      { iss: 'https://idp.example.org', sub: 'alice:login' },
      { kind: 'user', subject: 'alice:login' },
    ],
    [
      { iss: 'https://idp.example.org', sub: 'x', federated_claims: { user_id: 'alice' } },
      { kind: 'user', subject: 'alice' },
    ],
    [
      { iss: 'argocd', sub: 'proj:p1:ci' },
      { kind: 'project-token', subject: 'proj:p1:ci', project: 'p1', role: 'ci' },
    ],
    [
      { iss: 'https://idp.example.org', sub: 'proj:p1:ci' },
      { kind: 'foreign-project-subject', subject: 'proj:p1:ci' },
    ],
    [{}, { kind: 'user', subject: '' }],
  ])('%j', (claims, identity) => {
    expect(identify(claims, 'argocd')).toEqual(identity);
  });
});

describe('scopeValues (Argo CD GetScopeValues)', () => {
  it('reads lists and single strings from each scope, and nothing else', () => {
    const claims = { groups: ['a', 1, 'b'], email: 'me@example.org', 'cognito:groups': { not: 'a list' } };
    expect(scopeValues(claims, ['groups', 'email', 'cognito:groups', 'absent'])).toEqual([
      'a',
      'b',
      'me@example.org',
    ]);
    expect(scopeValues(claims, [])).toEqual([]);
  });

  it('does not read inherited properties as claims', () => {
    expect(scopeValues({}, ['constructor', 'toString'])).toEqual([]);
  });
});
