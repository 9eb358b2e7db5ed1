import { describe, expect, it } from '@jest/globals';
import { DINGTALK_RATE_LIMIT, DestinationRateLimiter, SLACK_RATE_LIMIT } from './destination-rate-limiter';

describe('DestinationRateLimiter', () => {
  it('spaces a Slack burst one second apart per channel, channels independent', () => {
    const limiter = new DestinationRateLimiter(SLACK_RATE_LIMIT);
    expect([0, 0, 0].map(() => limiter.reserve('slack/deploys', 10_000))).toEqual([0, 1000, 2000]);
    expect(limiter.reserve('slack/alerts', 10_000)).toBe(0);
    // Later calls see the booked queue: at t=10.5 s the next free slot is 13 s.
    expect(limiter.reserve('slack/deploys', 10_500)).toBe(2500);
    // Once the queue has drained, sends are immediate again.
    expect(limiter.reserve('slack/deploys', 20_000)).toBe(0);
  });

  it('lets 20 DingTalk messages through per minute and queues the rest', () => {
    const limiter = new DestinationRateLimiter(DINGTALK_RATE_LIMIT);
    const delays = Array.from({ length: 45 }, (_, i) => limiter.reserve('dingtalk/robot', i * 100));
    expect(delays.slice(0, 20).every((d) => d === 0)).toBe(true);
    // The 21st (sent at 2.0 s) waits until the first slot (0 s) leaves the window.
    expect(delays[20]).toBe(60_000 - 2_000);
    // No 60-second window ever holds more than 20 sends.
    const times = delays.map((d, i) => i * 100 + d).sort((a, b) => a - b);
    for (let i = 20; i < times.length; i++) expect(times[i]! - times[i - 20]!).toBeGreaterThanOrEqual(60_000);
  });

  it('backOff holds the destination until Retry-After has passed', () => {
    const limiter = new DestinationRateLimiter(SLACK_RATE_LIMIT);
    limiter.backOff('slack/deploys', 1_000, 30_000);
    expect(limiter.reserve('slack/deploys', 2_000)).toBe(29_000);
    expect(limiter.reserve('slack/other', 2_000)).toBe(0);
  });

  it('rejects an impossible policy', () => {
    expect(() => new DestinationRateLimiter({ limit: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});
