import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SlackServiceConfig } from '../config/notifications-config.types';
import {
  type HttpReceiver,
  type SlackReceiver,
  startHttpReceiver,
  startSlackReceiver,
} from '../testing/index';
import { SLACK_LOOKUP_MARGIN_MS } from './slack-delivery-metadata';
import { InMemorySlackThreadStore } from './slack-thread-store';
import { SlackService } from './slack.service';

const ATTACHMENTS = '[{"title": "guestbook", "color": "#18be52"}]';

describe('SlackService with a bot token (chat.postMessage)', () => {
  let slack: HttpReceiver;
  let config: SlackServiceConfig;
  beforeAll(async () => {
    slack = await startSlackReceiver({ token: 'xoxb-good' });
    config = {
      type: 'slack',
      name: 'slack',
      token: 'xoxb-good',
      apiURL: `${slack.url}/api/`,
      username: 'berth',
      icon: ':rocket:',
    };
  });
  afterAll(() => slack.close());

  it('posts text, attachments and blocks with the bearer token', async () => {
    slack.requests.length = 0;
    const result = await new SlackService(config).send(
      { message: 'synced', slack: { attachments: ATTACHMENTS, blocks: '[{"type":"divider"}]' } },
      'deployments',
    );
    expect(result).toMatchObject({ ok: true, status: 200, response: { ok: true, channel: 'CDEPLOYMENTS' } });
    expect(slack.requests).toHaveLength(1);
    const req = slack.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/chat.postMessage');
    expect(req.headers.authorization).toBe('Bearer xoxb-good');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req.json).toEqual({
      channel: 'deployments',
      text: 'synced',
      attachments: [{ title: 'guestbook', color: '#18be52' }],
      blocks: [{ type: 'divider' }],
      username: 'berth',
      icon_emoji: ':rocket:',
    });
  });

  it('threads messages with the same groupingKey and broadcasts replies when asked', async () => {
    slack.requests.length = 0;
    const service = new SlackService({ ...config, username: undefined, icon: undefined });
    const first = await service.send(
      { message: 'v1 sync started', slack: { groupingKey: 'rev-1', notifyBroadcast: true } },
      'deployments',
    );
    const second = await service.send(
      { message: 'v1 synced', slack: { groupingKey: 'rev-1', notifyBroadcast: true } },
      'deployments',
    );
    const other = await service.send({ message: 'v2', slack: { groupingKey: 'rev-2' } }, 'deployments');
    expect([first.ok, second.ok, other.ok]).toEqual([true, true, true]);
    const parentTs = (first as { response: { ts: string } }).response.ts;
    expect(slack.requests.map((r) => r.json)).toEqual([
      { channel: 'deployments', text: 'v1 sync started' },
      { channel: 'deployments', text: 'v1 synced', thread_ts: parentTs, reply_broadcast: true },
      { channel: 'deployments', text: 'v2' },
    ]);
  });

  it('PostAndUpdate replies in the thread and updates the parent by channel ID; Update only updates', async () => {
    slack.requests.length = 0;
    const service = new SlackService(config);
    const slackFields = { groupingKey: 'app-1', deliveryPolicy: 'PostAndUpdate' as const };
    const first = await service.send({ message: 'Running', slack: slackFields }, '#ops');
    await service.send({ message: 'Succeeded', slack: slackFields }, '#ops');
    await service.send(
      { message: 'Healthy', slack: { groupingKey: 'app-1', deliveryPolicy: 'Update' } },
      '#ops',
    );
    const parentTs = (first as { response: { ts: string } }).response.ts;
    expect(
      slack.requests.map((r) => [
        r.url,
        (r.json as { channel: string }).channel,
        (r.json as { ts?: string }).ts,
        (r.json as { thread_ts?: string }).thread_ts,
      ]),
    ).toEqual([
      ['/api/chat.postMessage', '#ops', undefined, undefined],
      ['/api/chat.postMessage', '#ops', undefined, parentTs],
      ['/api/chat.update', 'COPS', parentTs, undefined],
      ['/api/chat.update', 'COPS', parentTs, undefined],
    ]);
    expect((slack.requests[3]!.json as { text: string }).text).toBe('Healthy');
  });

  it('returns HTTP 429 as retryable with Retry-After', async () => {
    slack.enqueue({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { ok: false, error: 'ratelimited' },
    });
    const result = await new SlackService(config).send({ message: 'x' }, 'deployments');
    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000, status: 429 });
  });

  const platformErrors: Array<[string, boolean]> = [
    ['channel_not_found', false],
    ['not_in_channel', false],
    ['invalid_blocks', false],
    ['account_inactive', false],
    ['ratelimited', true],
    ['internal_error', true],
  ];
  it.each(platformErrors)('treats ok:false error %s as retryable=%p', async (error, retryable) => {
    slack.enqueue({ body: { ok: false, error } });
    const result = await new SlackService(config).send({ message: 'x' }, 'deployments');
    expect(result).toMatchObject({ ok: false, retryable, code: error, status: 200 });
    expect(result.ok ? '' : result.reason).toContain(error);
  });

  it('a bad token is a permanent invalid_auth error', async () => {
    const result = await new SlackService({ ...config, token: 'xoxb-wrong' }).send(
      { message: 'x' },
      'deployments',
    );
    expect(result).toMatchObject({ ok: false, retryable: false, code: 'invalid_auth' });
  });

  it('rejects attachments that are not valid JSON after rendering, without calling Slack', async () => {
    slack.requests.length = 0;
    const result = await new SlackService(config).send(
      { message: 'x', slack: { attachments: '[{"value": "say "hi""}]' } },
      'deployments',
    );
    expect(result).toMatchObject({ ok: false, retryable: false, code: 'invalid_attachments_json' });
    expect(slack.requests).toHaveLength(0);
  });
});

