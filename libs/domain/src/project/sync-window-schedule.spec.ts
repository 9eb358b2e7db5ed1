import { describe, expect, it } from '@jest/globals';
import type { SyncWindow } from './app-project.types';
import { parseWindowSchedule, timeZoneProblem, windowOccurrence } from './sync-window-schedule';

// Every time here is a fixed instant: the windows are judged at the `now` the test gives.
const at = (iso: string) => new Date(iso);
const window = (schedule: string, duration: string, timeZone?: string): SyncWindow => ({
  kind: 'deny',
  schedule,
  duration,
  applications: ['*'],
  ...(timeZone ? { timeZone } : {}),
});

/** `active until <closesAt>` / `inactive, opens <opensAt>`, in UTC ISO minutes. */
function stateAt(w: SyncWindow, now: string): string {
  const o = windowOccurrence(w, at(now));
  const minute = (d: Date) => d.toISOString().slice(0, 16);
  if (o.state === 'active')
    return `active ${minute(o.openedAt)}..${o.closesAt ? minute(o.closesAt) : '(open)'}`;
  if (o.state === 'inactive') return `inactive, opens ${minute(o.opensAt)}`;
  return `invalid: ${o.problem}`;
}

describe('parseWindowSchedule: robfig/cron five fields, as Argo CD parses them', () => {
  it.each([
    ['0 22 * * *', '0 22 * * *'],
    ['*/15 9-17 * * MON-FRI', '0,15,30,45 9,10,11,12,13,14,15,16,17 * * 1,2,3,4,5'],
    ['0 2 1 jan,Jul ?', '0 2 1 1,7 *'],
    ['30 5/6 * * sun', '30 5,11,17,23 * * 0'],
    // robfig keeps the star bit for */1, so the days still need both fields to match (Mondays only) ...
    ['0 0 */1 * 1', '0 0 * * 1'],
    // ... but not for */2: then either field matching is enough (odd days, and Mondays).
    ['0 0 */2 * 1', '0 0 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 * 1'],
    ['  0 22 * * *  ', '0 22 * * *'],
  ])('%j reads as %j', (schedule, expression) => {
    expect(parseWindowSchedule(schedule)).toEqual({ ok: true, expression });
  });

  it.each([
    ['22:00', '"22:00" is not a cron schedule'],
    ['0 22 * *', '"0 22 * *" is not a cron schedule'],
    ['0 0 22 * * *', '"0 0 22 * * *" is not a cron schedule'],
    ['@daily', '"@daily" is a descriptor, which Argo CD\'s sync windows do not accept'],
    ['CRON_TZ=Europe/Berlin 0 22 * * *', 'sets its time zone inside the schedule'],
    ['60 * * * *', 'minute field: 60 is above the minute maximum of 59'],
    ['0 24 * * *', 'hour field: 24 is above the hour maximum of 23'],
    ['0 0 0 * *', 'day-of-month field: 0 is below the day-of-month minimum of 1'],
    ['0 0 * 13 *', 'month field: 13 is above the month maximum of 12'],
    ['0 0 * * 7', 'day-of-week field: 7 is above the day-of-week maximum of 6'],
    ['0 0 L * *', 'uses L, W, # or H'],
    ['0 0 * * 1#1', 'uses L, W, # or H'],
    ['H * * * *', 'uses L, W, # or H'],
    ['5-1 * * * *', 'range "5-1" starts after it ends'],
    ['*/0 * * * *', 'step of "*/0" must be positive'],
    ['1-2-3 * * * *', 'too many hyphens'],
    ['1/2/3 * * * *', 'too many slashes'],
    ['0, * * * *', 'empty item in the minute field'],
    ['0 0 * * funday', '"funday" is not a day-of-week value'],
    ['0 0 30 2 *', '"0 0 30 2 *" never happens'],
  ])('refuses %j: %s', (schedule, message) => {
    const parsed = parseWindowSchedule(schedule);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(message);
  });
});

describe('timeZoneProblem: IANA names as Go loads them', () => {
  it.each(['', 'UTC', 'Europe/Berlin', 'America/New_York', 'Etc/GMT+5', 'US/Eastern'])('accepts %j', (tz) => {
    expect(timeZoneProblem(tz)).toBeUndefined();
  });

  it.each([
    ['Mars/Olympus_Mons', 'is not an IANA time zone'],
    ['Local', 'is not an IANA time zone'],
    ['+01:00', 'is not an IANA time zone'],
    ['europe/berlin', 'is not written as the tz database writes it'],
  ])('refuses %j: %s', (tz, message) => {
    expect(timeZoneProblem(tz)?.message).toContain(message);
  });

  it('tells the spelling Argo CD would load', () => {
    expect(timeZoneProblem('europe/berlin')?.fix).toContain('"Europe/Berlin"');
  });
});

