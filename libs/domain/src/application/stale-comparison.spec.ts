import { describe, expect, it } from '@jest/globals';
import type { AppComparison } from '../diff/compare-app';
import { StreamBuilder } from '../rollback/stream-builder.testing';
import { decideRefreshOutcome } from './application.decide';

// A refresh whose comparison began before the latest sync finished read the cluster as it was before the
// sync applied: its statuses are stale and must not be recorded over what the sync just did.
const REVISION = 'c0ffee'.padEnd(40, '0');
const outOfSync: AppComparison = {
  status: 'OutOfSync',
  resources: [{ key: '/ConfigMap/web/web', status: 'OutOfSync' }],
  outOfSyncCount: 1,
};

describe('a comparison that began before the latest sync finished (decideRefreshOutcome)', () => {
  const stream = new StreamBuilder('web').created().deploy('op-1', REVISION, { trigger: 'manual' });
  const syncEnd = stream.deployedAt(0);
  const decide = (comparisonStartedAt: Date) =>
    decideRefreshOutcome(stream.state(), {
      outcome: { kind: 'compared', revision: REVISION, targetRevision: 'main', comparison: outOfSync },
      now: new Date(syncEnd.getTime() + 5_000),
      newOperationId: 'op-2',
      comparisonStartedAt,
    });

  it('records nothing and asks to compare again at once', () => {
    const decision = decide(new Date(syncEnd.getTime() - 1_000));
    expect(decision).toEqual({
      events: [],
      compareAgain: [{ reason: 'stale-comparison', delayMs: 0 }],
      stale: true,
    });
  });

  it('one that began after it is recorded as usual', () => {
    const decision = decide(new Date(syncEnd.getTime() + 1_000));
    expect(decision.stale).toBeUndefined();
    expect(decision.events.map((e) => e.type)).toContain('SyncStatusChanged');
  });
});
