import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { eventually } from '@berth/testing';
import type { NotifierRuntime } from '../../apps/notifier/src/notifier.runtime';
import { catalogConfig, createHarness, type Harness, type NotifierHttp } from '../notifier/notifier.harness';
import { type NotifierConfigAnswer, type NotifierConfigRefusal } from '../testing/api-answer';

const GOOD = {
  'service.webhook.audit': 'url: http://127.0.0.1:9/hook\n',
  'service.slack': 'token: $slack-token\n',
};

let harness: Harness | undefined;
let app: NestExpressApplication | undefined;
let http: NotifierHttp['http'] | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
  await harness?.close();
  harness = undefined;
});

async function start(outboundAllow?: string[]): Promise<{ h: Harness; runtime: NotifierRuntime }> {
  harness = await createHarness(catalogConfig(GOOD));
  const runtime = await harness.start(outboundAllow ? { outboundAllow } : {});
  ({ app, http } = await harness.httpApp(runtime));
  return { h: harness, runtime };
}

const put = (yaml: string) =>
  http!.put('/api/v1/notifications/config').set('Content-Type', 'application/yaml').send(yaml);

describe('SSRF through notification services: link-local and cloud metadata endpoints are refused', () => {
  it('SSRF: a webhook service pointed at 169.254.169.254 in a reloaded config file is refused, naming the service; the last good config stays', async () => {
    const { h, runtime } = await start();
    expect(runtime.config.status().status).toBe('ok');
    writeFileSync(
      h.configFile,
      catalogConfig({
        ...GOOD,
        'service.webhook.audit': 'url: http://169.254.169.254/latest/meta-data/iam/security-credentials/\n',
      }),
    );
    await eventually(() => expect(runtime.config.status().status).toBe('invalid'), {
      timeout: 10_000,
      what: 'the reload to be refused',
    });
    const { errors } = runtime.config.status();
    expect(errors).toEqual([
      {
        key: 'service.webhook.audit.url',
        message: expect.stringMatching(
          /connections to 169\.254\.169\.254 are refused .*link-local.*BERTH_OUTBOUND_ALLOW/,
        ),
      },
    ]);
    // The URL's path (where tokens live) is not echoed.
    expect(JSON.stringify(errors)).not.toContain('security-credentials');
    const audit = runtime.config.config?.services['audit'];
    expect(audit?.type === 'webhook' && audit.url).toBe('http://127.0.0.1:9/hook');
  });

  it('SSRF: PUT of a config whose Slack apiURL, DingTalk apiURL or webhook url is a metadata host in any spelling is refused 422, naming each service', async () => {
    await start();
    const res = await put(
      catalogConfig({
        'service.slack': 'token: $slack-token\napiURL: http://metadata.google.internal/computeMetadata/v1/\n',
        'service.dingtalk': 'accessToken: $dingtalk-token\napiURL: http://[fe80::a9fe:a9fe]/\n',
        'service.webhook.hex': 'url: http://0xa9fea9fe/latest/\n',
        'service.webhook.mapped': 'url: http://[::ffff:169.254.169.254]/\n',
        'service.webhook.alibaba': 'url: http://100.100.100.200/latest/meta-data/\n',
      }),
    );
    expect(res.status).toBe(422);
    const { errors } = res.body as NotifierConfigRefusal;
    const keys = errors.map((e) => e.key).sort();
    expect(keys).toEqual([
      'service.dingtalk.webhookURL',
      'service.slack.apiURL',
      'service.webhook.alibaba.url',
      'service.webhook.hex.url',
      'service.webhook.mapped.url',
    ]);
    for (const e of errors) expect(e.message).toMatch(/are refused/);
    // Nothing was stored: the notifier keeps sending with the config it had.
    const status = await http!.get('/api/v1/notifications/config');
    expect((status.body as NotifierConfigAnswer).databaseVersion).toBeNull();
  });

  it('SSRF: BERTH_OUTBOUND_ALLOW re-opens only what it names: an allowed link-local range is accepted, the metadata address next to it is still refused', async () => {
    await start(['169.254.10.0/24']);
    const allowed = await put(
      catalogConfig({ ...GOOD, 'service.webhook.audit': 'url: http://169.254.10.5/hook\n' }),
    );
    expect(allowed.status).toBe(200);
    const refused = await put(
      catalogConfig({ ...GOOD, 'service.webhook.audit': 'url: http://169.254.169.254/hook\n' }),
    );
    expect(refused.status).toBe(422);
    expect((refused.body as NotifierConfigRefusal).errors[0]?.key).toBe('service.webhook.audit.url');
  });
});
