export interface RateLimitPolicy {
  /** Messages allowed per window. */
  limit: number;
  windowMs: number;
}

/** Slack chat.postMessage: about one message per second per channel. */
export const SLACK_RATE_LIMIT: RateLimitPolicy = { limit: 1, windowMs: 1_000 };
/** DingTalk custom robot: 20 messages per minute per robot (more throttles it for ~10 minutes). */
export const DINGTALK_RATE_LIMIT: RateLimitPolicy = { limit: 20, windowMs: 60_000 };

/**
 * Sliding-window limiter per destination (`slack/<channel>`, `dingtalk/<robot>`). It never rejects: reserve()
 * books the next free slot and returns how long to wait, so a burst becomes a queue of delayed jobs.
 * In-process state: run one notifier, or keep the slots in Redis when there are several.
 */
export class DestinationRateLimiter {
  private readonly slots = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly maxDestinations = 10_000,
  ) {
    if (policy.limit < 1 || policy.windowMs <= 0)
      throw new RangeError('rate limit needs limit >= 1 and windowMs > 0');
  }

  /** Books a send for `destination` at or after `now`; returns the delay in ms (0 = send now). */
  reserve(destination: string, now: number): number {
    const { limit, windowMs } = this.policy;
    const booked = (this.slots.get(destination) ?? []).filter((t) => t > now - windowMs);
    let at = Math.max(now, this.blockedUntil.get(destination) ?? 0);
    // The new slot and the limit-1 latest booked ones must fit in any window: start a full window after the
    // limit-th latest slot. Every later window then holds at most `limit` sends.
    if (booked.length >= limit) at = Math.max(at, booked[booked.length - limit]! + windowMs);
    booked.push(at);
    booked.sort((a, b) => a - b);
    this.slots.delete(destination);
    this.slots.set(destination, booked);
    if (this.slots.size > this.maxDestinations) this.slots.delete(this.slots.keys().next().value!);
    return at - now;
  }

  /** After a 429 / throttling answer: nothing goes to `destination` before now + retryAfterMs. */
  backOff(destination: string, now: number, retryAfterMs: number): void {
    this.blockedUntil.set(destination, Math.max(this.blockedUntil.get(destination) ?? 0, now + retryAfterMs));
  }
}
