import { randomUUID } from 'node:crypto';
import type { RateLimitPolicy } from '@berth/notifications';
import type { RedisClient } from '@berth/infra';

/**
 * Books send slots per destination in Redis, so several notifier replicas together stay within
 * Slack's ~1 msg/s per channel and DingTalk's 20 msg/min per robot (the in-memory limiter of
 * libs/notifications only sees one process). A sliding log: one sorted-set member per booked send.
 */
const RESERVE = `
local log, block = KEYS[1], KEYS[2]
local now, limit, window, member = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('zremrangebyscore', log, '-inf', now - window)
local at = now
local blocked = tonumber(redis.call('get', block) or '0')
if blocked > at then at = blocked end
local n = redis.call('zcard', log)
if n >= limit then
  local edge = redis.call('zrange', log, n - limit, n - limit, 'WITHSCORES')
  local free = tonumber(edge[2]) + window
  if free > at then at = free end
end
redis.call('zadd', log, at, member)
redis.call('pexpire', log, math.floor(at - now + window + 1000))
return at - now`;

export class RedisRateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly policy: RateLimitPolicy,
  ) {}

  /** Books a send to `destination`; resolves to the delay in ms before it may go (0 = now). */
  async reserve(destination: string, now = Date.now()): Promise<number> {
    const [log, block] = this.keys(destination);
    const delay = await this.redis.eval(
      RESERVE,
      2,
      log,
      block,
      now,
      this.policy.limit,
      this.policy.windowMs,
      randomUUID(),
    );
    return Number(delay);
  }

  /** After a 429 / throttling answer: nothing goes to `destination` before now + retryAfterMs. */
  async backOff(destination: string, retryAfterMs: number, now = Date.now()): Promise<void> {
    const [, block] = this.keys(destination);
    const until = now + retryAfterMs;
    const current = Number((await this.redis.get(block)) ?? 0);
    if (until > current) await this.redis.set(block, String(until), 'PX', retryAfterMs + 1000);
  }

  private keys(destination: string): [string, string] {
    const base = `${this.prefix}:ratelimit:${destination}`;
    return [`${base}:log`, `${base}:blocked`];
  }
}
