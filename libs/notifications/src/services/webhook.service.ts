import type { WebhookServiceConfig } from '../config/notifications-config.types';
import { DEFAULT_TIMEOUT_MS, httpCall, httpFailure, isFailure, safeHost } from './http-call';
import type { RenderedNotification } from './rendered-notification';
import {
  type DeliveryAttempt,
  type FetchLike,
  type HttpServiceOptions,
  IDEMPOTENCY_KEY_HEADER,
  type SendResult,
} from './send-result';

/**
 * Argo CD's generic webhook service: the template's `webhook.<service name>` section gives method, path and body
 * (default GET with the message as body); any 2xx is success.
 * `insecureSkipVerify` is not honoured: global fetch cannot skip TLS verification per request.
 * Every attempt of one delivery carries the same `Idempotency-Key` (the delivery id): a receiver that keeps the
 * keys it saw can drop the repeat a crashed notifier's re-send makes.
 */
export class WebhookService {
  private readonly fetch: FetchLike;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: WebhookServiceConfig,
    options: HttpServiceOptions = {},
  ) {
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(
    notification: RenderedNotification,
    _recipient?: string,
    delivery?: DeliveryAttempt,
  ): Promise<SendResult> {
    const spec = notification.webhook?.[this.config.name];
    const method = (spec?.method ?? 'GET').toUpperCase();
    const url = spec?.path ? joinUrl(this.config.url, spec.path) : this.config.url;
    const headers: Record<string, string> = {};
    for (const h of this.config.headers) headers[h.name] = h.value;
    if (delivery) {
      // Ours wins over a configured header of the same name: a fixed value would make every delivery a repeat.
      for (const name of Object.keys(headers))
        if (name.toLowerCase() === IDEMPOTENCY_KEY_HEADER.toLowerCase()) delete headers[name];
      headers[IDEMPOTENCY_KEY_HEADER] = delivery.deliveryId;
    }
    if (this.config.basicAuth) {
      const { username, password } = this.config.basicAuth;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    // fetch refuses a body on GET/HEAD; Go's net/http would send it, but no sane endpoint reads it.
    const body = method === 'GET' || method === 'HEAD' ? undefined : (spec?.body ?? notification.message);
    const res = await httpCall(this.fetch, url, { method, headers, body }, this.timeoutMs);
    if (isFailure(res)) return res;
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, response: res.text };
    return httpFailure(res, safeHost(url));
  }
}

/** trimRight(url, "/") + "/" + trimLeft(path, "/"), as notifications-engine builds it. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
