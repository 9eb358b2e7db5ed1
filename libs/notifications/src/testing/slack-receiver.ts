import {
  type HttpReceiver,
  type RecordedRequest,
  type ScriptedResponse,
  startHttpReceiver,
} from './http-receiver';

export interface SlackReceiverOptions {
  /** When set, a different Bearer token gets `{ok:false, error:"invalid_auth"}` like Slack. */
  token?: string;
}

/**
 * A fake Slack: `POST /api/chat.postMessage` and `/api/chat.update` answer `{ok:true, channel, ts}` (channel
 * names become IDs `C<NAME>`, ts increase), `POST /services/...` (incoming webhook) answers `ok`.
 * Point `service.slack.apiURL` at `${url}/api/` and webhooks at `${url}/services/T/B/X`.
 */
export async function startSlackReceiver(options: SlackReceiverOptions = {}): Promise<HttpReceiver> {
  let counter = 0;
  const respond = (req: RecordedRequest): ScriptedResponse => {
    if (req.url.startsWith('/services/')) return { status: 200, body: 'ok' };
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      return { body: { ok: false, error: 'invalid_auth' } };
    }
    const body = (req.json ?? {}) as { channel?: string; ts?: string };
    const channel = body.channel ?? '';
    const channelId = /^[CGD][A-Z0-9]{6,}$/.test(channel)
      ? channel
      : `C${channel.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
    if (req.url === '/api/chat.update') return { body: { ok: true, channel: channelId, ts: body.ts } };
    if (req.url === '/api/chat.postMessage') {
      counter++;
      return {
        body: {
          ok: true,
          channel: channelId,
          ts: `1700000000.${String(counter).padStart(6, '0')}`,
          message: body,
        },
      };
    }
    return { status: 404, body: { ok: false, error: 'unknown_method' } };
  };
  return startHttpReceiver(respond);
}
