import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import type { DingTalkServiceConfig } from '../config/notifications-config.types';
import { type HttpReceiver, startDingTalkReceiver } from '../testing/index';
import { DingTalkService } from './dingtalk.service';

const NOW = 1_767_225_600_000;
const SECRET = 'SEC0123456789abcdef';

describe('DingTalkService', () => {
  let robot: HttpReceiver;
  let config: DingTalkServiceConfig;
  beforeAll(async () => {
    robot = await startDingTalkReceiver({ accessToken: 'tok', secret: SECRET, now: () => NOW });
    config = {
      type: 'dingtalk',
      name: 'dingtalk',
      webhookURL: `${robot.url}/robot/send?access_token=tok`,
      secret: SECRET,
      atMobiles: ['13800000000'],
    };
  });
  afterAll(() => robot.close());

  it('signs the request with timestamp + HMAC-SHA256 sign and sends markdown with @mentions', async () => {
    robot.requests.length = 0;
    const result = await new DingTalkService(config, { now: () => NOW }).send({
      message: 'unused',
      dingtalk: { msgType: 'markdown', title: 'guestbook synced', text: '### guestbook\n> revision abc' },
    });
    expect(result).toEqual({ ok: true, status: 200, response: { errcode: 0, errmsg: 'ok' } });
    const req = robot.requests[0]!;
    // Recompute the signature independently of the service code.
    const expectedSign = encodeURIComponent(
      createHmac('sha256', SECRET).update(`${NOW}\n${SECRET}`).digest('base64'),
    );
    expect(req.url).toBe(`/robot/send?access_token=tok&timestamp=${NOW}&sign=${expectedSign}`);
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req.json).toEqual({
      msgtype: 'markdown',
      markdown: { title: 'guestbook synced', text: '### guestbook\n> revision abc @13800000000' },
      at: { atMobiles: ['13800000000'], isAtAll: false },
    });
  });

  it('sends plain text by default, from the message', async () => {
    robot.requests.length = 0;
    await new DingTalkService({ ...config, atMobiles: undefined }, { now: () => NOW }).send({
      message: 'Application guestbook synced',
    });
    expect(robot.requests[0]!.json).toEqual({
      msgtype: 'text',
      text: { content: 'Application guestbook synced' },
      at: { atMobiles: [], isAtAll: false },
    });
  });

  it('sends an actionCard with buttons', async () => {
    robot.requests.length = 0;
    await new DingTalkService(config, { now: () => NOW }).send({
      message: 'Sync failed',
      dingtalk: {
        msgType: 'actionCard',
        title: 'Sync failed',
        btns: [{ title: 'Open', actionURL: 'https://argocd/applications/a' }],
        btnOrientation: '1',
      },
    });
    expect(robot.requests[0]!.json).toEqual({
      msgtype: 'actionCard',
      actionCard: {
        title: 'Sync failed',
        text: 'Sync failed',
        btnOrientation: '1',
        btns: [{ title: 'Open', actionURL: 'https://argocd/applications/a' }],
      },
    });
  });

  it('a wrong secret is rejected by DingTalk with 310000: permanent', async () => {
    const result = await new DingTalkService({ ...config, secret: 'SECwrong' }, { now: () => NOW }).send({
      message: 'x',
    });
    expect(result).toMatchObject({ ok: false, retryable: false, status: 200, code: '310000' });
    expect(result.ok ? '' : result.reason).toContain('sign not match');
    expect(result.ok ? '' : result.reason).not.toContain('SECwrong');
  });

  it('a stale timestamp is rejected with 310000', async () => {
    const result = await new DingTalkService(config, { now: () => NOW - 2 * 3_600_000 }).send({
      message: 'x',
    });
    expect(result).toMatchObject({ ok: false, retryable: false, code: '310000' });
  });

  it('errcode 130101 (send too fast) is retryable after a delay', async () => {
    robot.enqueue({ body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } });
    const result = await new DingTalkService(config, { now: () => NOW }).send({ message: 'x' });
    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 60_000, code: '130101' });
  });

  it('errcode 310000 keywords not in content is permanent', async () => {
    robot.enqueue({ body: { errcode: 310000, errmsg: 'keywords not in content' } });
    const result = await new DingTalkService(config, { now: () => NOW }).send({ message: 'x' });
    expect(result).toMatchObject({ ok: false, retryable: false, code: '310000' });
  });

  it('HTTP 5xx is retryable', async () => {
    robot.enqueue({ status: 502, body: 'bad gateway' });
    const result = await new DingTalkService(config, { now: () => NOW }).send({ message: 'x' });
    expect(result).toMatchObject({ ok: false, retryable: true, status: 502 });
  });
});
