import type { SlackServiceConfig } from '../config/notifications-config.types';
import {
  DEFAULT_RETRY_AFTER_MS,
  DEFAULT_TIMEOUT_MS,
  httpCall,
  httpFailure,
  isFailure,
  parseJsonAnswer,
  postJson,
  safeHost,
} from './http-call';
import type { RenderedNotification } from './rendered-notification';
import {
  type DeliveryAttempt,
  type FetchLike,
  type HttpServiceOptions,
  IDEMPOTENCY_KEY_HEADER,
  type SendFailure,
  type SendResult,
} from './send-result';
import { type SlackPage, SlackDeliveryLookup } from './slack-delivery-lookup';
import { slackDeliveryMetadata } from './slack-delivery-metadata';
import { InMemorySlackThreadStore, type SlackThreadRef, type SlackThreadStore } from './slack-thread-store';

/** Slack `error` codes that no retry can fix: configuration, permissions or message content. */
export const SLACK_PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'no_permission',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_attachments',
  'too_many_attachments',
  'msg_too_long',
  'msg_blocks_too_long',
  'no_text',
  'restricted_action',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'invalid_arguments',
  'channel_is_archived',
  'user_not_found',
  'action_prohibited',
  'invalid_payload',
  'invalid_token',
  'team_disabled',
  'no_service',
]);

/** Slack `error` codes that are transient. Anything else unknown is treated as permanent. */
const SLACK_TRANSIENT_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

export interface SlackServiceOptions extends HttpServiceOptions {
  threads?: SlackThreadStore;
}

interface SlackMessage {
  text: string;
  attachments?: unknown[];
  blocks?: unknown[];
  metadata?: unknown;
}

/**
 * Sends to Slack with a bot token (chat.postMessage / chat.update, groupingKey threads) or an incoming webhook.
 * One attempt per call: the caller schedules retries using `retryable` and `retryAfterMs`.
 *
 * Given the delivery, every message carries its id in message metadata (`event_type: berth_delivery`), and an
 * incoming webhook request also in `Idempotency-Key`. With a bot token, an attempt whose predecessor may have
 * posted (`unconfirmedSince`) first looks for that message in the channel and, found, posts nothing: exactly
 * once. When it cannot look (a missing scope, an error) it posts anyway (at least once) and says why, once.
 */
