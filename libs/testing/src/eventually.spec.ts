import { describe, expect, it } from '@jest/globals';
import { eventually, StopWaiting } from './eventually';

describe('eventually', () => {
  it('retries the assertion until it passes and resolves with what it returned', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls++;
      expect(calls).toBeGreaterThanOrEqual(3);
      return `after ${calls}`;
    });
    expect(value).toBe('after 3');
  });

  it('after the timeout throws the last assertion error, naming what it waited for', async () => {
    let calls = 0;
    const failure = await eventually(
      () => {
        calls++;
        expect({ calls }).toEqual({ calls: -1 });
      },
      { timeout: 100, interval: 10, what: 'calls to go negative' },
    ).catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /^waited 100 ms \(\d+ attempts\) for calls to go negative; last failure:\n/,
    );
    // Jest's own diff of the last attempt, not of an earlier one.
    expect((failure as Error).message).toContain(`"calls": ${calls}`);
    expect((failure as Error).stack).toContain('for calls to go negative');
  });

  it('stops at once on StopWaiting (the condition can no longer become true)', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      eventually(
        () => {
          calls++;
          throw new StopWaiting('the process exited');
        },
        { timeout: 5_000 },
      ),
    ).rejects.toThrow('the process exited');
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives up on an attempt that never settles when the time is up', async () => {
    await expect(
      eventually(() => new Promise<never>(() => undefined), { timeout: 50, what: 'an answer' }),
    ).rejects.toThrow(
      /waited 50 ms \(1 attempt\) for an answer; last failure:\nthe last attempt at an answer had not returned/,
    );
  });
});