describe('SlackService with an incoming webhook', () => {
  let slack: HttpReceiver;
  beforeAll(async () => {
    slack = await startSlackReceiver();
  });
  afterAll(() => slack.close());
  const service = (): SlackService =>
    new SlackService({
      type: 'slack',
      name: 'ops',
      webhookURL: `${slack.url}/services/T0/B0/SECRETPART`,
      apiURL: 'unused',
      disableUnfurl: true,
    });

  it('posts the message JSON and accepts the plain "ok" answer', async () => {
    slack.requests.length = 0;
    const result = await service().send({ message: 'deployed', slack: { attachments: ATTACHMENTS } }, '');
    expect(result).toEqual({ ok: true, status: 200, response: 'ok' });
    expect(slack.requests[0]!.url).toBe('/services/T0/B0/SECRETPART');
    expect(slack.requests[0]!.json).toEqual({
      text: 'deployed',
      attachments: [{ title: 'guestbook', color: '#18be52' }],
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  const cases: Array<[number, string, boolean]> = [
    [404, 'channel_not_found', false],
    [410, 'channel_is_archived', false],
    [403, 'action_prohibited', false],
    [500, 'rollup_error', true],
  ];
  it.each(cases)(
    'HTTP %i %s -> retryable=%p, and the reason hides the webhook path',
    async (status, code, retryable) => {
      slack.enqueue({ status, body: code });
      const result = await service().send({ message: 'x' }, '');
      expect(result).toMatchObject({ ok: false, status, code, retryable });
      expect(result.ok ? '' : result.reason).not.toContain('SECRETPART');
    },
  );

  it('a 429 carries Retry-After', async () => {
    slack.enqueue({ status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' });
    expect(await service().send({ message: 'x' }, '')).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 2000,
    });
  });
});

it('a connection failure is retryable and names only the host', async () => {
  const gone = await startHttpReceiver();
  const url = gone.url;
  await gone.close();
  const result = await new SlackService({
    type: 'slack',
    name: 's',
    webhookURL: `${url}/services/T/B/TOKEN`,
    apiURL: 'x',
  }).send({ message: 'x' }, '');
  expect(result).toMatchObject({ ok: false, retryable: true, code: 'request_failed' });
  expect(result.ok ? '' : result.reason).not.toContain('TOKEN');
});

describe('SlackService across a notifier crash: the delivery id in message metadata', () => {
  let slack: SlackReceiver;
  let config: SlackServiceConfig;
  beforeAll(async () => {
    slack = await startSlackReceiver({ token: 'xoxb-good' });
    config = { type: 'slack', name: 'slack', token: 'xoxb-good', apiURL: `${slack.url}/api/` };
  });
  afterAll(() => slack.close());

  const methods = () => slack.requests.map((r) => new URL(r.url, 'http://x').pathname.replace('/api/', ''));
  const metadata = (deliveryId: string) => ({
    event_type: 'berth_delivery',
    event_payload: { delivery_id: deliveryId },
  });

  it('posts the delivery id as message metadata', async () => {
    slack.requests.length = 0;
    await new SlackService(config).send({ message: 'synced' }, 'deploys', { deliveryId: 'd-meta' });
    expect(slack.requests[0]!.json).toEqual({
      channel: 'deploys',
      text: 'synced',
      metadata: metadata('d-meta'),
    });
  });

  it('finds the message a dead attempt posted in the channel history and posts nothing', async () => {
    const startedAt = new Date();
    // The first notifier posted, then died before it heard back (its service, its channel cache, are gone).
    await new SlackService(config).send({ message: 'synced' }, 'deploys', { deliveryId: 'd-found' });
    slack.requests.length = 0;
    const result = await new SlackService(config).send({ message: 'synced' }, 'deploys', {
      deliveryId: 'd-found',
      unconfirmedSince: startedAt,
    });
    expect(result).toMatchObject({ ok: true, alreadyDelivered: true, response: { channel: 'CDEPLOYS' } });
    // The name is resolved to an ID (conversations.history takes IDs), then the history is read with metadata.
    expect(methods()).toEqual(['conversations.list', 'conversations.history']);
    const history = new URL(slack.requests[1]!.url, 'http://x').searchParams;
    expect(Object.fromEntries(history)).toMatchObject({
      channel: 'CDEPLOYS',
      include_all_metadata: 'true',
      inclusive: 'true',
      oldest: ((startedAt.getTime() - SLACK_LOOKUP_MARGIN_MS) / 1000).toFixed(6),
    });
    expect(slack.messages.filter((m) => JSON.stringify(m.metadata).includes('d-found'))).toHaveLength(1);
  });

  it('posts when the earlier attempt never reached the channel', async () => {
    slack.requests.length = 0;
    const result = await new SlackService(config).send({ message: 'synced' }, 'C0DEPLOYS', {
      deliveryId: 'd-absent',
      unconfirmedSince: new Date(),
    });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.ok && result.alreadyDelivered).toBeFalsy();
    // A channel ID needs no conversations.list.
    expect(methods()).toEqual(['conversations.history', 'chat.postMessage']);
  });

  it('finds a reply in a thread it knows with conversations.replies', async () => {
    const threads = new InMemorySlackThreadStore(); // a notifier that posted the thread's first message
    const grouped = { message: 'v1', slack: { groupingKey: 'rev-1' } };
    await new SlackService(config, { threads }).send(grouped, 'C0THREADS', { deliveryId: 'd-parent' });
    const startedAt = new Date();
    await new SlackService(config, { threads }).send(grouped, 'C0THREADS', { deliveryId: 'd-reply' });
    slack.requests.length = 0;
    const result = await new SlackService(config, { threads }).send(grouped, 'C0THREADS', {
      deliveryId: 'd-reply',
      unconfirmedSince: startedAt,
    });
    expect(result).toMatchObject({ ok: true, alreadyDelivered: true });
    expect(methods()).toEqual(['conversations.replies']);
  });

  it('waits when Slack rate-limits the lookup, without posting', async () => {
    slack.requests.length = 0;
    slack.enqueue({
      status: 429,
      headers: { 'retry-after': '30' },
      body: { ok: false, error: 'ratelimited' },
    });
    const result = await new SlackService(config).send({ message: 'x' }, 'C0DEPLOYS', {
      deliveryId: 'd-limited',
      unconfirmedSince: new Date(),
    });
    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 30_000 });
    expect(methods()).toEqual(['conversations.history']);
  });
});

describe('SlackService when the bot token cannot read history', () => {
  let slack: SlackReceiver;
  beforeAll(async () => {
    slack = await startSlackReceiver({ token: 'xoxb-good', readError: 'missing_scope' });
  });
  afterAll(() => slack.close());

  it('posts again (at least once) and says why once', async () => {
    const warnings: string[] = [];
    const service = new SlackService(
      { type: 'slack', name: 'slack', token: 'xoxb-good', apiURL: `${slack.url}/api/` },
      { log: (_level, message) => warnings.push(message) },
    );
    for (const id of ['d-1', 'd-2'])
      expect(
        await service.send({ message: 'x' }, 'C0DEPLOYS', { deliveryId: id, unconfirmedSince: new Date() }),
      ).toMatchObject({ ok: true });
    expect(slack.messages).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/service\.slack: cannot check .* \(missing_scope: .*channels:history/);
  });
});

it('an incoming webhook request carries the delivery id in Idempotency-Key and in message metadata', async () => {
  const slack = await startSlackReceiver();
  try {
    await new SlackService({
      type: 'slack',
      name: 'ops',
      webhookURL: `${slack.url}/services/T0/B0/X`,
      apiURL: 'unused',
    }).send({ message: 'deployed' }, '', { deliveryId: 'd-hook' });
    const req = slack.requests[0]!;
    expect(req.headers['idempotency-key']).toBe('d-hook');
    expect(req.json).toEqual({
      text: 'deployed',
      metadata: { event_type: 'berth_delivery', event_payload: { delivery_id: 'd-hook' } },
    });
  } finally {
    await slack.close();
  }
});
