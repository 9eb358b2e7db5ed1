import { createHmac } from 'node:crypto';

/**
 * DingTalk robot signing ("加签"): sign = urlencode(base64(HMAC-SHA256(key = secret, timestamp + "\n" + secret))),
 * timestamp in epoch milliseconds. Returns the already URL-encoded sign.
 */
export function dingTalkSign(secret: string, timestampMs: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(digest);
}

/** Appends `timestamp` and `sign` to the robot URL. */
export function signDingTalkUrl(webhookURL: string, secret: string, timestampMs: number): string {
  const sep = webhookURL.includes('?') ? '&' : '?';
  return `${webhookURL}${sep}timestamp=${timestampMs}&sign=${dingTalkSign(secret, timestampMs)}`;
}
