import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DINGTALK_RATE_LIMIT, SLACK_RATE_LIMIT } from '@berth/notifications';
import { createRedis } from '@berth/queues';
import { RedisRateLimiter } from './redis-rate-limiter';

const redis = createRedis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', 'test');
const prefix = `berth-test-${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('RedisRateLimiter (shared by notifier replicas)', () => {
  it('two replicas together book Slack sends to one channel one second apart', async () => {
    const a = new RedisRateLimiter(redis, prefix, SLACK_RATE_LIMIT);
    const b = new RedisRateLimiter(redis, prefix, SLACK_RATE_LIMIT);
    const now = 1_000_000;
    const delays = [
      await a.reserve('slack:ops', now),
      await b.reserve('slack:ops', now),
      await a.reserve('slack:ops', now),
    ];
    expect(delays).toEqual([0, 1000, 2000]);
    expect(await b.reserve('slack:other', now)).toBe(0);
  });

  it('keeps DingTalk within 20 per minute per robot, and honours a back-off', async () => {
    const limiter = new RedisRateLimiter(redis, prefix, DINGTALK_RATE_LIMIT);
    const now = 5_000_000;
    const delays: number[] = [];
    for (let i = 0; i < 21; i++) delays.push(await limiter.reserve('dingtalk:robot', now));
    expect(delays.slice(0, 20).every((d) => d === 0)).toBe(true);
    expect(delays[20]).toBe(60_000);
    await limiter.backOff('dingtalk:robot2', 30_000, now);
    expect(await limiter.reserve('dingtalk:robot2', now)).toBe(30_000);
  });
});
