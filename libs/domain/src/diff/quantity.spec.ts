import { describe, expect, it } from '@jest/globals';
import { quantitiesEqual, quantityNanos } from './quantity';

describe('quantities', () => {
  it.each([
    ['0.5', '500m'],
    [0.5, '500m'],
    ['1Gi', '1024Mi'],
    ['1', '1000m'],
    [2, '2'],
    ['1k', '1000'],
    ['1e3', '1k'],
    ['1M', '1000k'],
    ['0.1', '100m'],
    ['1.5Gi', '1536Mi'],
  ])('%s equals %s', (a, b) => {
    expect(quantitiesEqual(a, b)).toBe(true);
  });

  it.each([
    ['500m', '250m'],
    ['1Gi', '1G'],
    ['1Mi', '1M'],
    ['1', 'abc'],
    ['100m', '0.01'],
  ])('%s differs from %s', (a, b) => {
    expect(quantitiesEqual(a, b)).toBe(false);
  });

  it.each(['', 'abc', '1x', 'Gi', '--1', {}, null])('%p is not a quantity', (q) => {
    expect(quantityNanos(q)).toBeUndefined();
  });

  it('rounds precision below a nano-unit up, as the API server does', () => {
    expect(quantityNanos('0.0000000001')).toBe(1n);
  });
});
