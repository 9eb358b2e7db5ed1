import type { DingTalkServiceConfig } from '../config/notifications-config.types';
import { signDingTalkUrl } from './dingtalk-signature';
import { DEFAULT_TIMEOUT_MS, httpFailure, isFailure, parseJsonAnswer, postJson, safeHost } from './http-call';
import type { RenderedNotification } from './rendered-notification';
import type { FetchLike, HttpServiceOptions, SendResult } from './send-result';

/** errcode 130101 "send too fast, exceed 20 times per minute": DingTalk throttles the robot for a while. */
export const DINGTALK_RATE_LIMITED = 130101;
/** errcode 310000: keywords not in content / sign not match / invalid timestamp / ip not in whitelist. */
export const DINGTALK_SECURITY_REJECTED = 310000;
/** How long to wait after 130101 before trying the robot again. */
export const DINGTALK_THROTTLE_MS = 60_000;
const DINGTALK_SYSTEM_BUSY = -1;

export interface DingTalkServiceOptions extends HttpServiceOptions {
  /** Clock for the signature timestamp (epoch ms); DingTalk rejects timestamps more than 1 h off. */
  now?: () => number;
}

/** Sends to a DingTalk custom robot: text / markdown / actionCard, @mentions, HMAC signing, errcode checking. */
export class DingTalkService {
  private readonly fetch: FetchLike;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly config: DingTalkServiceConfig,
    options: DingTalkServiceOptions = {},
  ) {
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  /** The recipient is ignored: a robot posts to the one group it belongs to. */
  async send(notification: RenderedNotification, _recipient?: string): Promise<SendResult> {
    const body = buildDingTalkBody(this.config, notification);
    const url = this.config.secret
      ? signDingTalkUrl(this.config.webhookURL, this.config.secret, this.now())
      : this.config.webhookURL;
    const host = safeHost(url);
    const res = await postJson(this.fetch, url, body, this.timeoutMs);
    if (isFailure(res)) return res;
    if (res.status < 200 || res.status >= 300) return httpFailure(res, host);
    const answer = parseJsonAnswer<{ errcode?: number; errmsg?: string }>(res, host);
    if (!answer.ok) return answer;
    const parsed = answer.body;
    // DingTalk answers HTTP 200 even on failure: only errcode 0 is success.
    if (parsed.errcode === 0) return { ok: true, status: res.status, response: parsed };
    const errcode = parsed.errcode ?? -2;
    const errmsg = parsed.errmsg ?? 'no errmsg';
    if (errcode === DINGTALK_RATE_LIMITED) {
      return {
        ok: false,
        retryable: true,
        retryAfterMs: DINGTALK_THROTTLE_MS,
        status: res.status,
        code: String(errcode),
        reason: `dingtalk robot is rate limited: ${errmsg}`,
      };
    }
    const hint =
      errcode === DINGTALK_SECURITY_REJECTED
        ? ' (check the robot security settings: keyword in the message, signing secret, IP allow-list)'
        : '';
    return {
      ok: false,
      retryable: errcode === DINGTALK_SYSTEM_BUSY,
      status: res.status,
      code: String(errcode),
      reason: `dingtalk rejected the message: ${errcode} ${errmsg}${hint}`,
    };
  }
}

/** The robot request body for a rendered notification (exported for previews and tests). */
export function buildDingTalkBody(
  config: DingTalkServiceConfig,
  notification: RenderedNotification,
): Record<string, unknown> {
  const t = notification.dingtalk ?? {};
  const msgType = t.msgType ?? (t.title ? 'markdown' : 'text');
  let text = t.text ?? notification.message;
  const atMobiles = [...new Set([...(config.atMobiles ?? []), ...(t.atMobiles ?? [])])];
  const isAtAll = Boolean(t.isAtAll ?? config.isAtAll);
  // A mention only pings when `@<mobile>` also appears in the text.
  if (msgType !== 'actionCard') {
    const missing = atMobiles.filter((m) => !text.includes(`@${m}`));
    if (missing.length > 0)
      text = `${text}${text.endsWith('\n') || text === '' ? '' : ' '}${missing.map((m) => `@${m}`).join(' ')}`;
  }
  const title = t.title || firstLine(text);
  const at = { atMobiles, isAtAll };
  switch (msgType) {
    case 'markdown':
      return { msgtype: 'markdown', markdown: { title, text }, at };
    case 'actionCard': {
      const card: Record<string, unknown> = { title, text, btnOrientation: t.btnOrientation ?? '0' };
      if (t.btns && t.btns.length > 0) card.btns = t.btns;
      else Object.assign(card, { singleTitle: t.singleTitle ?? 'Open', singleURL: t.singleURL ?? '' });
      return { msgtype: 'actionCard', actionCard: card };
    }
    default:
      return { msgtype: 'text', text: { content: text }, at };
  }
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'Berth';
  return line
    .replace(/^#+\s*/, '')
    .trim()
    .slice(0, 64);
}
