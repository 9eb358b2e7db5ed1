import { describe, expect, it } from '@jest/globals';
import { formatAudit, timeArgument } from './audit.format';
import { parseDuration } from './duration';

describe('audit', () => {
  it('prints one row per entry with the reason beside the summary', () => {
    const text = formatAudit([
      {
        time: '2026-12-04T10:00:00.000Z',
        actor: 'alice',
        application: 'web',
        event_type: 'SyncRequested',
        summary: 'sync requested',
        reason: 'hotfix',
        position: '9',
      },
      {
        time: '2026-12-04T09:00:00.000Z',
        actor: null,
        application: null,
        event_type: 'ProjectCreated',
        summary: 'created project p',
        position: '1',
      },
    ]);
    expect(text.split('\n')).toEqual([
      'TIME                      ACTOR  APPLICATION  TYPE            SUMMARY',
      '2026-12-04T10:00:00.000Z  alice  web          SyncRequested   sync requested (hotfix)',
      '2026-12-04T09:00:00.000Z                      ProjectCreated  created project p',
    ]);
  });

  it('reads --since as a duration back from now, or a time', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const parse = (t: string) => parseDuration(t, '--since');
    expect(timeArgument('24h', now, parse)).toBe('2026-12-03T10:00:00.000Z');
    expect(timeArgument('2026-12-01T00:00:00Z', now, parse)).toBe('2026-12-01T00:00:00.000Z');
    expect(() => timeArgument('2026-13-45', now, parse)).toThrow(/not a time/);
  });
});
