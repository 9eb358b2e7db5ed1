import { describe, expect, it } from '@jest/globals';
import { refusedForSeconds, withFailure, type FailedLogins } from './login-throttle';

const limits = { maxFailures: 5, failureWindowSeconds: 300 };
const T = Date.parse('2026-05-01T10:00:00Z');

function failures(n: number, everyMs = 1000): FailedLogins | undefined {
  let f: FailedLogins | undefined;
  for (let i = 0; i < n; i++) f = withFailure(f, limits, T + i * everyMs);
  return f;
}

describe("failed-login protection (Argo CD's defaults: 5 failures, 300 s window)", () => {
  it('allows logins until the fifth failure, then refuses until 300 s after the last failure', () => {
    expect(refusedForSeconds(failures(4), limits, T + 4000)).toBe(0);
    const five = failures(5)!;
    expect(five).toEqual({ count: 5, lastFailedAt: T + 4000 });
    expect(refusedForSeconds(five, limits, T + 4000)).toBe(300);
    expect(refusedForSeconds(five, limits, T + 4000 + 299_500)).toBe(1);
    expect(refusedForSeconds(five, limits, T + 4000 + 300_000)).toBe(0);
  });

  it('forgets failures once the last one is out of the window: the count starts again', () => {
    const old = failures(4)!;
    expect(withFailure(old, limits, old.lastFailedAt + 300_001)).toEqual({
      count: 1,
      lastFailedAt: old.lastFailedAt + 300_001,
    });
    expect(withFailure(old, limits, old.lastFailedAt + 299_000).count).toBe(5);
  });

  it('with a window of 0, failures are never forgotten and the refusal does not end by itself', () => {
    const never = { maxFailures: 5, failureWindowSeconds: 0 };
    let f: FailedLogins | undefined;
    for (let i = 0; i < 5; i++) f = withFailure(f, never, T + i * 86_400_000);
    expect(f?.count).toBe(5);
    expect(refusedForSeconds(f, never, T + 365 * 86_400_000)).toBe(Infinity);
  });
});
