import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { mapConcurrent, percentile, summarize } from './latency-stats';

describe('summarize', () => {
  it('reports nearest-rank percentiles of 1..100', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(samples)).toEqual({
      count: 100,
      min: 1,
      p50: 50,
      p95: 95,
      p99: 99,
      max: 100,
      mean: 50.5,
    });
  });

  it('makes p99 of a few samples the maximum, a value that was measured', () => {
    expect(summarize([5, 1, 9]).p99).toBe(9);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('gives NaN, not zero, when there is nothing to summarize', () => {
    expect(summarize([]).p50).toBeNaN();
  });
});

describe('mapConcurrent', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('keeps item order and never runs more than the limit at once', async () => {
    // Items take 30, 10, 20, 0 and 5 ms, so they finish out of order: a fake clock runs them instantly.
    jest.useFakeTimers();
    let running = 0;
    let peak = 0;
    const mapped = mapConcurrent([30, 10, 20, 0, 5], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i;
    });
    await jest.runAllTimersAsync();
    const out = await mapped;
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });
});
