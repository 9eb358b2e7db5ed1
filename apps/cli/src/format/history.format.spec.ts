import { describe, expect, it } from '@jest/globals';
import { formatHistory, previousDeploymentId } from './history.format';

const entries = [
  {
    id: 0,
    revision: 'ae9274fcfc492e52bc02e6abad1bab8342fbe411',
    deployedAt: '2026-12-04T10:00:00Z',
    trigger: 'manual',
    initiatedBy: { username: 'admin', automated: false },
    source: { targetRevision: 'main' },
  },
  {
    id: 1,
    revision: 'bbbbbbbbbbbb',
    deployedAt: '2026-12-04T11:00:00Z',
    trigger: 'auto-sync',
    initiatedBy: { automated: true },
  },
];

describe('app history', () => {
  it("prints Argo CD's columns, and Berth's trigger with -o wide", () => {
    expect(formatHistory(entries, false).split('\n')).toEqual([
      'ID  DATE                  REVISION',
      '0   2026-12-04T10:00:00Z  main (ae9274f)',
      '1   2026-12-04T11:00:00Z  bbbbbbb',
    ]);
    expect(formatHistory(entries, true).split('\n')[2]).toMatch(/auto-sync\s+automated$/);
  });

  it('rolls back to the deployment before the current one by default', () => {
    expect(previousDeploymentId(entries)).toBe(0);
    expect(previousDeploymentId(entries.slice(0, 1))).toBeUndefined();
  });
});
