import { describe, expect, it } from '@jest/globals';
import { retryDelay, selfHealDelay } from './backoff';
import { SyncPlanError } from './sync-plan.error';

describe('retryDelay', () => {
  it.each([
    [0, 5_000],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 80_000],
    [5, 160_000],
    [6, 180_000],
    [20, 180_000],
  ])('Argo CD defaults: attempt %d waits %d ms', (attempt, ms) => {
    expect(retryDelay(attempt)).toBe(ms);
  });

  it('uses the app backoff', () => {
    expect(retryDelay(2, { duration: '1s', factor: 3, maxDuration: '1m' })).toBe(9_000);
    expect(retryDelay(5, { duration: '1s', factor: 3, maxDuration: '1m' })).toBe(60_000);
  });

  it('rejects an unparsable duration naming the field', () => {
    expect(() => retryDelay(0, { duration: '5 seconds' })).toThrow(SyncPlanError);
    expect(() => retryDelay(0, { maxDuration: 'x' })).toThrow(/backoff.maxDuration "x"/);
  });
});

describe('selfHealDelay', () => {
  it.each([
    [0, 2_000],
    [1, 6_000],
    [2, 18_000],
    [3, 54_000],
    [4, 162_000],
    [5, 300_000],
    [9, 300_000],
  ])('attempt %d waits %d ms', (attempt, ms) => {
    expect(selfHealDelay(attempt)).toBe(ms);
  });
});
