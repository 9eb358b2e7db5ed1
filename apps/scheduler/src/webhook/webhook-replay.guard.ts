import { createHash } from 'node:crypto';
import type { RedisClient } from '@berth/infra';
import type { WebhookDelivery } from './git-webhook';

/**
 * How long a delivery is remembered: 24 hours. Senders retry a failed delivery within minutes (Bitbucket,
 * Gitea) and people press "Redeliver" the same day; past the window a replay costs one extra refresh, which
 * reads Git as it is now and cannot move an app back to an old revision. About 100 bytes of Redis per push.
 */
export const REPLAY_WINDOW_SECONDS = 86_400;

/** How long a webhook waits for Redis before answering 503 (a sender's own timeout is 10 s on GitHub). */
const REDIS_WAIT_MS = 1_000;

/** Redis cannot say whether a delivery is new: the webhook answers 503 and does nothing. */
export class ReplayStoreUnavailableError extends Error {
  override readonly name = 'ReplayStoreUnavailableError';
}

export type ReplayClaim = { duplicate: false; release(): Promise<void> } | { duplicate: true; key: string };

/**
 * Remembers webhook deliveries in Redis (`SET NX EX`, shared by every scheduler replica) so a repeated
 * delivery does nothing. Two keys per delivery:
 * - the provider's delivery id (`X-GitHub-Delivery`, ...): a sender's retry or redelivery repeats it;
 * - for a verified request, a digest of the signed body: the delivery id header is not covered by the
 *   signature, so a replay of a captured request with a fresh id is still caught.
 *
 * Its own connection fails fast instead of queueing: a command queued while Redis is down would run when
 * Redis is back, mark a delivery we refused as seen, and turn the sender's retry into a "duplicate".
 */
export class WebhookReplayGuard {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly windowSeconds = REPLAY_WINDOW_SECONDS,
  ) {}

  /**
   * Claims the delivery; `duplicate` when it was seen within the window. Call `release()` when handling
   * failed, so the sender's retry is handled instead of being answered "duplicate".
   */
  async claim(delivery: WebhookDelivery, rawBody: string): Promise<ReplayClaim> {
    const keys: string[] = [];
    if (delivery.deliveryId)
      keys.push(`${this.prefix}:webhook:delivery:${delivery.provider}:${delivery.deliveryId}`);
    if (delivery.verified) {
      const digest = createHash('sha256').update(rawBody).digest('hex');
      keys.push(`${this.prefix}:webhook:payload:${delivery.provider}:${digest}`);
    }
    if (keys.length === 0) return { duplicate: false, release: async () => undefined };
    await this.ready();
    const claimed: string[] = [];
    try {
      for (const key of keys) {
        const set = await this.redis.set(key, String(Date.now()), 'EX', this.windowSeconds, 'NX');
        if (set === null) {
          await this.forget(claimed);
          return { duplicate: true, key };
        }
        claimed.push(key);
      }
    } catch (err) {
      await this.forget(claimed).catch(() => undefined);
      throw new ReplayStoreUnavailableError(`Redis did not answer: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return { duplicate: false, release: () => this.forget(claimed).catch(() => undefined) };
  }

  private async forget(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys);
  }

  /** Waits briefly for a (re)connecting Redis; a request must not hang while Redis is down. */
  private async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    const ok = await new Promise<boolean>((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(value);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), REDIS_WAIT_MS);
      this.redis.on('ready', onReady);
    });
    if (!ok) throw new ReplayStoreUnavailableError(`Redis is ${this.redis.status}`);
  }
}