export class SlackService {
  private readonly fetch: FetchLike;
  private readonly timeoutMs: number;
  private readonly threads: SlackThreadStore;
  private readonly lookup: SlackDeliveryLookup;
  private readonly log: (level: 'warn', message: string) => void;
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: SlackServiceConfig,
    options: SlackServiceOptions = {},
  ) {
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.threads = options.threads ?? new InMemorySlackThreadStore();
    this.log = options.log ?? (() => undefined);
    this.lookup = new SlackDeliveryLookup((method, params) => this.read(method, params));
  }

  async send(
    notification: RenderedNotification,
    recipient: string,
    delivery?: DeliveryAttempt,
  ): Promise<SendResult> {
    const message = buildMessage(notification);
    if ('ok' in message) return message;
    if (delivery) message.metadata = slackDeliveryMetadata(delivery.deliveryId);
    if (this.config.token) return this.sendWithToken(notification, message, recipient, delivery);
    if (this.config.webhookURL) return this.sendToWebhook(message, delivery);
    return {
      ok: false,
      retryable: false,
      code: 'not_configured',
      reason: `service.${this.config.name} has neither token nor webhookURL`,
    };
  }

  private async sendWithToken(
    notification: RenderedNotification,
    message: SlackMessage,
    recipient: string,
    delivery: DeliveryAttempt | undefined,
  ): Promise<SendResult> {
    const slack = notification.slack ?? {};
    const policy = slack.deliveryPolicy ?? 'Post';
    const groupingKey = slack.groupingKey?.trim() || undefined;
    const parent = groupingKey ? await this.threads.get(recipient, groupingKey) : undefined;

    const body: Record<string, unknown> = { channel: recipient, ...message };
    const username = slack.username || this.config.username;
    if (username) body.username = username;
    const icon = slack.icon || this.config.icon;
    if (icon) body[/^https?:\/\//.test(icon) ? 'icon_url' : 'icon_emoji'] = icon;
    if (this.config.disableUnfurl) Object.assign(body, { unfurl_links: false, unfurl_media: false });

    // An update sets the parent to this text: doing it twice is harmless, nothing to look for.
    if (parent && policy === 'Update')
      return this.call('chat.update', { ...message, channel: parent.channel, ts: parent.ts });
    if (delivery?.unconfirmedSince) {
      const earlier = await this.findEarlierPost(recipient, delivery, delivery.unconfirmedSince, parent);
      if (earlier && !earlier.ok) return earlier;
      if (earlier) {
        const found = earlier.response as SlackThreadRef;
        if (groupingKey && !parent) await this.threads.set(recipient, groupingKey, found);
        if (parent && policy === 'PostAndUpdate') {
          const updated = await this.call('chat.update', {
            ...message,
            channel: parent.channel,
            ts: parent.ts,
          });
          if (!updated.ok) return updated;
        }
        return earlier;
      }
    }
    if (parent) {
      body.thread_ts = parent.ts;
      if (slack.notifyBroadcast) body.reply_broadcast = true;
    }
    const posted = await this.call('chat.postMessage', body);
    if (!posted.ok) return posted;
    const response = posted.response as { channel?: string; ts?: string };
    if (response.channel) this.lookup.remember(recipient, response.channel);
    if (groupingKey && !parent && response.channel && response.ts) {
      await this.threads.set(recipient, groupingKey, { channel: response.channel, ts: response.ts });
    }
    if (parent && policy === 'PostAndUpdate') {
      const updated = await this.call('chat.update', { ...message, channel: parent.channel, ts: parent.ts });
      if (!updated.ok) return updated;
    }
    return posted;
  }

  private async call(method: string, body: Record<string, unknown>): Promise<SendResult> {
    const url = `${this.config.apiURL}${method}`;
    const res = await postJson(this.fetch, url, body, this.timeoutMs, {
      authorization: `Bearer ${this.config.token}`,
    });
    if (isFailure(res)) return res;
    if (res.status < 200 || res.status >= 300) return httpFailure(res, safeHost(url));
    const answer = parseJsonAnswer<{ ok?: boolean; error?: string }>(res, method);
    if (!answer.ok) return answer;
    const parsed = answer.body;
    if (parsed.ok === true) return { ok: true, status: res.status, response: parsed };
    const code = parsed.error ?? 'unknown_error';
    const failure: SendFailure = {
      ok: false,
      retryable: !SLACK_PERMANENT_ERRORS.has(code) && SLACK_TRANSIENT_ERRORS.has(code),
      status: res.status,
      code,
      reason: `slack ${method} failed: ${code}${slackHint(code)}`,
    };
    if (code === 'ratelimited' || code === 'rate_limited') failure.retryAfterMs = DEFAULT_RETRY_AFTER_MS;
    return failure;
  }

  /**
   * The message an earlier attempt of `delivery` posted: a success with `alreadyDelivered` when found, undefined
   * when it was not posted (or it cannot be told: then this logs why, once), a failure to retry later when Slack
   * asks to slow down (the lookup is what keeps the delivery exactly once).
   */
  private async findEarlierPost(
    recipient: string,
    delivery: DeliveryAttempt,
    since: Date,
    parent: SlackThreadRef | undefined,
  ): Promise<SendResult | undefined> {
    const result = await this.lookup.find(recipient, delivery.deliveryId, since, parent);
    if (result.kind === 'found')
      return {
        ok: true,
        status: 200,
        alreadyDelivered: true,
        response: { channel: result.channel, ts: result.ts },
      };
    if (result.kind === 'absent') return undefined;
    const failure = result.failure;
    if (failure.retryAfterMs !== undefined)
      return {
        ...failure,
        reason: `looking for an earlier attempt's message before posting again: ${failure.reason}`,
      };
    this.warnOnce(
      `service.${this.config.name}: cannot check whether an earlier attempt already posted a message ` +
        `(${failure.code ?? 'error'}: ${failure.reason}${lookupHint(failure.code)}); posting again, which can ` +
        'repeat a message after a notifier crash (at least once instead of exactly once)',
    );
    return undefined;
  }

  /** A Web API read (GET, parameters in the query string, as Slack documents for the conversations.* reads). */
  private async read(
    method: string,
    params: Record<string, string>,
  ): Promise<{ ok: true; body: SlackPage } | SendFailure> {
    const url = `${this.config.apiURL}${method}?${new URLSearchParams(params).toString()}`;
    const res = await httpCall(
      this.fetch,
      url,
      { method: 'GET', headers: { authorization: `Bearer ${this.config.token}` } },
      this.timeoutMs,
    );
    if (isFailure(res)) return res;
    if (res.status < 200 || res.status >= 300) return httpFailure(res, safeHost(url));
    const answer = parseJsonAnswer<SlackPage & { ok?: boolean; error?: string; needed?: string }>(
      res,
      method,
    );
    if (!answer.ok) return answer;
    const parsed = answer.body;
    if (parsed.ok === true) return { ok: true, body: parsed };
    const code = parsed.error ?? 'unknown_error';
    return {
      ok: false,
      retryable: SLACK_TRANSIENT_ERRORS.has(code),
      status: res.status,
      code,
      reason: `slack ${method} failed: ${code}${parsed.needed ? ` (needs ${parsed.needed})` : ''}`,
      ...(code === 'ratelimited' || code === 'rate_limited' ? { retryAfterMs: DEFAULT_RETRY_AFTER_MS } : {}),
    };
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.log('warn', message);
  }

  private async sendToWebhook(
    message: SlackMessage,
    delivery: DeliveryAttempt | undefined,
  ): Promise<SendResult> {
    const url = this.config.webhookURL!;
    const body: Record<string, unknown> = { ...message };
    if (this.config.disableUnfurl) Object.assign(body, { unfurl_links: false, unfurl_media: false });
    // An incoming webhook has no history to look in: the id lets whatever reads the channel tell a repeat.
    const headers: Record<string, string> = delivery ? { [IDEMPOTENCY_KEY_HEADER]: delivery.deliveryId } : {};
    const res = await postJson(this.fetch, url, body, this.timeoutMs, headers);
    if (isFailure(res)) return res;
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, response: res.text };
    // Incoming webhooks answer errors as plain-text codes (`channel_not_found`, `no_service`, ...).
    const code = /^[a-z_]+$/.test(res.text.trim()) ? res.text.trim() : undefined;
    const failure = httpFailure(res, safeHost(url), code);
    if (code && SLACK_PERMANENT_ERRORS.has(code)) failure.retryable = false;
    return failure;
  }
}

