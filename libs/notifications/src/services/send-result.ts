/** Outcome of one delivery attempt. `retryable: false` means retrying cannot help (fix config or template). */
export type SendResult =
  | { ok: true; status: number; response?: unknown }
  | {
      ok: false;
      retryable: boolean;
      /** Wait at least this long before the next attempt (HTTP 429 Retry-After, DingTalk throttling). */
      retryAfterMs?: number;
      status?: number;
      /** Provider error code: Slack `error`, DingTalk `errcode`, or a Berth code like `invalid_attachments_json`. */
      code?: string;
      reason: string;
    };

export type SendFailure = Extract<SendResult, { ok: false }>;

export type FetchLike = typeof fetch;

export interface HttpServiceOptions {
  /** Defaults to the global fetch; tests and proxies may pass their own. */
  fetch?: FetchLike;
  /** Per-request timeout (default 10 s): a hung endpoint must not block a worker. */
  timeoutMs?: number;
}
