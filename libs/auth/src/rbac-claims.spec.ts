import { describe, expect, it } from '@jest/globals';
import { BERTH_ISSUER } from './token-codec';
import type { Identity } from './identity';
import { assertRbacConfig, projectsFrom, RbacEnforcer } from '@berth/rbac';
import { rbacClaimsOf } from './rbac-claims';

// The approve right of each kind of authenticated identity, judged by the real engine over an argocd-rbac-cm.
const config = assertRbacConfig(`policy.csv: |
  p, role:prod-approvers, applications, approve, prod/*, allow
  g, carol, role:prod-approvers
  g, my-org:release-managers, role:prod-approvers
policy.default: role:readonly
`);
const project = {
  metadata: { name: 'prod' },
  spec: {
    roles: [
      {
        name: 'approvers',
        policies: ['p, proj:prod:approvers, applications, approve, prod/*, allow'],
        jwtTokens: [{ iat: 1_700_000_000, id: 'tok-1' }],
      },
    ],
  },
};
const base = { issuer: BERTH_ISSUER, groups: [] as string[] };

describe('rbacClaimsOf: who may approve prod/api', () => {
  it.each<[string, Identity, boolean]>([
    [
      'an account bound to the role',
      { ...base, subject: 'carol', kind: 'account', capability: 'apiKey' },
      true,
    ],
    [
      'an account without it (readonly)',
      { ...base, subject: 'erin', kind: 'account', capability: 'login' },
      false,
    ],
    [
      'the admin account (role:admin)',
      { ...base, subject: 'admin', kind: 'account', capability: 'login' },
      true,
    ],
    [
      'an SSO user of a bound group',
      {
        subject: 'dana@example.org',
        kind: 'sso',
        issuer: 'https://sso.example.org',
        groups: ['my-org:release-managers'],
      },
      true,
    ],
    [
      'an SSO user named like a bound account, of another issuer, without the group',
      { subject: 'carol:apiKey', kind: 'sso', issuer: 'https://sso.example.org', groups: ['my-org:dev'] },
      false,
    ],
    [
      "a listed token of the project's approvers role",
      { ...base, subject: 'proj:prod:approvers', kind: 'project', tokenId: 'tok-1', issuedAt: 1_700_000_000 },
      true,
    ],
    [
      'a revoked token of that role',
      { ...base, subject: 'proj:prod:approvers', kind: 'project', tokenId: 'tok-2', issuedAt: 1_700_000_100 },
      false,
    ],
  ])('%s', async (_name, identity, allowed) => {
    const enforcer = await RbacEnforcer.create(config, { localIssuer: BERTH_ISSUER });
    expect(
      await enforcer.enforce(
        rbacClaimsOf(identity),
        'applications',
        'approve',
        'prod/api',
        projectsFrom([project]),
      ),
    ).toBe(allowed);
  });
});
