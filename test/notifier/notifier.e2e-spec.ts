import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { applicationEvent, applicationStreamId } from '@berth/domain';
import { QUEUE } from '@berth/queues';
import { startDingTalkReceiver, startSlackReceiver, type HttpReceiver } from '@berth/notifications/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  appendSuccessfulSync,
  catalogConfig,
  createHarness,
  deliveryRows,
  type Harness,
  manifest,
  REDIS_URL,
  SECRETS,
  seedConfig,
  waitFor,
} from './notifier.harness';

const SUBSCRIBE_SLACK = { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'deploys' };

let harness: Harness | undefined;
const receivers: HttpReceiver[] = [];

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const r of receivers.splice(0)) await r.close();
});

async function slackSetup(): Promise<{ slack: HttpReceiver; h: Harness }> {
  const slack = await startSlackReceiver({ token: SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN });
  receivers.push(slack);
  harness = await createHarness(
    catalogConfig({
      'service.slack': `token: $slack-token\napiURL: ${slack.url}/api/\n`,
      context: 'argocdUrl: https://argocd.example.com\n',
    }),
  );
  return { slack, h: harness };
}

const posts = (r: HttpReceiver) => r.requests.filter((q) => q.url === '/api/chat.postMessage');

describe('notifier', () => {
  it('sends one Slack message with the catalog on-sync-succeeded text for a successful sync', async () => {
    const { slack, h } = await slackSetup();
    const notifier = await h.start();
    const finishedAt = new Date().toISOString();
    await appendSuccessfulSync(h.store, manifest('guestbook', SUBSCRIBE_SLACK), finishedAt);
    await waitFor('the Slack message', () => posts(slack).length === 1);
    const body = posts(slack)[0]!.json as {
      channel: string;
      text: string;
      attachments: Array<{ title: string }>;
    };
    expect(body.channel).toBe('deploys');
    expect(body.text).toBe(
      `:white_check_mark: Application guestbook has been successfully synced at ${finishedAt}.\n` +
        'Sync operation details are available at: https://argocd.example.com/applications/guestbook?operation=true .\n',
    );
    expect(body.attachments[0]!.title).toBe('guestbook');
    await waitFor('the row to be sent', async () => (await deliveryRows(h.db))[0]?.status === 'sent');

    // Later events of the same revision (a refresh, health changes) do not notify again (oncePer revision).
    await h.store.append(
      applicationStreamId('guestbook'),
      'any',
      [
        applicationEvent('HealthStatusChanged', {
          application: 'guestbook',
          from: 'Progressing',
          to: 'Healthy',
          unhealthy: [],
        }),
        applicationEvent('RefreshRequested', { application: 'guestbook', hard: false }),
      ],
      { actor: 'system:worker' },
    );
    await notifier.drain();
    await new Promise((r) => setTimeout(r, 200));
    expect(posts(slack)).toHaveLength(1);
    expect(await deliveryRows(h.db)).toHaveLength(1);
    const metrics = await notifier.metrics.registry.metrics();
    expect(metrics).toMatch(/berth_notifier_deliveries_total\{service="slack",outcome="sent"\} 1/);
  });

  it('sends the seed Chinese template to DingTalk with a valid signature', async () => {
    const dingtalk = await startDingTalkReceiver({
      accessToken: SECRETS.BERTH_NOTIFICATIONS_SECRET_DINGTALK_TOKEN,
      secret: SECRETS.BERTH_NOTIFICATIONS_SECRET_DINGTALK_SECRET,
    });
    receivers.push(dingtalk);
    harness = await createHarness(
      seedConfig({
        'service.dingtalk': `webhookURL: ${dingtalk.url}/robot/send?access_token=$dingtalk-token\nsecret: $dingtalk-secret\n`,
      }),
    );
    await harness.start();
    await appendSuccessfulSync(
      harness.store,
      manifest('payments', { 'notifications.argoproj.io/subscribe.on-sync-status.dingtalk': '' }),
      new Date().toISOString(),
    );
    await waitFor(
      'the DingTalk row to be sent',
      async () => (await deliveryRows(harness!.db))[0]?.status === 'sent',
    );
    expect(dingtalk.requests).toHaveLength(1);
    const req = dingtalk.requests[0]!;
    expect(new URL(req.url, 'http://x').searchParams.get('sign')).toBeTruthy();
    expect(JSON.stringify(req.json)).toContain('✅ 应用 payments 同步成功');
    // The receiver answers errcode 310000 when the signature is wrong; the row records the 200 + errcode 0 answer.
    expect((await deliveryRows(harness.db))[0]).toMatchObject({ attempts: 1, last_error: null });
  });

  it('waits for Retry-After after a 429 and then sends exactly one message', async () => {
    const { slack, h } = await slackSetup();
    slack.enqueue({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
    });
    await h.start();
    await appendSuccessfulSync(h.store, manifest('ratelimited', SUBSCRIBE_SLACK), new Date().toISOString());
    await waitFor('the rate-limited attempt', () => posts(slack).length === 1);
    const limitedAt = Date.now();
    await waitFor('the second attempt', () => posts(slack).length === 2, 15_000);
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(900); // Retry-After: 1 (s), not the 50 ms backoff
    await waitFor('the row to be sent', async () => (await deliveryRows(h.db))[0]?.status === 'sent', 15_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(posts(slack)).toHaveLength(2); // the 429 and one accepted message
    expect((await deliveryRows(h.db))[0]).toMatchObject({ attempts: 2, last_response_code: 200 });
  });

  it('marks a channel_not_found answer failed and does not retry it', async () => {
    const { slack, h } = await slackSetup();
    slack.enqueue({ body: { ok: false, error: 'channel_not_found' } });
    await h.start();
    await appendSuccessfulSync(h.store, manifest('nochannel', SUBSCRIBE_SLACK), new Date().toISOString());
    await waitFor('the row to fail', async () => (await deliveryRows(h.db))[0]?.status === 'failed');
    await new Promise((r) => setTimeout(r, 500)); // ten retry base delays: a retry would have happened
    expect(posts(slack)).toHaveLength(1);
    const row = (await deliveryRows(h.db))[0]!;
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('channel_not_found');
  });

  it('sends once after a restart between queueing and sending, even when Redis lost the job', async () => {
    const { slack, h } = await slackSetup();
    const planner = await h.start({ sendingEnabled: false });
    await appendSuccessfulSync(h.store, manifest('restarted', SUBSCRIBE_SLACK), new Date().toISOString());
    await planner.drain();
    expect((await deliveryRows(h.db)).map((r) => r.status)).toEqual(['queued']);
    await planner.stop();
    // Redis loses every job; Postgres still has the row.
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE.notify, { connection: redis, prefix: h.prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();

    await h.start();
    await waitFor('the row to be sent', async () => (await deliveryRows(h.db))[0]?.status === 'sent');
    expect(posts(slack)).toHaveLength(1);
  });

  it('duplicates a message when the process dies after the receiver accepted it but before recording it', async () => {
    const { slack, h } = await slackSetup();
    let crashed = false;
    const dying = await h.start({
      claimTimeoutMs: 300,
      afterSend: async () => {
        crashed = true;
        // Stands for SIGKILL here: the send happened, nothing after it runs.
        throw new Error('simulated crash between send and record');
      },
    });
    await appendSuccessfulSync(h.store, manifest('crashy', SUBSCRIBE_SLACK), new Date().toISOString());
    await waitFor('the first send', () => crashed && posts(slack).length === 1);
    await dying.stop();
    expect((await deliveryRows(h.db))[0]!.status).toBe('sending');

    await h.start({ claimTimeoutMs: 300, reconcileIntervalMs: 100 });
    await waitFor(
      'the re-send after the claim expired',
      async () => (await deliveryRows(h.db))[0]?.status === 'sent',
    );
    // At-least-once: Slack has no idempotency key for chat.postMessage, so the receiver got it twice.
    expect(posts(slack)).toHaveLength(2);
  });

  it('delivers each message once with two notifiers on the same database and Redis', async () => {
    const { slack, h } = await slackSetup();
    await Promise.all([h.start({ instanceId: 'a' }), h.start({ instanceId: 'b' })]);
    const apps = ['one', 'two', 'three', 'four'];
    await Promise.all(
      apps.map((a) => appendSuccessfulSync(h.store, manifest(a, SUBSCRIBE_SLACK), new Date().toISOString())),
    );
    await waitFor(
      'all rows sent',
      async () => {
        const rows = await deliveryRows(h.db);
        return rows.length === apps.length && rows.every((r) => r.status === 'sent');
      },
      20_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    const texts = posts(slack).map((p) => (p.json as { text: string }).text.match(/Application (\w+)/)![1]);
    expect(texts.sort()).toEqual([...apps].sort());
  });

  it('keeps the last good config when a reload is bad and names the bad key', async () => {
    const { slack, h } = await slackSetup();
    const notifier = await h.start();
    const good = notifier.config.config;
    expect(notifier.config.status()).toMatchObject({ status: 'ok', origin: 'file', source: h.configFile });
    writeFileSync(
      h.configFile,
      catalogConfig({
        'service.slack': 'token: $slack-token\n',
        'trigger.on-sync-succeeded':
          "- when: app.status.operationState.phase in ['Succeeded'\n  send: [app-sync-succeeded]\n",
      }),
    );
    await waitFor('the reload to be rejected', () => notifier.config.status().status === 'invalid');
    const status = notifier.config.status();
    expect(status.errors.map((e) => e.key)).toContain('trigger.on-sync-succeeded[0].when');
    expect(status.source).toBe(h.configFile);
    expect(notifier.config.config).toBe(good);

    // Fixing the file is picked up without a restart. (The token stays bound to the receiver's host:
    // dropping apiURL would send it to slack.com, which the secret binding refuses.)
    writeFileSync(
      h.configFile,
      catalogConfig({
        'service.slack': `token: $slack-token\napiURL: ${slack.url}/api/\n`,
        context: 'argocdUrl: https://cd.example.org\n',
      }),
    );
    await waitFor('the fixed config to load', () => notifier.config.status().status === 'ok');
    expect(notifier.config.config?.context).toEqual({ argocdUrl: 'https://cd.example.org' });
    expect(notifier.config.status().errors).toEqual([]);
  });

  it('finishes a send in flight before stop() returns (graceful shutdown)', async () => {
    const { slack, h } = await slackSetup();
    let sending = false;
    const notifier = await h.start({
      afterSend: async () => {
        sending = true;
        await new Promise((r) => setTimeout(r, 300));
      },
    });
    await appendSuccessfulSync(h.store, manifest('graceful', SUBSCRIBE_SLACK), new Date().toISOString());
    await waitFor('the send to start', () => sending);
    await notifier.stop();
    expect((await deliveryRows(h.db))[0]!.status).toBe('sent');
    expect(posts(slack)).toHaveLength(1);
  });
});
