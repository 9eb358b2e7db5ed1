import { describe, expect, it } from '@jest/globals';
import type { StatusEventRow } from './bench-fleet';
import { collect } from './drift.scenario';

const T0 = Date.UTC(2026, 11, 4, 20, 0, 0);
const row = (application: string, to: string, ms: number, type = 'SyncStatusChanged'): StatusEventRow => ({
  application,
  type,
  to,
  revision: null,
  at: new Date(T0 + ms),
});

describe('drift: change -> Synced again, per app, from the event log', () => {
  it('counts Synced only after the OutOfSync that followed the patch; other apps and earlier events are ignored', () => {
    const patchedAt = new Map([
      ['a', T0],
      ['b', T0 + 100],
    ]);
    const detected = new Map<string, number>();
    const synced = new Map<string, number>();
    collect(
      [
        row('a', 'Synced', -2000), // the fleet's last refresh before the patch
        row('a', 'OutOfSync', 1200),
        row('a', 'Healthy', 1500, 'HealthStatusChanged'),
        row('a', 'Synced', 2600),
        row('a', 'OutOfSync', 9000), // later flaps do not move the figure
        row('b', 'Synced', 500), // no OutOfSync yet: not "Synced again"
        row('c', 'OutOfSync', 100), // not patched
      ],
      patchedAt,
      detected,
      synced,
    );
    expect(Object.fromEntries(detected)).toEqual({ a: 1200 });
    expect(Object.fromEntries(synced)).toEqual({ a: 2600 });
  });
});
