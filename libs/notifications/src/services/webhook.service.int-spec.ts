import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { WebhookServiceConfig } from '../config/notifications-config.types';
import { type HttpReceiver, startHttpReceiver } from '../testing/index';
import { WebhookService, joinUrl } from './webhook.service';

describe('WebhookService', () => {
  let hook: HttpReceiver;
  let config: WebhookServiceConfig;
  beforeAll(async () => {
    hook = await startHttpReceiver(() => ({ status: 201, body: '{"id":1}' }));
    config = {
      type: 'webhook',
      name: 'github',
      url: `${hook.url}/api/`,
      headers: [{ name: 'X-Token', value: 't0k' }],
      basicAuth: { username: 'bot', password: 'pw' },
    };
  });
  afterAll(() => hook.close());

  it('sends the method, path, body, headers and basic auth of the template section for this service', async () => {
    hook.requests.length = 0;
    const result = await new WebhookService(config).send({
      message: 'fallback',
      webhook: {
        github: { method: 'POST', path: '/repos/acme/app/statuses/abc', body: '{"state":"success"}' },
        other: { method: 'PUT' },
      },
    });
    expect(result).toEqual({ ok: true, status: 201, response: '{"id":1}' });
    const req = hook.requests[0]!;
    expect([req.method, req.url, req.body]).toEqual([
      'POST',
      '/api/repos/acme/app/statuses/abc',
      '{"state":"success"}',
    ]);
    expect(req.headers['x-token']).toBe('t0k');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('bot:pw').toString('base64')}`);
  });

  it('defaults to GET on the service URL without a template section', async () => {
    hook.requests.length = 0;
    await new WebhookService(config).send({ message: 'hello' });
    expect([hook.requests[0]!.method, hook.requests[0]!.url, hook.requests[0]!.body]).toEqual([
      'GET',
      '/api/',
      '',
    ]);
  });

  it('POST without body sends the message', async () => {
    hook.requests.length = 0;
    await new WebhookService(config).send({ message: 'hello', webhook: { github: { method: 'POST' } } });
    expect(hook.requests[0]!.body).toBe('hello');
  });

  it('sends the delivery id as Idempotency-Key on every attempt, over a configured header of that name', async () => {
    hook.requests.length = 0;
    const service = new WebhookService({
      ...config,
      headers: [...config.headers, { name: 'idempotency-key', value: 'fixed' }],
    });
    for (let attempt = 0; attempt < 2; attempt++)
      await service.send({ message: 'x', webhook: { github: { method: 'POST' } } }, '', {
        deliveryId: 'd-42',
      });
    expect(hook.requests.map((r) => r.headers['idempotency-key'])).toEqual(['d-42', 'd-42']);
  });

  const failures: Array<[number, Record<string, string>, boolean, number | undefined]> = [
    [404, {}, false, undefined],
    [400, {}, false, undefined],
    [503, {}, true, undefined],
    [429, { 'retry-after': '3' }, true, 3000],
  ];
  it.each(failures)('HTTP %i -> retryable=%p', async (status, headers, retryable, retryAfterMs) => {
    hook.enqueue({ status, headers, body: 'nope' });
    const result = await new WebhookService(config).send({
      message: 'x',
      webhook: { github: { method: 'POST' } },
    });
    expect(result).toMatchObject({
      ok: false,
      status,
      retryable,
      reason: expect.stringContaining(`error code ${status}: nope`),
    });
    if (retryAfterMs !== undefined) expect(result).toMatchObject({ retryAfterMs });
  });
});

it.each([
  ['https://x/api/', '/a/b', 'https://x/api/a/b'],
  ['https://x/api', 'a', 'https://x/api/a'],
])('joinUrl(%s, %s) = %s', (base, path, expected) => {
  expect(joinUrl(base, path)).toBe(expected);
});
