import type { RedisClient } from '@berth/infra';
import { ADMIN_ACCOUNT } from './accounts-settings';
import { refusedForSeconds, type FailedLogins, type ThrottleLimits, withFailure } from './login-throttle';

/**
 * Failed-login counters, by key (`user:<name>` or `address:<ip>`). An attempt is counted as a failure
 * before its password is checked and taken back when it succeeds: a burst of parallel guesses cannot all
 * pass the check while the first ones are still being hashed.
 */
export interface LoginFailureStore {
  /** Seconds logins stay refused (Infinity: until reset; nothing counted), or 0 after counting this attempt. */
  attempt(key: string, limits: ThrottleLimits, nowMs: number): Promise<number>;
  /** The attempt succeeded: `clear` forgets every failure of the key (a user's), `undo` only this attempt's (an address's). */
  succeeded(key: string, how: 'clear' | 'undo'): Promise<void>;
}

/** Entries kept at most (Argo CD: ARGOCD_SESSION_MAX_CACHE_SIZE); the admin's entry is never the one dropped. */
const MAX_ENTRIES = 10_000;

/** Counters in this process: the fallback while Redis is away (each replica then counts on its own). */
export class MemoryLoginFailureStore implements LoginFailureStore {
  private readonly entries = new Map<string, FailedLogins>();

  attempt(key: string, limits: ThrottleLimits, nowMs: number): Promise<number> {
    const current = this.live(key, limits, nowMs);
    const refused = refusedForSeconds(current, limits, nowMs);
    if (refused > 0) return Promise.resolve(refused);
    if (!this.entries.has(key) && this.entries.size >= MAX_ENTRIES) this.evictOne();
    this.entries.set(key, withFailure(current, limits, nowMs));
    return Promise.resolve(0);
  }

  succeeded(key: string, how: 'clear' | 'undo'): Promise<void> {
    const current = this.entries.get(key);
    if (how === 'clear' || !current || current.count <= 1) this.entries.delete(key);
    else this.entries.set(key, { ...current, count: current.count - 1 });
    return Promise.resolve();
  }

  private live(key: string, limits: ThrottleLimits, nowMs: number): FailedLogins | undefined {
    const entry = this.entries.get(key);
    if (
      entry &&
      limits.failureWindowSeconds > 0 &&
      nowMs - entry.lastFailedAt > limits.failureWindowSeconds * 1000
    ) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The oldest entry that is not the admin's: flooding the table with made-up names must not reset admin's count. */
  private evictOne(): void {
    for (const key of this.entries.keys())
      if (key !== `user:${ADMIN_ACCOUNT}`) {
        this.entries.delete(key);
        return;
      }
  }
}

/** Refused seconds (-1: for good), or 0 after counting the attempt; the same rule as refusedForSeconds + withFailure. */
const ATTEMPT_SCRIPT = `
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
if window > 0 and count > 0 and now - last > window * 1000 then count = 0 end
if count >= max then
  if window == 0 then return -1 end
  return math.ceil((last + window * 1000 - now) / 1000)
end
redis.call('HSET', KEYS[1], 'count', count + 1, 'last', now)
if window > 0 then redis.call('PEXPIRE', KEYS[1], window * 1000) end
return 0`;

const UNDO_SCRIPT = `
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
if count <= 1 then redis.call('DEL', KEYS[1]) else redis.call('HINCRBY', KEYS[1], 'count', -1) end
return 0`;

/**
 * Counters in Redis, shared by every scheduler replica: an attacker gets 5 guesses in all, not 5 per
 * replica. Redis is a cache here: losing it only resets the counters. While Redis is unreachable each
 * process counts in memory (MemoryLoginFailureStore), so the protection never lapses.
 */
export class RedisLoginFailureStore implements LoginFailureStore {
  private readonly fallback = new MemoryLoginFailureStore();
  private redisAway = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly log: (level: 'warn' | 'log', message: string) => void = () => undefined,
  ) {}

  async attempt(key: string, limits: ThrottleLimits, nowMs: number): Promise<number> {
    // Not connected: no waiting for a command timeout on every login.
    if (this.redis.status !== 'ready') {
      this.away(new Error(`connection ${this.redis.status}`));
      return this.fallback.attempt(key, limits, nowMs);
    }
    try {
      const answer = Number(
        await this.redis.eval(
          ATTEMPT_SCRIPT,
          1,
          this.keyOf(key),
          limits.maxFailures,
          limits.failureWindowSeconds,
          nowMs,
        ),
      );
      this.back();
      return answer < 0 ? Infinity : answer;
    } catch (error) {
      this.away(error);
      return this.fallback.attempt(key, limits, nowMs);
    }
  }

  async succeeded(key: string, how: 'clear' | 'undo'): Promise<void> {
    await this.fallback.succeeded(key, how);
    try {
      if (how === 'clear') await this.redis.del(this.keyOf(key));
      else await this.redis.eval(UNDO_SCRIPT, 1, this.keyOf(key));
    } catch (error) {
      this.away(error);
    }
  }

  private keyOf(key: string): string {
    return `${this.prefix}:login-failures:${key}`;
  }

  private away(error: unknown): void {
    if (this.redisAway) return;
    this.redisAway = true;
    this.log(
      'warn',
      `failed-login counters: Redis unreachable (${(error as Error).message}); counting in this process until it is back`,
    );
  }

  private back(): void {
    if (!this.redisAway) return;
    this.redisAway = false;
    this.log('log', 'failed-login counters: Redis is back; counting there again');
  }
}
