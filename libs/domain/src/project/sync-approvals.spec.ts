import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { formatIssue } from '../application/validation-issue';
import type { SyncApproval } from './app-project.types';
import { validateAppProject } from './app-project.validator';
import { syncApprovalRequirementFor } from './sync-approvals';

/** A project whose `spec.syncApprovals` is `yaml` (as people write it). */
function projectWith(yaml: string): unknown {
  const indented = yaml
    .trim()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return parse(`apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: { name: prod }
spec:
  sourceRepos: ['*']
  destinations: [{ server: '*', namespace: '*' }]
  syncApprovals:
${indented}
`);
}

const errorsOf = (yaml: string) => {
  const result = validateAppProject(projectWith(yaml));
  return result.ok ? [] : result.errors.map(formatIssue);
};
const warningsOf = (yaml: string) => validateAppProject(projectWith(yaml)).warnings.map(formatIssue);

describe('spec.syncApprovals[]: refused with the field and the fix', () => {
  it('accepts the documented entries', () => {
    expect(
      errorsOf(`
- applications: ['api-*']
  requiredApprovals: 2
  expiresAfter: 24h
  description: production needs two people
- namespaces: [payments]
  clusters: [in-cluster]
  andOperator: true
- clusters: ['https://prod.example.com']
  expiresAfter: 1h30m
`),
    ).toEqual([]);
  });

  it.each([
    [
      'requiredApprovals: 0\n  applications: ["*"]',
      'spec.syncApprovals[0].requiredApprovals: 0 is below the minimum of 1',
    ],
    [
      'requiredApprovals: 11\n  applications: ["*"]',
      'spec.syncApprovals[0].requiredApprovals: 11 is above the maximum of 10',
    ],
    [
      'requiredApprovals: "2"\n  applications: ["*"]',
      'spec.syncApprovals[0].requiredApprovals: expected an integer',
    ],
    [
      'requiredApprovals: 1.5\n  applications: ["*"]',
      'spec.syncApprovals[0].requiredApprovals: expected an integer',
    ],
    [
      'expiresAfter: 1d\n  applications: ["*"]',
      'spec.syncApprovals[0].expiresAfter: "1d" is not a duration between 1s and 720h',
    ],
    [
      'expiresAfter: 721h\n  applications: ["*"]',
      'spec.syncApprovals[0].expiresAfter: "721h" is not a duration between 1s and 720h',
    ],
    [
      'expiresAfter: "0"\n  applications: ["*"]',
      'spec.syncApprovals[0].expiresAfter: "0" is not a duration between 1s and 720h',
    ],
    ['requiredApprovals: 2', 'spec.syncApprovals[0]: applies to nothing'],
    ['applications: []', 'spec.syncApprovals[0]: applies to nothing'],
    [
      'applications: ["api-[prod"]',
      'spec.syncApprovals[0].applications[0]: "api-[prod" is not a glob pattern',
    ],
    ['applications: api-prod', 'spec.syncApprovals[0].applications: expected a list'],
    [
      'requiredAproval: 2\n  applications: ["*"]',
      'spec.syncApprovals[0].requiredAproval: is not a field of a sync approval',
    ],
  ])('%j', (yaml, expected) => {
    expect(errorsOf(`- ${yaml}`).some((e) => e.startsWith(expected))).toBe(true);
  });

  it('a misspelt field suggests the right one (it would otherwise silently mean 1 approver)', () => {
    expect(errorsOf(`- requiredAproval: 2\n  applications: ["*"]`)).toContainEqual(
      expect.stringContaining('did you mean "requiredApprovals"?'),
    );
  });

  it('warns about andOperator with a single selector', () => {
    expect(warningsOf(`- applications: ['*']\n  andOperator: true`)).toEqual([
      'spec.syncApprovals[0].andOperator: has no effect with a single selector; list two or more of applications, namespaces and clusters, or remove it',
    ]);
  });

  it('is a list', () => {
    const result = validateAppProject(
      parse(`apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: { name: prod }
spec:
  syncApprovals: { applications: ['*'] }
`),
    );
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['spec.syncApprovals']);
  });
});

describe('syncApprovalRequirementFor', () => {
  const app = (name: string, namespace = name, server = 'https://kubernetes.default.svc') => ({
    name,
    destination: { server, namespace },
  });
  const H = 3_600_000;

  it('no entry selects the app: no approval', () => {
    expect(syncApprovalRequirementFor(undefined, app('web'))).toBeUndefined();
    expect(syncApprovalRequirementFor([{ applications: ['api-*'] }], app('web'))).toBeUndefined();
    // A selector-less entry (stored before validation) selects nothing, as a sync window's.
    expect(syncApprovalRequirementFor([{ requiredApprovals: 2 }], app('web'))).toBeUndefined();
  });

  it('defaults: one approval, expiring after 24h', () => {
    expect(syncApprovalRequirementFor([{ applications: ['*'] }], app('web'))).toEqual({
      requiredApprovals: 1,
      expiresAfterMs: 24 * H,
      policies: [0],
    });
  });

  it('several entries: the most approvers and the shortest wait, naming every entry', () => {
    const approvals: SyncApproval[] = [
      { applications: ['api-*'], requiredApprovals: 2, expiresAfter: '48h' },
      { namespaces: ['prod'], requiredApprovals: 1, expiresAfter: '2h' },
      { applications: ['web'], requiredApprovals: 3 },
    ];
    expect(syncApprovalRequirementFor(approvals, app('api-1', 'prod'))).toEqual({
      requiredApprovals: 2,
      expiresAfterMs: 2 * H,
      policies: [0, 1],
    });
  });

  it('selects like a sync window: andOperator, clusters by name or server of a known cluster', () => {
    const approvals: SyncApproval[] = [
      { applications: ['api-*'], namespaces: ['prod'], andOperator: true },
      { clusters: ['in-cluster'], requiredApprovals: 2 },
    ];
    expect(syncApprovalRequirementFor([approvals[0]!], app('api-1', 'staging'))).toBeUndefined();
    expect(syncApprovalRequirementFor([approvals[0]!], app('api-1', 'prod'))?.policies).toEqual([0]);
    const clusters = [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }];
    expect(syncApprovalRequirementFor([approvals[1]!], app('web'), clusters)?.requiredApprovals).toBe(2);
    expect(syncApprovalRequirementFor([approvals[1]!], app('web'))).toBeUndefined();
  });

  it('an entry stored before validation never weakens the gate', () => {
    expect(
      syncApprovalRequirementFor(
        [{ applications: ['*'], requiredApprovals: 0, expiresAfter: 'soon' }],
        app('web'),
      ),
    ).toEqual({ requiredApprovals: 1, expiresAfterMs: 24 * H, policies: [0] });
  });
});
