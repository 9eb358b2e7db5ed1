import { describe, expect, it } from '@jest/globals';
import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['30', 30_000],
    ['30s', 30_000],
    ['5m', 300_000],
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text, '--since')).toBe(ms));

  it.each(['', 'h', '5 m', '5x', '-5m', '5m3'])('refuses %j naming the flag', (text) =>
    expect(() => parseDuration(text, '--since')).toThrow(/--since .*not a duration/),
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [65_000, '1m5s'],
    [3_600_000, '1h0m0s'],
  ])('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