describe('windowOccurrence: open from each start for the duration, judged at a fixed clock', () => {
  const nightly = window('0 22 * * *', '1h');

  it('opens at the start (inclusive) and closes after the duration (exclusive)', () => {
    expect(stateAt(nightly, '2026-06-15T21:59:59.999Z')).toBe('inactive, opens 2026-06-15T22:00');
    expect(stateAt(nightly, '2026-06-15T22:00:00.000Z')).toBe('active 2026-06-15T22:00..2026-06-15T23:00');
    expect(stateAt(nightly, '2026-06-15T22:59:59.999Z')).toBe('active 2026-06-15T22:00..2026-06-15T23:00');
    expect(stateAt(nightly, '2026-06-15T23:00:00.000Z')).toBe('inactive, opens 2026-06-16T22:00');
  });

  it('a window over midnight stays open into the next day', () => {
    const w = window('0 22 * * *', '4h');
    expect(stateAt(w, '2026-06-16T01:30:00Z')).toBe('active 2026-06-15T22:00..2026-06-16T02:00');
    expect(stateAt(w, '2026-06-16T02:00:00Z')).toBe('inactive, opens 2026-06-16T22:00');
  });

  it('an hour range across midnight (22-23,0-5) with 1h openings covers 22:00 to 06:00', () => {
    const w = window('0 22-23,0-5 * * *', '1h');
    expect(stateAt(w, '2026-06-15T21:30:00Z')).toBe('inactive, opens 2026-06-15T22:00');
    // Each opening touches the next: the window closes at 06:00, whichever hour it is now.
    expect(stateAt(w, '2026-06-15T23:59:00Z')).toBe('active 2026-06-15T23:00..2026-06-16T06:00');
    expect(stateAt(w, '2026-06-16T00:00:00Z')).toBe('active 2026-06-16T00:00..2026-06-16T06:00');
    expect(stateAt(w, '2026-06-16T05:59:00Z')).toBe('active 2026-06-16T05:00..2026-06-16T06:00');
    expect(stateAt(w, '2026-06-16T06:00:00Z')).toBe('inactive, opens 2026-06-16T22:00');
  });

  it('a Friday-night window (day-of-week) holds on Saturday morning, not on Saturday night', () => {
    // 2026-06-19 is a Friday.
    const w = window('0 22 * * fri', '8h');
    expect(stateAt(w, '2026-06-20T05:00:00Z')).toBe('active 2026-06-19T22:00..2026-06-20T06:00');
    expect(stateAt(w, '2026-06-20T22:30:00Z')).toBe('inactive, opens 2026-06-26T22:00');
  });

  it('openings that overlap or touch make one: it closes after the last of them', () => {
    // Starts at 22:00 and 23:00 for 1h each: closed at midnight, not at 23:00.
    expect(stateAt(window('0 22,23 * * *', '1h'), '2026-06-15T22:30:00Z')).toBe(
      'active 2026-06-15T22:00..2026-06-16T00:00',
    );
    // Every 10 minutes for 1h, or every day for 24h: open for good (as far as it looks).
    expect(stateAt(window('*/10 * * * *', '1h'), '2026-06-15T12:05:00Z')).toBe(
      'active 2026-06-15T11:10..(open)',
    );
    expect(stateAt(window('0 0 * * *', '24h'), '2026-06-15T12:05:00Z')).toBe(
      'active 2026-06-15T00:00..(open)',
    );
  });

  it('reads the schedule in its time zone', () => {
    const nine = window('0 9 * * *', '1h', 'America/New_York');
    // EST (UTC-5) in January, EDT (UTC-4) in June.
    expect(stateAt(nine, '2026-01-15T14:30:00Z')).toBe('active 2026-01-15T14:00..2026-01-15T15:00');
    expect(stateAt(nine, '2026-06-15T13:30:00Z')).toBe('active 2026-06-15T13:00..2026-06-15T14:00');
    expect(stateAt(nine, '2026-06-15T14:30:00Z')).toBe('inactive, opens 2026-06-16T13:00');
  });

  it('says why it cannot read a window (one stored before it was validated)', () => {
    expect(stateAt(window('0 0 * * 7', '1h'), '2026-06-15T12:00:00Z')).toContain('invalid: schedule:');
    expect(stateAt(window('0 0 * * *', '0s'), '2026-06-15T12:00:00Z')).toBe(
      'invalid: duration: "0s" is not a duration',
    );
    expect(stateAt(window('0 0 * * *', '1h', 'Mars/Olympus_Mons'), '2026-06-15T12:00:00Z')).toContain(
      'invalid: timeZone:',
    );
  });
});

