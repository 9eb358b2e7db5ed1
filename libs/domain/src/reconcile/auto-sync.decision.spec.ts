import { describe, expect, it } from '@jest/globals';
import type { AppComparison, ResourceComparison } from '../diff/compare-app';
import { type AutoSyncInput, decideAutoSync } from './auto-sync.decision';

const NEW = 'b'.repeat(40);
const OLD = 'a'.repeat(40);
const now = new Date('2026-01-01T00:00:10Z');

function comparison(...resources: ResourceComparison[]): AppComparison {
  const outOfSyncCount = resources.filter((r) => !r.hook && r.status === 'OutOfSync').length;
  return { status: outOfSyncCount > 0 ? 'OutOfSync' : 'Synced', resources, outOfSyncCount };
}
const drifted: ResourceComparison = { key: 'apps/Deployment/web/web', status: 'OutOfSync' };
const synced: ResourceComparison = { key: '/Service/web/web', status: 'Synced' };
const toPrune: ResourceComparison = { key: '/ConfigMap/web/old', status: 'OutOfSync', requiresPruning: true };

function input(over: Partial<AutoSyncInput>): AutoSyncInput {
  return {
    automated: {},
    revision: NEW,
    comparison: comparison(drifted, synced),
    operationInProgress: false,
    lastSync: undefined,
    selfHealAttempts: 0,
    now,
    ...over,
  };
}

const succeededOn = (revision: string, secondsAgo: number) => ({
  revision,
  outcome: 'Succeeded' as const,
  finishedAt: new Date(now.getTime() - secondsAgo * 1000),
});

describe('decideAutoSync (Argo CD auto-sync rules)', () => {
  const table: Array<
    [string, Partial<AutoSyncInput>, { kind: string; trigger?: string; reason?: RegExp; delayMs?: number }]
  > = [
    ['manual app: OutOfSync is only shown', { automated: undefined }, { kind: 'none', reason: /manual/ }],
    ['automated.enabled=false is manual', { automated: { enabled: false } }, { kind: 'none' }],
    [
      'new revision syncs',
      { lastSync: succeededOn(OLD, 100) },
      { kind: 'sync', trigger: 'auto-sync', reason: /new revision bbbbbbb/ },
    ],
    ['first sync ever', {}, { kind: 'sync', trigger: 'auto-sync' }],
    ['never while an operation runs', { operationInProgress: true }, { kind: 'none', reason: /in progress/ }],
    ['nothing to do when Synced', { comparison: comparison(synced) }, { kind: 'none', reason: /Synced/ }],
    [
      'never the same revision twice after a failure',
      { lastSync: { revision: NEW, outcome: 'Failed', finishedAt: now } },
      { kind: 'none', reason: /failed previous sync attempt to bbbbbbb/ },
    ],
    [
      'failed revision is not retried even with selfHeal',
      { automated: { selfHeal: true }, lastSync: { revision: NEW, outcome: 'Failed', finishedAt: now } },
      { kind: 'none', reason: /failed previous/ },
    ],
    [
      'drift on the synced revision without selfHeal stays OutOfSync',
      { lastSync: succeededOn(NEW, 100) },
      { kind: 'none', reason: /selfHeal is off/ },
    ],
    [
      'selfHeal reverts drift once the backoff is over',
      { automated: { selfHeal: true }, lastSync: succeededOn(NEW, 3) },
      { kind: 'sync', trigger: 'self-heal' },
    ],
    [
      'selfHeal waits out the backoff (2 s x 3^1 = 6 s after the 2nd attempt)',
      { automated: { selfHeal: true }, lastSync: succeededOn(NEW, 3), selfHealAttempts: 1 },
      { kind: 'wait', delayMs: 3000 },
    ],
    [
      'only prunable drift without automated.prune is left alone',
      { comparison: comparison(synced, toPrune), lastSync: succeededOn(OLD, 100) },
      { kind: 'none', reason: /prune/ },
    ],
    [
      'prunable drift with automated.prune syncs',
      {
        automated: { prune: true },
        comparison: comparison(synced, toPrune),
        lastSync: succeededOn(OLD, 100),
      },
      { kind: 'sync', trigger: 'auto-sync' },
    ],
    [
      'allowEmpty=false refuses to delete everything',
      { automated: { prune: true }, comparison: comparison(toPrune) },
      { kind: 'none', reason: /allowEmpty/ },
    ],
    [
      'a revision auto-rollback moved away from is not synced again',
      { automated: { selfHeal: true }, lastSync: succeededOn(OLD, 100), rolledBackRevisions: [NEW] },
      { kind: 'none', reason: /rolled back automatically/ },
    ],
    [
      'a new revision after an auto-rollback syncs',
      { lastSync: succeededOn(OLD, 100), rolledBackRevisions: ['c'.repeat(40)] },
      { kind: 'sync', trigger: 'auto-sync' },
    ],
    [
      'allowEmpty=true may delete everything',
      { automated: { prune: true, allowEmpty: true }, comparison: comparison(toPrune) },
      { kind: 'sync' },
    ],
  ];

  it.each(table)('%s', (_name, over, expected) => {
    const decision = decideAutoSync(input(over));
    expect(decision.kind).toBe(expected.kind);
    if (expected.trigger) expect(decision).toMatchObject({ trigger: expected.trigger, revision: NEW });
    if (expected.reason) expect(decision.reason).toMatch(expected.reason);
    if (expected.delayMs !== undefined) expect(decision).toMatchObject({ delayMs: expected.delayMs });
  });

  it('passes automated.prune through to the sync request', () => {
    expect(decideAutoSync(input({ automated: { prune: true } }))).toMatchObject({
      kind: 'sync',
      prune: true,
    });
    expect(decideAutoSync(input({}))).toMatchObject({ kind: 'sync', prune: false });
  });

  it("self-heal syncs only the drifted resources (Argo CD's op.Sync.Resources); a new revision syncs all", () => {
    const cluster: ResourceComparison = {
      key: 'rbac.authorization.k8s.io/ClusterRole//reader',
      status: 'OutOfSync',
    };
    const heal = decideAutoSync(
      input({
        automated: { selfHeal: true, prune: true },
        comparison: comparison(drifted, synced, toPrune, cluster),
        lastSync: succeededOn(NEW, 3),
      }),
    );
    expect(heal).toMatchObject({ kind: 'sync', trigger: 'self-heal' });
    expect(heal.kind === 'sync' ? heal.resources : undefined).toEqual([
      { group: 'apps', kind: 'Deployment', namespace: 'web', name: 'web' },
      { kind: 'ConfigMap', namespace: 'web', name: 'old' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
    ]);
    const fresh = decideAutoSync(input({ lastSync: succeededOn(OLD, 100) }));
    expect(fresh).toMatchObject({ kind: 'sync', trigger: 'auto-sync' });
    expect(fresh).not.toHaveProperty('resources');
  });
});
