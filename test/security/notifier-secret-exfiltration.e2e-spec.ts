import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startHttpReceiver, startSlackReceiver, type HttpReceiver } from '@berth/notifications/testing';
import { eventually } from '@berth/testing';
import { envSecretLookup } from '../../apps/notifier/src/notification-secret.store';
import type { NotifierRuntime } from '../../apps/notifier/src/notifier.runtime';
import {
  appendSuccessfulSync,
  catalogConfig,
  createHarness,
  type Harness,
  manifest,
  SECRETS,
} from '../notifier/notifier.harness';
import {
  type NotifierConfigAnswer,
  type NotifierConfigRefusal,
  type NotifierConfigStored,
} from '../testing/api-answer';

const TOKEN = SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN;

let harness: Harness | undefined;
const receivers: HttpReceiver[] = [];
const apps: NestExpressApplication[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await harness?.close();
  harness = undefined;
  for (const r of receivers.splice(0)) await r.close();
});

interface Setup {
  h: Harness;
  slack: HttpReceiver;
  attacker: HttpReceiver;
  slackService: string;
  hostOf(r: HttpReceiver): string;
}

/** A notifier whose operator bound $slack-token to the (local) Slack; an attacker's endpoint beside it. */
async function setup(): Promise<Setup> {
  const slack = await startSlackReceiver({ token: TOKEN });
  const attacker = await startHttpReceiver();
  receivers.push(slack, attacker);
  const slackService = `token: $slack-token\napiURL: ${slack.url}/api/\n`;
  harness = await createHarness(catalogConfig({ 'service.slack': slackService }));
  return { h: harness, slack, attacker, slackService, hostOf: (r) => new URL(r.url).host };
}

async function http(runtime: NotifierRuntime) {
  const { app, http } = await harness!.httpApp(runtime);
  apps.push(app);
  return http;
}

const sawToken = (r: HttpReceiver) => r.requests.some((q) => JSON.stringify(q).includes(TOKEN));

describe('secret exfiltration: a config editor cannot send a service secret to a host of their own', () => {
  it('secret exfiltration: a reloaded config with a webhook service carrying $slack-token to another host is refused, naming the service, the secret and both hosts; the last good config keeps delivering', async () => {
    const { h, slack, attacker, slackService, hostOf } = await setup();
    const notifier = await h.start();
    const good = notifier.config.config;
    writeFileSync(
      h.configFile,
      catalogConfig({
        'service.slack': slackService,
        'service.webhook.collector': `url: ${attacker.url}/collect\nheaders:\n- name: Authorization\n  value: Bearer $slack-token\n`,
        subscriptions: '- recipients: [collector]\n  triggers: [on-sync-succeeded]\n',
      }),
    );
    await eventually(() => expect(notifier.config.status().status).toBe('invalid'), {
      timeout: 10_000,
      what: 'the reload to be refused',
    });
    const { errors } = notifier.config.status();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.key).toBe('service.webhook.collector');
    expect(errors[0]!.message).toContain(`would send secret $slack-token to ${hostOf(attacker)}`);
    expect(errors[0]!.message).toContain(`is bound to ${hostOf(slack)}`);
    expect(JSON.stringify(errors)).not.toContain(TOKEN);
    expect(notifier.config.config).toBe(good);

    await appendSuccessfulSync(
      h.store,
      manifest('guestbook', { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'deploys' }),
      new Date().toISOString(),
    );
    await eventually(() => expect(slack.requests.map((q) => q.url)).toContain('/api/chat.postMessage'), {
      timeout: 10_000,
      what: 'the Slack message',
    });
    expect(attacker.requests).toEqual([]);
  });

  it("secret exfiltration: PUT of a config pointing the Slack service's apiURL at another host is refused 422 and stores nothing", async () => {
    const { h, attacker, hostOf } = await setup();
    const api = await http(await h.start());
    const res = await api
      .put('/api/v1/notifications/config')
      .set('Content-Type', 'application/yaml')
      .send(catalogConfig({ 'service.slack': `token: $slack-token\napiURL: ${attacker.url}/api/\n` }));
    expect(res.status).toBe(422);
    expect((res.body as NotifierConfigRefusal).errors).toEqual([
      {
        key: 'service.slack',
        message: expect.stringContaining(`would send secret $slack-token to ${hostOf(attacker)}`),
      },
    ]);
    expect(
      ((await api.get('/api/v1/notifications/config')).body as NotifierConfigAnswer).databaseVersion,
    ).toBeNull();
    expect(sawToken(attacker)).toBe(false);
  });

  it('secret exfiltration: a restart does not bless a refused config file; only a new secret value re-binds it', async () => {
    const { h, attacker, hostOf } = await setup();
    const first = await h.start();
    await first.stop();
    const stolen = catalogConfig({ 'service.slack': `token: $slack-token\napiURL: ${attacker.url}/api/\n` });
    writeFileSync(h.configFile, stolen);
    // Same secret, new process: the binding is in Postgres, the file is still refused.
    const restarted = await h.start();
    expect(restarted.config.status()).toMatchObject({ status: 'invalid' });
    expect(restarted.config.status().errors[0]!.message).toContain(hostOf(attacker));
    expect(restarted.config.config).toBeUndefined();
    await restarted.stop();
    // The operator rotates the secret (a new value is "providing the secret"): it binds to the config it loads.
    const rotated = await h.start({
      secrets: envSecretLookup({ ...SECRETS, BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN: 'xoxb-rotated' }),
    });
    expect(rotated.config.status()).toMatchObject({ status: 'ok', source: h.configFile });
  });

  it('secret exfiltration: a PUT may move a secret only when it comes with the secret; a wrong value is refused, and replicas agree on the new binding', async () => {
    const { h, attacker } = await setup();
    const notifier = await h.start();
    const replica = await h.start();
    const api = await http(notifier);
    const moved = catalogConfig({ 'service.slack': `token: $slack-token\napiURL: ${attacker.url}/api/\n` });
    const put = (secret?: string) => {
      const req = api.put('/api/v1/notifications/config').set('Content-Type', 'application/yaml');
      if (secret) req.set('X-Berth-Notifications-Secret', secret);
      return req.send(moved);
    };
    const guessed = await put('slack-token=xoxb-guess');
    expect(guessed.status).toBe(422);
    expect((guessed.body as NotifierConfigRefusal).errors[0]).toEqual({
      key: 'X-Berth-Notifications-Secret',
      message: "the value sent for $slack-token is not the notifier's secret slack-token: nothing was stored",
    });
    expect(JSON.stringify(guessed.body)).not.toContain('xoxb-guess');
    // Whoever holds the secret may send it where they like: the binding moves with the change.
    const withSecret = await put(`slack-token=${TOKEN}`);
    expect(withSecret.status).toBe(200);
    expect(notifier.config.status()).toMatchObject({ status: 'ok', origin: 'database' });
    await replica.reconcile();
    expect(replica.config.status()).toMatchObject({
      status: 'ok',
      source: `database version ${(withSecret.body as NotifierConfigStored).version}`,
    });
  });
});
