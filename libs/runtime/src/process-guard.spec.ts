import { describe, expect, it } from '@jest/globals';
import { bugLine } from './process-guard';

const settings = {
  databaseUrl: 'postgres://berth:s3cret-pw@db:5432/berth',
  redisUrl: 'redis://:r3dis-pw@cache:6379',
};

describe('bugLine: one line per error nobody handled', () => {
  it('names the process, the kind, the error and where it was thrown, on one line', () => {
    const error = new TypeError('cannot read properties of undefined\n(reading "rows")');
    const line = bugLine('worker', 'unhandled rejection', error, settings);
    expect(line).toMatch(
      /^BUG: worker: unhandled rejection: TypeError: cannot read properties of undefined \(reading "rows"\) \(at .+process-guard\.spec\.ts:\d+:\d+\)$/,
    );
    expect(line).not.toContain('\n');
  });

  it('never carries a password found in DATABASE_URL or REDIS_URL', () => {
    const line = bugLine(
      'scheduler',
      'uncaught exception, exiting',
      new Error(`connect to ${settings.databaseUrl} and ${settings.redisUrl}`),
      settings,
    );
    expect(line).not.toContain('s3cret-pw');
    expect(line).not.toContain('r3dis-pw');
  });

  it('a rejection with a value that is not an Error', () => {
    expect(bugLine('notifier', 'unhandled rejection', 'plain string', settings)).toBe(
      'BUG: notifier: unhandled rejection: plain string',
    );
  });
});
