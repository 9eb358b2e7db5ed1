import type { SendFailure } from './send-result';
import {
  deliveryIdOf,
  SLACK_LOOKUP_MARGIN_MS,
  SLACK_LOOKUP_MAX_PAGES,
  SLACK_LOOKUP_PAGE_SIZE,
} from './slack-delivery-metadata';
import type { SlackThreadRef } from './slack-thread-store';

/** A Slack Web API read: the parsed answer when `ok: true`, else a failure with Slack's `error` as `code`. */
export type SlackRead = (
  method: string,
  params: Record<string, string>,
) => Promise<{ ok: true; body: SlackPage } | SendFailure>;

export interface SlackPage {
  messages?: unknown[];
  channels?: Array<{ id?: unknown; name?: unknown }>;
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

export type SlackLookupResult =
  /** The earlier attempt's message is in the channel (or the thread). */
  | { kind: 'found'; channel: string; ts: string }
  /** Searched the whole window: it was never posted. */
  | { kind: 'absent' }
  /** Could not tell; `failure` says why (a missing scope, a rate limit, a channel name it cannot resolve). */
  | { kind: 'unknown'; failure: SendFailure };

/** Slack conversation IDs: public (C), private (G, or C on newer workspaces) channels and DMs (D). */
const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

/**
 * Finds the message an earlier attempt of a delivery posted, by the delivery id in its metadata
 * (`conversations.history` with `include_all_metadata=true`, and `conversations.replies` when the delivery
 * goes into a known thread), searching from a little before that attempt started. Channel names are
 * resolved to IDs with `conversations.list` (conversations.history takes IDs only) and remembered.
 * Scopes: channels:history, groups:history (and channels:read, groups:read for channel names).
 */
export class SlackDeliveryLookup {
  private readonly channelIds = new Map<string, string>();

  constructor(private readonly read: SlackRead) {}

  /** What chat.postMessage answered: `recipient` is channel `channelId`. */
  remember(recipient: string, channelId: string): void {
    this.channelIds.set(recipient.replace(/^#/, ''), channelId);
  }

  async find(
    recipient: string,
    deliveryId: string,
    since: Date,
    thread: SlackThreadRef | undefined,
  ): Promise<SlackLookupResult> {
    const oldest = ((since.getTime() - SLACK_LOOKUP_MARGIN_MS) / 1000).toFixed(6);
    if (thread) {
      const inThread = await this.search(
        'conversations.replies',
        { channel: thread.channel, ts: thread.ts },
        oldest,
        deliveryId,
      );
      if (inThread.kind !== 'absent') return inThread;
    }
    const channel = await this.channelIdOf(recipient);
    if (typeof channel !== 'string') return { kind: 'unknown', failure: channel };
    return this.search('conversations.history', { channel }, oldest, deliveryId);
  }

  private async search(
    method: 'conversations.history' | 'conversations.replies',
    where: Record<string, string>,
    oldest: string,
    deliveryId: string,
  ): Promise<SlackLookupResult> {
    let cursor: string | undefined;
    for (let page = 0; page < SLACK_LOOKUP_MAX_PAGES; page++) {
      const answer = await this.read(method, {
        ...where,
        oldest,
        inclusive: 'true',
        include_all_metadata: 'true',
        limit: String(SLACK_LOOKUP_PAGE_SIZE),
        ...(cursor ? { cursor } : {}),
      });
      if (!answer.ok) return { kind: 'unknown', failure: answer };
      for (const message of answer.body.messages ?? []) {
        if (deliveryIdOf(message) !== deliveryId) continue;
        const ts = (message as { ts?: unknown }).ts;
        return { kind: 'found', channel: where['channel']!, ts: typeof ts === 'string' ? ts : '' };
      }
      cursor = answer.body.response_metadata?.next_cursor || undefined;
      if (!answer.body.has_more || !cursor) return { kind: 'absent' };
    }
    return {
      kind: 'unknown',
      failure: {
        ok: false,
        retryable: false,
        code: 'history_too_long',
        reason: `more than ${SLACK_LOOKUP_MAX_PAGES * SLACK_LOOKUP_PAGE_SIZE} messages were posted since the earlier attempt`,
      },
    };
  }

  private async channelIdOf(recipient: string): Promise<string | SendFailure> {
    const name = recipient.replace(/^#/, '');
    if (CHANNEL_ID.test(name)) return name;
    const known = this.channelIds.get(name);
    if (known) return known;
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = await this.read('conversations.list', {
        types: 'public_channel,private_channel',
        exclude_archived: 'true',
        limit: '1000',
        ...(cursor ? { cursor } : {}),
      });
      if (!answer.ok) return answer;
      for (const c of answer.body.channels ?? [])
        if (typeof c.id === 'string' && typeof c.name === 'string') this.channelIds.set(c.name, c.id);
      const found = this.channelIds.get(name);
      if (found) return found;
      cursor = answer.body.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return {
      ok: false,
      retryable: false,
      code: 'channel_id_unknown',
      reason: `no channel named "${name}" in conversations.list`,
    };
  }
}
