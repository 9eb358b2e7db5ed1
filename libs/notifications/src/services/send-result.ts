/** Outcome of one delivery attempt. `retryable: false` means retrying cannot help (fix config or template). */
export type SendResult =
  | {
      ok: true;
      status: number;
      response?: unknown;
      /**
       * An earlier attempt's message was found at the receiver (Slack channel history, by its delivery id):
       * nothing was sent this time.
       */
      alreadyDelivered?: true;
    }
  | {
      ok: false;
      retryable: boolean;
      /** Wait at least this long before the next attempt (HTTP 429 Retry-After, DingTalk throttling). */
      retryAfterMs?: number;
      status?: number;
      /** Provider error code: Slack `error`, DingTalk `errcode`, or a Berth code like `invalid_attachments_json`. */
      code?: string;
      reason: string;
      /**
       * The request may have reached the receiver all the same (no answer within the timeout, the connection
       * dropped after it was sent): the next attempt must count with a message already posted.
       */
      uncertain?: true;
    };

export type SendFailure = Extract<SendResult, { ok: false }>;

export type FetchLike = typeof fetch;

export interface HttpServiceOptions {
  /** Defaults to the global fetch; tests and proxies may pass their own. */
  fetch?: FetchLike;
  /** Per-request timeout (default 10 s): a hung endpoint must not block a worker. */
  timeoutMs?: number;
  /** Where a service reports a condition worth an operator's attention (each one once per service). */
  log?: (level: 'warn', message: string) => void;
}

/** Which delivery an attempt belongs to: services that can carry an id send it, so receivers can tell repeats. */
export interface DeliveryAttempt {
  /** Stable across every attempt of one delivery (the notification_deliveries row id). */
  deliveryId: string;
  /**
   * Set when an earlier attempt may have reached the receiver and its outcome was never learned (its
   * notifier died mid-send, the request timed out): when it started. A service that can look (Slack with a
   * bot token) checks for the message from a little before then instead of posting again blindly.
   */
  unconfirmedSince?: Date;
}

/** The header generic webhooks and Slack incoming webhooks carry the delivery id in (same value on every repeat). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