describe('windowOccurrence across daylight saving time changes', () => {
  describe('Europe/Berlin, spring forward on 2026-03-29 (02:00 CET -> 03:00 CEST, 01:00 UTC)', () => {
    it('a start the clocks skip (02:30) moves forward by the skipped hour, to 03:30 CEST', () => {
      const w = window('30 2 * * *', '1h', 'Europe/Berlin');
      // The day before: 02:30 CET = 01:30 UTC.
      expect(stateAt(w, '2026-03-28T01:45:00Z')).toBe('active 2026-03-28T01:30..2026-03-28T02:30');
      // On the night: 03:15 CEST is before the moved start.
      expect(stateAt(w, '2026-03-29T01:15:00Z')).toBe('inactive, opens 2026-03-29T01:30');
      expect(stateAt(w, '2026-03-29T01:45:00Z')).toBe('active 2026-03-29T01:30..2026-03-29T02:30');
      // The day after: 02:30 CEST = 00:30 UTC.
      expect(stateAt(w, '2026-03-30T00:45:00Z')).toBe('active 2026-03-30T00:30..2026-03-30T01:30');
    });

    it('a window over the change lasts its duration in elapsed time (22:00 CET + 8h = 07:00 CEST)', () => {
      const w = window('0 22 * * *', '8h', 'Europe/Berlin');
      expect(stateAt(w, '2026-03-29T04:59:00Z')).toBe('active 2026-03-28T21:00..2026-03-29T05:00');
      expect(stateAt(w, '2026-03-29T05:00:00Z')).toBe('inactive, opens 2026-03-29T20:00');
    });

    it('hourly starts follow the real hours: none is lost, none is doubled', () => {
      const w = window('0 * * * *', '30m', 'Europe/Berlin');
      expect(stateAt(w, '2026-03-29T00:10:00Z')).toBe('active 2026-03-29T00:00..2026-03-29T00:30');
      expect(stateAt(w, '2026-03-29T00:40:00Z')).toBe('inactive, opens 2026-03-29T01:00');
      expect(stateAt(w, '2026-03-29T01:10:00Z')).toBe('active 2026-03-29T01:00..2026-03-29T01:30');
    });
  });

  describe('Europe/Berlin, fall back on 2026-10-25 (03:00 CEST -> 02:00 CET, 01:00 UTC)', () => {
    it('a start the clocks repeat (02:30) opens the window once, at the first 02:30 (CEST)', () => {
      const w = window('30 2 * * *', '1h', 'Europe/Berlin');
      expect(stateAt(w, '2026-10-25T00:45:00Z')).toBe('active 2026-10-25T00:30..2026-10-25T01:30');
      // 02:45 CET, the second time the clocks show 02:45: closed.
      expect(stateAt(w, '2026-10-25T01:45:00Z')).toBe('inactive, opens 2026-10-26T01:30');
    });

    it('a window over the change lasts its duration in elapsed time (22:00 CEST + 8h = 05:00 CET)', () => {
      const w = window('0 22 * * *', '8h', 'Europe/Berlin');
      expect(stateAt(w, '2026-10-25T03:59:00Z')).toBe('active 2026-10-24T20:00..2026-10-25T04:00');
      expect(stateAt(w, '2026-10-25T04:00:00Z')).toBe('inactive, opens 2026-10-25T21:00');
    });
  });

  describe('America/New_York (2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST)', () => {
    it('spring: 02:30 does not exist and opens at 03:30 EDT', () => {
      const w = window('30 2 * * *', '1h', 'America/New_York');
      expect(stateAt(w, '2026-03-08T07:15:00Z')).toBe('inactive, opens 2026-03-08T07:30');
      expect(stateAt(w, '2026-03-08T07:45:00Z')).toBe('active 2026-03-08T07:30..2026-03-08T08:30');
    });

    it('fall: 01:30 happens twice and opens once, at 01:30 EDT', () => {
      const w = window('30 1 * * *', '1h', 'America/New_York');
      expect(stateAt(w, '2026-11-01T05:45:00Z')).toBe('active 2026-11-01T05:30..2026-11-01T06:30');
      // 01:45 EST, the repeated hour: closed.
      expect(stateAt(w, '2026-11-01T06:45:00Z')).toBe('inactive, opens 2026-11-02T06:30');
    });
  });
});
