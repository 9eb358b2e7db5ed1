import { describe, expect, it } from '@jest/globals';
import { firstSyncedAndHealthy } from './bench-fleet';

const at = (s: number) => new Date(s * 1000);

describe('firstSyncedAndHealthy', () => {
  it('is the first moment both hold, whichever status arrives last', () => {
    const done = firstSyncedAndHealthy([
      { application: 'a', type: 'SyncStatusChanged', to: 'OutOfSync', at: at(1) },
      { application: 'b', type: 'HealthStatusChanged', to: 'Healthy', at: at(2) },
      { application: 'a', type: 'SyncStatusChanged', to: 'Synced', at: at(3) },
      { application: 'a', type: 'HealthStatusChanged', to: 'Progressing', at: at(4) },
      { application: 'b', type: 'SyncStatusChanged', to: 'Synced', at: at(5) },
      { application: 'a', type: 'HealthStatusChanged', to: 'Healthy', at: at(6) },
      { application: 'a', type: 'HealthStatusChanged', to: 'Degraded', at: at(7) },
      { application: 'a', type: 'HealthStatusChanged', to: 'Healthy', at: at(8) },
    ]);
    expect(done).toEqual(
      new Map([
        ['b', 5000],
        ['a', 6000],
      ]),
    );
  });

  it('leaves out an app that never got there', () => {
    expect(
      firstSyncedAndHealthy([{ application: 'c', type: 'SyncStatusChanged', to: 'Synced', at: at(1) }]).size,
    ).toBe(0);
  });
});
