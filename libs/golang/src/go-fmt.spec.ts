import { describe, expect, it } from '@jest/globals';
import { formatValue } from './go-fmt';
import { GoFloat } from './go-value';
import { parseGoDuration } from './go-duration';
import { parseRfc3339 } from './go-time';

// Go's fmt.Sprintf("%v", v): how Argo CD turns an oncePer result into a state key. The template goldens of
// @berth/gotemplate cover the rest of fmt against Go itself.
describe('formatValue is fmt %v', () => {
  const cases: Array<[unknown, string]> = [
    [null, '<nil>'],
    [undefined, '<nil>'],
    ['abc', 'abc'],
    [3, '3'],
    [1.5, '1.5'],
    [1e21, '1e+21'],
    [1e-7, '1e-07'],
    [new GoFloat(60), '60'],
    [new GoFloat(1e6), '1e+06'],
    [true, 'true'],
    [['a', 'b'], '[a b]'],
    [{ b: 1, a: 'x' }, 'map[a:x b:1]'],
    [parseGoDuration('1h30m'), '1h30m0s'],
    [parseRfc3339('2024-03-01T12:00:00+08:00'), '2024-03-01 12:00:00 +0800 +0800'],
  ];
  it.each(cases)('%p -> %s', (value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });
});
