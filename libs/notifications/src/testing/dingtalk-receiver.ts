import { createHmac } from 'node:crypto';
import {
  type HttpReceiver,
  type RecordedRequest,
  type ScriptedResponse,
  startHttpReceiver,
} from './http-receiver';

export interface DingTalkReceiverOptions {
  accessToken?: string;
  /** When set, requests must carry a valid timestamp+sign, else errcode 310000 "sign not match". */
  secret?: string;
  /** Clock for the 1-hour timestamp check. */
  now?: () => number;
}

/**
 * A fake DingTalk robot at `POST /robot/send`: checks access_token and (optionally) the signature, answers
 * `{errcode:0, errmsg:"ok"}` with HTTP 200 — and HTTP 200 with an errcode on failure, like DingTalk.
 */
export async function startDingTalkReceiver(options: DingTalkReceiverOptions = {}): Promise<HttpReceiver> {
  const now = options.now ?? Date.now;
  const respond = (req: RecordedRequest): ScriptedResponse => {
    const url = new URL(req.url, 'http://receiver');
    if (url.pathname !== '/robot/send') return { status: 404, body: 'not found' };
    if (options.accessToken !== undefined && url.searchParams.get('access_token') !== options.accessToken) {
      return { body: { errcode: 300001, errmsg: 'token is not exist' } };
    }
    if (options.secret !== undefined) {
      const timestamp = url.searchParams.get('timestamp') ?? '';
      if (!/^\d+$/.test(timestamp) || Math.abs(now() - Number(timestamp)) > 3_600_000) {
        return { body: { errcode: 310000, errmsg: 'invalid timestamp' } };
      }
      // URLSearchParams decodes the sign; compare with the raw base64 HMAC.
      const expected = createHmac('sha256', options.secret)
        .update(`${timestamp}\n${options.secret}`)
        .digest('base64');
      if (url.searchParams.get('sign') !== expected)
        return { body: { errcode: 310000, errmsg: 'sign not match' } };
    }
    return { body: { errcode: 0, errmsg: 'ok' } };
  };
  return startHttpReceiver(respond);
}
