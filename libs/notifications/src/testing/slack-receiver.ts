import {
  type HttpReceiver,
  type RecordedRequest,
  type ScriptedResponse,
  startHttpReceiver,
} from './http-receiver';

export interface SlackReceiverOptions {
  /** When set, a different Bearer token gets `{ok:false, error:"invalid_auth"}` like Slack. */
  token?: string;
  /**
   * When set, conversations.history / .replies / .list answer `{ok:false, error}` with it, like a bot token
   * without the scope (`missing_scope`).
   */
  readError?: string;
}

/** A message the fake Slack posted: what conversations.history serves. */
export interface SlackReceivedMessage {
  /** Channel ID (`C<NAME>` for a channel given by name). */
  channel: string;
  ts: string;
  text: unknown;
  thread_ts?: string;
  reply_broadcast?: boolean;
  metadata?: unknown;
}

export interface SlackReceiver extends HttpReceiver {
  /** Every message posted through chat.postMessage, in order (also those whose answer was held). */
  readonly messages: SlackReceivedMessage[];
  /**
   * The next `count` chat.postMessage requests are posted (they show in the history) but never answered: the
   * sender is left waiting, as when Slack posted a message and the sender died before it heard so.
   */
  holdPosts(count: number): void;
}

/** Slack conversation IDs: the receiver treats anything else as a channel name. */
const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

/**
 * A fake Slack: `POST /api/chat.postMessage` and `/api/chat.update` answer `{ok:true, channel, ts}` (channel
 * names become IDs `C<NAME>`, ts increase), `POST /services/...` (incoming webhook) answers `ok`. Reads serve
 * what was posted: `conversations.history` (top-level messages and broadcast replies, newest first, `oldest` /
 * `latest` / `inclusive` / `limit` / `cursor`; metadata only with `include_all_metadata=true`, as Slack documents),
 * `conversations.replies` (a thread) and `conversations.list` (every channel posted to by name).
 * Point `service.slack.apiURL` at `${url}/api/` and webhooks at `${url}/services/T/B/X`.
 */
export async function startSlackReceiver(options: SlackReceiverOptions = {}): Promise<SlackReceiver> {
  let lastTs = 0;
  let holding = 0;
  const messages: SlackReceivedMessage[] = [];
  const names = new Map<string, string>();
  const channelIdOf = (channel: string): string => {
    if (CHANNEL_ID.test(channel)) return channel;
    const id = `C${channel.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
    names.set(channel.replace(/^#/, ''), id);
    return id;
  };
  const respond = (req: RecordedRequest): ScriptedResponse => {
    if (req.url.startsWith('/services/')) return { status: 200, body: 'ok' };
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      return { body: { ok: false, error: 'invalid_auth' } };
    }
    const url = new URL(req.url, 'http://slack');
    const method = url.pathname.replace(/^\/api\//, '');
    if (method.startsWith('conversations.')) {
      if (options.readError !== undefined) return { body: { ok: false, error: options.readError } };
      return { body: read(method, readParams(req, url)) };
    }
    const body = (req.json ?? {}) as Record<string, unknown> & { channel?: string; ts?: string };
    const channelId = channelIdOf(body.channel ?? '');
    if (method === 'chat.update') return { body: { ok: true, channel: channelId, ts: body.ts } };
    if (method === 'chat.postMessage') {
      // Slack's ts: the posting time in seconds with microseconds, unique in a channel and increasing.
      lastTs = Math.max(Math.round(Date.now() * 1000), lastTs + 1);
      const ts = `${Math.floor(lastTs / 1_000_000)}.${String(lastTs % 1_000_000).padStart(6, '0')}`;
      messages.push({
        channel: channelId,
        ts,
        text: body['text'],
        ...(typeof body['thread_ts'] === 'string' ? { thread_ts: body['thread_ts'] } : {}),
        ...(body['reply_broadcast'] === true ? { reply_broadcast: true } : {}),
        ...(body['metadata'] !== undefined ? { metadata: body['metadata'] } : {}),
      });
      if (holding > 0) {
        holding--;
        return { hold: true };
      }
      return { body: { ok: true, channel: channelId, ts, message: body } };
    }
    return { status: 404, body: { ok: false, error: 'unknown_method' } };
  };

  const read = (method: string, p: URLSearchParams): object => {
    if (method === 'conversations.list') {
      return {
        ok: true,
        channels: [...names].map(([name, id]) => ({ id, name, is_channel: true })),
        response_metadata: { next_cursor: '' },
      };
    }
    const channel = p.get('channel') ?? '';
    if (!CHANNEL_ID.test(channel)) return { ok: false, error: 'channel_not_found' };
    const inclusive = p.get('inclusive') === 'true' || p.get('inclusive') === '1';
    const oldest = Number(p.get('oldest') ?? '0');
    const latest = Number(p.get('latest') ?? 'Infinity');
    const within = (ts: string) =>
      inclusive ? Number(ts) >= oldest && Number(ts) <= latest : Number(ts) > oldest && Number(ts) < latest;
    let found: SlackReceivedMessage[];
    if (method === 'conversations.history') {
      found = messages
        .filter((m) => m.channel === channel && (m.thread_ts === undefined || m.reply_broadcast))
        .reverse();
    } else if (method === 'conversations.replies') {
      const parent = p.get('ts') ?? '';
      found = messages.filter((m) => m.channel === channel && (m.ts === parent || m.thread_ts === parent));
    } else {
      return { ok: false, error: 'unknown_method' };
    }
    found = found.filter((m) => within(m.ts));
    const start = Number(p.get('cursor') || '0');
    const limit = Number(p.get('limit') ?? '100');
    const page = found.slice(start, start + limit);
    const more = start + limit < found.length;
    const withMetadata = p.get('include_all_metadata') === 'true' || p.get('include_all_metadata') === '1';
    return {
      ok: true,
      messages: page.map(({ channel: _channel, metadata, ...m }) => ({
        type: 'message',
        ...m,
        ...(withMetadata && metadata !== undefined ? { metadata } : {}),
      })),
      has_more: more,
      response_metadata: { next_cursor: more ? String(start + limit) : '' },
    };
  };

  const receiver = await startHttpReceiver(respond);
  return Object.assign(receiver, {
    messages,
    holdPosts: (count: number) => {
      holding += count;
    },
  });
}

/** Web API arguments: the query string (GET), or a form or JSON body (POST). */
function readParams(req: RecordedRequest, url: URL): URLSearchParams {
  const params = new URLSearchParams(url.search);
  if (req.json && typeof req.json === 'object')
    for (const [k, v] of Object.entries(req.json as Record<string, unknown>)) params.set(k, String(v));
  else if (req.body) for (const [k, v] of new URLSearchParams(req.body)) params.set(k, v);
  return params;
}
