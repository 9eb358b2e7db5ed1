import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from '@berth/infra';

const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** The lease's time to live; renewed, and tried by the others, every third of it. */
export const CLUSTER_LEASE_TTL_MS = 9_000;

export interface ClusterLeaseOptions {
  /** Default 9 s: a dead holder is replaced within ttl + ttl/3 = 12 s. */
  ttlMs?: number;
  /** Called when this process becomes the holder (at start or taking over from a dead one). */
  onAcquired?: () => void;
}

/**
 * Which worker turns a cluster's live changes into refresh requests (docs/adr/0005): one lease per
 * cluster in Redis (`SET NX PX`), renewed every third of its TTL by its holder and tried as often by
 * the others. A holder that stops renewing (killed, stalled past the TTL) loses it; `held` turns false
 * as soon as a renewal finds the key gone or someone else's. Every worker keeps its own cache either
 * way: the lease only decides who requests, so a refresh is not requested once per worker.
 */
export class ClusterLease {
  private readonly key: string;
  private readonly token = randomUUID();
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private isHeld = false;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    clusterUrl: string,
    private readonly options: ClusterLeaseOptions = {},
  ) {
    // A URL may hold characters a key should not (and may be long): a digest names it.
    this.key = `${prefix}:cluster-watch-lease:${createHash('sha256').update(clusterUrl).digest('hex').slice(0, 32)}`;
    this.ttlMs = options.ttlMs ?? CLUSTER_LEASE_TTL_MS;
  }

  get held(): boolean {
    return this.isHeld;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), Math.floor(this.ttlMs / 3));
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.isHeld) {
      this.isHeld = false;
      // Handing it over at once: the next worker need not wait for the TTL.
      await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
    }
  }

  private async tick(): Promise<void> {
    try {
      if (this.isHeld) {
        const extended = await this.redis.eval(EXTEND, 1, this.key, this.token, String(this.ttlMs));
        if (extended !== 1) this.isHeld = false;
        return;
      }
      const ok = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
      if (ok !== 'OK') return;
      if (!this.timer) {
        // Stopped while the SET was on its way: give it back.
        await this.redis.eval(RELEASE, 1, this.key, this.token);
        return;
      }
      this.isHeld = true;
      this.options.onAcquired?.();
    } catch {
      // Redis away: a holder that cannot renew will lose the lease by TTL; nothing to request meanwhile.
    }
  }
}
