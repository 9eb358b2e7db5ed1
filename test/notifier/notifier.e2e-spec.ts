import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { applicationEvent, applicationStreamId } from '@berth/domain';
import { QUEUE } from '@berth/queues';
import { startDingTalkReceiver, startSlackReceiver, type HttpReceiver } from '@berth/notifications/testing';
import { eventually, watchJobs } from '@berth/testing';
import { DeliverySender } from '../../apps/notifier/src/delivery.sender';
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
  waitUntilPlanned,
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
const firstRow = async (h: Harness) => (await deliveryRows(h.db))[0];

describe('notifier', () => {
  it('sends one Slack message with the catalog on-sync-succeeded text for a successful sync', async () => {
    const { slack, h } = await slackSetup();
    const notifier = await h.start();
    const finishedAt = new Date().toISOString();
    await appendSuccessfulSync(h.store, manifest('guestbook', SUBSCRIBE_SLACK), finishedAt);
    await eventually(() => expect(posts(slack)).toHaveLength(1), {
      timeout: 10_000,
      what: 'the Slack message',
    });
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
    await eventually(async () => expect(await firstRow(h)).toMatchObject({ status: 'sent' }), {
      timeout: 10_000,
      what: 'the row to be sent',
    });

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
    // The notifier has planned these events (its checkpoint is past them) and queued nothing for them.
    await waitUntilPlanned(notifier, h.db);
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
    await eventually(async () => expect(await firstRow(harness!)).toMatchObject({ status: 'sent' }), {
      timeout: 10_000,
      what: 'the DingTalk row to be sent',
    });
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
    const notifier = await h.start();
    const jobs = await watchJobs(notifier.queue.queue);
    await appendSuccessfulSync(h.store, manifest('ratelimited', SUBSCRIBE_SLACK), new Date().toISOString());
    await eventually(() => expect(posts(slack)).toHaveLength(1), {
      timeout: 10_000,
      what: 'the rate-limited attempt',
    });
    const limitedAt = Date.now();
    // Retry-After is real time here: the delayed job is Redis's, and the receiver is a real HTTP server.
    await eventually(() => expect(posts(slack)).toHaveLength(2), {
      timeout: 15_000,
      what: 'the second attempt',
    });
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(900); // Retry-After: 1 (s), not the 50 ms backoff
    const row = (await firstRow(h))!;
    // The delivery's job is finished: no attempt is left to come.
    await jobs.awaitJob((j) => j.id === row.id, { timeout: 15_000, what: 'the delivery job to complete' });
    await jobs.close();
    expect(posts(slack)).toHaveLength(2); // the 429 and one accepted message
    expect((await deliveryRows(h.db))[0]).toMatchObject({ attempts: 2, last_response_code: 200 });
  });

  it('marks a channel_not_found answer failed and does not retry it', async () => {
    const { slack, h } = await slackSetup();
    slack.enqueue({ body: { ok: false, error: 'channel_not_found' } });
    const notifier = await h.start();
    const jobs = await watchJobs(notifier.queue.queue);
    await appendSuccessfulSync(h.store, manifest('nochannel', SUBSCRIBE_SLACK), new Date().toISOString());
    await eventually(async () => expect(await firstRow(h)).toMatchObject({ status: 'failed' }), {
      timeout: 10_000,
      what: 'the row to fail',
    });
    // Its job completed (a job to be retried would be put back, not finished): no attempt is left to come.
    const failedId = (await firstRow(h))!.id;
    const job = await jobs.awaitJob((j) => j.id === failedId, { what: 'the delivery job to finish' });
    await jobs.close();
    expect(job.outcome).toBe('completed');
    expect(posts(slack)).toHaveLength(1);
    const row = (await deliveryRows(h.db))[0]!;
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('channel_not_found');
  });

  it('sends once after a restart between queueing and sending, even when Redis lost the job', async () => {
    const { slack, h } = await slackSetup();
    const planner = await h.start({ sendingEnabled: false });
    await appendSuccessfulSync(h.store, manifest('restarted', SUBSCRIBE_SLACK), new Date().toISOString());
    // drain() alone can return before the events are readable (see waitUntilPlanned).
    await waitUntilPlanned(planner, h.db);
    expect((await deliveryRows(h.db)).map((r) => r.status)).toEqual(['queued']);
    await planner.stop();
    // Redis loses every job; Postgres still has the row.
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE.notify, { connection: redis, prefix: h.prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();

    await h.start();
    await eventually(async () => expect(await firstRow(h)).toMatchObject({ status: 'sent' }), {
      timeout: 10_000,
      what: 'the row to be sent',
    });
    expect(posts(slack)).toHaveLength(1);
  });

  it('does not post again when the sender dies after Slack accepted the message but before recording it', async () => {
    const { slack, h } = await slackSetup();
    let crashes = 0;
    const notifier = await h.start({
      claimTimeoutMs: 300,
      afterSend: async () => {
        // Stands for SIGKILL here, once: the send happened, nothing after it runs and the claim is no longer
        // renewed. (test/notifier/notifier-killed-mid-send.e2e-spec.ts kills a real process.)
        if (crashes++ === 0) throw new Error('simulated crash between send and record');
      },
    });
    await appendSuccessfulSync(h.store, manifest('crashy', SUBSCRIBE_SLACK), new Date().toISOString());
    await eventually(async () => expect(await firstRow(h)).toMatchObject({ status: 'sent', attempts: 2 }), {
      timeout: 10_000,
      what: 'the delivery to be taken over and recorded sent',
    });
    expect(crashes).toBe(2);
    // The second attempt found the first one's message in the channel history by its delivery id.
    expect(posts(slack)).toHaveLength(1);
    const row = (await firstRow(h))!;
    expect(posts(slack)[0]!.json).toMatchObject({
      metadata: { event_type: 'berth_delivery', event_payload: { delivery_id: row.id } },
    });
    expect(slack.requests.filter((r) => r.url.startsWith('/api/conversations.history'))).toHaveLength(1);
    const metrics = await notifier.metrics.registry.metrics();
    expect(metrics).toMatch(
      /berth_notifier_deliveries_total\{service="slack",outcome="already_delivered"\} 1/,
    );
  });

  it('keeps the claim of a send slower than the claim timeout: another notifier does not send it too', async () => {
    const { slack, h } = await slackSetup();
    const claimTimeoutMs = 300;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let sending = false;
    await h.start({
      claimTimeoutMs,
      afterSend: async () => {
        sending = true;
        await released; // a receiver that takes long to answer
      },
    });
    await appendSuccessfulSync(h.store, manifest('slow', SUBSCRIBE_SLACK), new Date().toISOString());
    await eventually(() => expect(sending).toBe(true), { timeout: 10_000, what: 'the send to start' });
    const claimedAt = async () =>
      (
        await h.db.dataSource.query<Array<{ claimed_at: Date }>>(
          `SELECT claimed_at FROM notification_deliveries`,
        )
      )[0]!.claimed_at.getTime();
    const first = await claimedAt();
    // The claim is renewed while the send runs: well past the timeout it is still fresh.
    await eventually(async () => expect(await claimedAt()).toBeGreaterThan(first + 2 * claimTimeoutMs), {
      what: 'the claim to be renewed past the claim timeout',
    });
    const other = new DeliverySender(h.db.dataSource, {
      instanceId: 'other',
      config: () => h.notifiers[0]!.config.config,
      claimTimeoutMs,
      maxAttempts: 8,
    });
    const row = (await firstRow(h))!;
    expect(await other.process(row.id)).toMatchObject({ kind: 'busy' });
    release();
    await eventually(async () => expect(await firstRow(h)).toMatchObject({ status: 'sent', attempts: 1 }), {
      what: 'the slow send to be recorded',
    });
    expect(posts(slack)).toHaveLength(1);
  });

  it('delivers each message once with two notifiers on the same database and Redis', async () => {
    const { slack, h } = await slackSetup();
    const [a] = await Promise.all([h.start({ instanceId: 'a' }), h.start({ instanceId: 'b' })]);
    const jobs = await watchJobs(a.queue.queue);
    const apps = ['one', 'two', 'three', 'four'];
    await Promise.all(
      apps.map((a) => appendSuccessfulSync(h.store, manifest(a, SUBSCRIBE_SLACK), new Date().toISOString())),
    );
    const rows = await eventually(
      async () => {
        const rows = await deliveryRows(h.db);
        expect(rows.map((r) => `${r.application}:${r.status}`).sort()).toEqual(
          apps.map((a) => `${a}:sent`).sort(),
        );
        return rows;
      },
      { timeout: 20_000, what: 'all rows sent' },
    );
    // Every delivery's job is finished (one job per row: jobId = delivery id), on whichever notifier ran it.
    await Promise.all(
      rows.map((row) => jobs.awaitJob((j) => j.id === row.id, { what: `the job of ${row.application}` })),
    );
    await jobs.close();
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
    await eventually(() => expect(notifier.config.status().status).toBe('invalid'), {
      timeout: 10_000,
      what: 'the reload to be rejected',
    });
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
    await eventually(() => expect(notifier.config.status().status).toBe('ok'), {
      timeout: 10_000,
      what: 'the fixed config to load',
    });
    expect(notifier.config.config?.context).toEqual({ argocdUrl: 'https://cd.example.org' });
    expect(notifier.config.status().errors).toEqual([]);
  });

  it('finishes a send in flight before stop() returns (graceful shutdown)', async () => {
    const { slack, h } = await slackSetup();
    let sending = false;
    const notifier = await h.start({
      afterSend: async () => {
        sending = true;
        // A send that takes a while: stop() is called inside this window and must outlast it. Time is the
        // subject (no signal tells "stop() would have returned by now" apart from "stop() is waiting").
        await new Promise((r) => setTimeout(r, 300));
      },
    });
    await appendSuccessfulSync(h.store, manifest('graceful', SUBSCRIBE_SLACK), new Date().toISOString());
    await eventually(() => expect(sending).toBe(true), { timeout: 10_000, what: 'the send to start' });
    await notifier.stop();
    expect((await deliveryRows(h.db))[0]!.status).toBe('sent');
    expect(posts(slack)).toHaveLength(1);
  });
});
