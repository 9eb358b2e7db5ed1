import type { FetchLike, SendFailure } from './send-result';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Used when a 429 carries no usable Retry-After. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Network errors that happen before a request is sent: the receiver cannot have seen it. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One HTTP request; network errors and timeouts come back as retryable failures. Error reasons name only the
 * host: Slack webhook paths and DingTalk query strings carry credentials.
 */
export async function httpCall(
  fetchImpl: FetchLike,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<HttpResponse | SendFailure> {
  const host = safeHost(url);
  try {
    const res = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    const e = err as Error;
    const cause = e.cause as (Error & { code?: unknown }) | undefined;
    // The outbound guard refused the destination (link-local, cloud metadata): no retry can change that.
    if (cause?.code === 'outbound-refused')
      return { ok: false, retryable: false, code: 'outbound_refused', reason: cause.message };
    const why =
      e.name === 'TimeoutError'
        ? `timed out after ${timeoutMs} ms`
        : ((e.cause as Error | undefined)?.message ?? e.message);
    const neverSent = typeof cause?.code === 'string' && NEVER_SENT.has(cause.code);
    return {
      ok: false,
      retryable: true,
      code: 'request_failed',
      reason: `request to ${host} failed: ${why}`,
      ...(neverSent ? {} : { uncertain: true as const }),
    };
  }
}

/** POSTs `body` as JSON (UTF-8): what Slack's and DingTalk's APIs take. */
export function postJson(
  fetchImpl: FetchLike,
  url: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<HttpResponse | SendFailure> {
  return httpCall(
    fetchImpl,
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: JSON.stringify(body),
    },
    timeoutMs,
  );
}

export function isFailure(r: HttpResponse | SendFailure): r is SendFailure {
  return 'ok' in r;
}

export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

/** Retry-After in seconds or as an HTTP date (RFC 9110). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Classifies a non-2xx status: 429 and 408 and 5xx are worth retrying, other 4xx are not. */
export function httpFailure(res: HttpResponse, host: string, code?: string): SendFailure {
  const snippet = res.text.trim().slice(0, 200);
  const reason = `request to ${host} has failed with error code ${res.status}${snippet ? `: ${snippet}` : ''}`;
  if (res.status === 429) {
    return {
      ok: false,
      retryable: true,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) ?? DEFAULT_RETRY_AFTER_MS,
      status: res.status,
      code: code ?? 'rate_limited',
      reason,
    };
  }
  const retryable = res.status === 408 || res.status >= 500;
  return {
    ok: false,
    retryable,
    status: res.status,
    code: code ?? `http_${res.status}`,
    reason,
    // A server error may come after the receiver acted on the request (a proxy timing out, a crash mid-way).
    ...(res.status >= 500 ? { uncertain: true as const } : {}),
  };
}

/**
 * The JSON body of a 2xx answer, or a retryable failure naming `who` when the body is not JSON (a proxy's
 * HTML error page, a truncated answer).
 */
export function parseJsonAnswer<T>(res: HttpResponse, who: string): { ok: true; body: T } | SendFailure {
  try {
    return { ok: true, body: JSON.parse(res.text) as T };
  } catch {
    return {
      ok: false,
      retryable: true,
      status: res.status,
      code: 'invalid_response',
      reason: `${who} answered with a non-JSON body`,
    };
  }
}
