import { describe, expect, it } from '@jest/globals';
import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['5s', 5000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['0', 0],
    ['1.5s', 1500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['5x', '', 's', '5', '5s5', 'abc'])('%s is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