function buildMessage(notification: RenderedNotification): SlackMessage | SendFailure {
  const message: SlackMessage = { text: notification.message };
  for (const field of ['attachments', 'blocks'] as const) {
    const raw = notification.slack?.[field];
    if (!raw || raw.trim() === '') continue;
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (!Array.isArray(parsed)) throw new Error('expected a JSON array');
      message[field] = parsed;
    } catch (err) {
      // Usually a template interpolating a value with quotes into JSON (argo-cd#8665): use toJson in the template.
      return {
        ok: false,
        retryable: false,
        code: `invalid_${field}_json`,
        reason: `slack.${field} is not a valid JSON array after rendering: ${(err as Error).message}`,
      };
    }
  }
  return message;
}

function lookupHint(code: string | undefined): string {
  switch (code) {
    case 'missing_scope':
      return '; give the bot token channels:history and groups:history, and channels:read and groups:read for channels named by name';
    case 'not_in_channel':
      return '; invite the bot to the channel';
    case 'channel_id_unknown':
      return '; name the channel by its ID (C...) in the subscription, or give the bot token channels:read and groups:read';
    default:
      return '';
  }
}

function slackHint(code: string): string {
  switch (code) {
    case 'not_in_channel':
      return ' (invite the bot to the channel)';
    case 'channel_not_found':
      return ' (check the channel name in the subscription, and that the bot can see it)';
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
      return ' (check the token in argocd-notifications-secret)';
    case 'missing_scope':
      return ' (the bot token needs the chat:write scope)';
    default:
      return '';
  }
}
