import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@berth/infra';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  release(): Promise<void>;
  /** False once the lock was lost (e.g. the process stalled past the TTL). */
  readonly held: boolean;
}

/**
 * The lease's time to live. Renewed every third of it from a timer, so a holder keeps it through an
 * event-loop pause of up to two thirds (6 s); a dead holder's lease is gone within 9 s, no later
 * than BullMQ hands its job to another worker (APP_JOB_TIMINGS: 6 s lock + 3 s stalled check).
 */
export const APP_LEASE_TTL_MS = 9_000;

/**
 * At most one operation per application across all worker processes. A lease in Redis, renewed
 * while the holder works; if the holder dies, it expires after `ttlMs` and another worker takes
 * over. The event log's optimistic concurrency is the backstop: a holder that lost its lease
 * cannot append behind the new holder's back (docs/adr/0003-one-operation-per-app.md).
 */
export class AppLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlMs = APP_LEASE_TTL_MS,
  ) {}

  async tryAcquire(application: string): Promise<HeldLock | undefined> {
    const key = `${this.prefix}:app-lock:${application}`;
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', this.ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    let held = true;
    const renew = setInterval(
      () => {
        this.redis
          .eval(EXTEND, 1, key, token, String(this.ttlMs))
          .then((r) => {
            if (r !== 1) held = false;
          })
          .catch(() => undefined);
      },
      Math.floor(this.ttlMs / 3),
    );
    renew.unref();
    const redis = this.redis;
    return {
      get held() {
        return held;
      },
      async release() {
        clearInterval(renew);
        held = false;
        await redis.eval(RELEASE, 1, key, token);
      },
    };
  }

  async holder(application: string): Promise<string | null> {
    return this.redis.get(`${this.prefix}:app-lock:${application}`);
  }
}
