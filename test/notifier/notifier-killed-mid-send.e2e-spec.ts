import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@berth/event-store';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { QUEUE } from '@berth/queues';
import {
  type HttpReceiver,
  type SlackReceiver,
  startHttpReceiver,
  startSlackReceiver,
} from '@berth/notifications/testing';
import { eventually } from '@berth/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { assertBuilt } from '../e2e/built-entrypoints';
import { BerthProcess } from '../security/berth-process';
import { appendSuccessfulSync, catalogConfig, manifest, REDIS_URL, SECRETS } from './notifier.harness';

/**
 * Fault: a notifier process dies (kill -9, OOM kill, node lost) while a message is on its way: the receiver
 * has it, the notifier never heard back. Another notifier must finish the delivery within 15 s, and a Slack
 * channel (bot token) must hold the message once; a webhook receiver gets it again with the same
 * Idempotency-Key (at least once). See apps/notifier/README.md, "Delivery guarantee".
 */

const TAKEOVER_BOUND_MS = 15_000;

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  claimed_by: string | null;
}

let db: TestDatabase | undefined;
let dir: string | undefined;
const processes: BerthProcess[] = [];
const receivers: HttpReceiver[] = [];
let prefix = '';

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  for (const r of receivers.splice(0)) await r.close();
  if (prefix) {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE.notify, { connection: redis, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
  }
  await db?.drop();
  db = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Two notifier processes on one database and queue prefix, reading `configYaml`. */
async function twoNotifiers(configYaml: string): Promise<{ db: TestDatabase; store: PostgresEventStore }> {
  assertBuilt(['dist/apps/notifier/src/main.js']);
  db = await createTestDatabase('berth_notifier_kill');
  dir = mkdtempSync(join(tmpdir(), 'berth-notifier-kill-'));
  const configFile = join(dir, 'notifications.yaml');
  writeFileSync(configFile, configYaml);
  prefix = `ntf-kill-${randomBytes(4).toString('hex')}`;
  const env = {
    ...SECRETS,
    NOTIFICATIONS_CONFIG: configFile,
    REDIS_URL,
    BERTH_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'log',
  };
  // One after the other: the second binds no secret anew (the first did), so both load the same config.
  processes.push(await BerthProcess.start('notifier', env, db));
  processes.push(await BerthProcess.start('notifier', env, db));
  return { db, store: new PostgresEventStore(db.dataSource) };
}

async function rowOf(database: TestDatabase, application: string): Promise<DeliveryRow | undefined> {
  const rows: DeliveryRow[] = await database.dataSource.query(
    `SELECT id, status, attempts, claimed_by FROM notification_deliveries WHERE application = $1`,
    [application],
  );
  return rows[0];
}

/** Kills (SIGKILL) the notifier that holds the delivery's claim; returns when it was killed. */
async function killHolder(database: TestDatabase, application: string): Promise<number> {
  const row = await eventually(
    async () => {
      const r = await rowOf(database, application);
      expect(r).toMatchObject({ status: 'sending', attempts: 1 });
      return r!;
    },
    { what: 'the delivery to be claimed' },
  );
  const holder = processes.find((p) => row.claimed_by?.includes(`-${p.pid}-`));
  expect(holder).toBeDefined();
  holder!.kill();
  const killedAt = Date.now();
  await eventually(() => expect(holder!.exited).toBe('SIGKILL'), { what: 'the holder to die' });
  return killedAt;
}

describe('fault: a notifier process is killed with kill -9 while it sends', () => {
  it('Slack (bot token): another notifier records it sent within 15 s and the channel holds the message once', async () => {
    const slack: SlackReceiver = await startSlackReceiver({
      token: SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN,
    });
    receivers.push(slack);
    const { db: database, store } = await twoNotifiers(
      catalogConfig({
        'service.slack': `token: $slack-token\napiURL: ${slack.url}/api/\n`,
        context: 'argocdUrl: https://argocd.example.com\n',
      }),
    );
    // Slack posts the message; its answer never comes back to the notifier that sent it.
    slack.holdPosts(1);
    await appendSuccessfulSync(
      store,
      manifest('killed-slack', { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'deploys' }),
      new Date().toISOString(),
    );
    await eventually(() => expect(slack.messages).toHaveLength(1), {
      timeout: 20_000,
      what: 'the message to reach Slack',
    });
    const killedAt = await killHolder(database, 'killed-slack');

    const row = await eventually(
      async () => {
        const r = await rowOf(database, 'killed-slack');
        expect(r).toMatchObject({ status: 'sent', attempts: 2 });
        return r!;
      },
      { timeout: TAKEOVER_BOUND_MS, interval: 100, what: 'another notifier to finish the delivery' },
    );
    console.log(
      `notifier killed mid-send (Slack): delivery recorded sent ${Date.now() - killedAt} ms after the kill`,
    );
    // The survivor looked in the channel's history (with metadata) and found the message: it posted nothing.
    const history = slack.requests.filter((r) => r.url.startsWith('/api/conversations.history'));
    expect(history.length).toBeGreaterThanOrEqual(1);
    expect(new URL(history[0]!.url, 'http://x').searchParams.get('include_all_metadata')).toBe('true');
    expect(slack.requests.filter((r) => r.url === '/api/chat.postMessage')).toHaveLength(1);
    const forThisDelivery = slack.messages.filter(
      (m) =>
        JSON.stringify(m.metadata) ===
        JSON.stringify({ event_type: 'berth_delivery', event_payload: { delivery_id: row.id } }),
    );
    expect(forThisDelivery).toHaveLength(1);
  });

  it('generic webhook: another notifier sends it again within 15 s with the same Idempotency-Key', async () => {
    const hook = await startHttpReceiver();
    receivers.push(hook);
    const { db: database, store } = await twoNotifiers(
      catalogConfig({ 'service.webhook.receiver': `url: ${hook.url}/hooks\n` }),
    );
    hook.enqueue({ hold: true });
    await appendSuccessfulSync(
      store,
      manifest('killed-hook', { 'notifications.argoproj.io/subscribe.on-sync-succeeded.receiver': '' }),
      new Date().toISOString(),
    );
    await eventually(() => expect(hook.requests).toHaveLength(1), {
      timeout: 20_000,
      what: 'the request to reach the receiver',
    });
    const killedAt = await killHolder(database, 'killed-hook');

    const row = await eventually(
      async () => {
        const r = await rowOf(database, 'killed-hook');
        expect(r).toMatchObject({ status: 'sent', attempts: 2 });
        return r!;
      },
      { timeout: TAKEOVER_BOUND_MS, interval: 100, what: 'another notifier to finish the delivery' },
    );
    console.log(
      `notifier killed mid-send (webhook): delivery recorded sent ${Date.now() - killedAt} ms after the kill`,
    );
    // At least once: the receiver got it twice, and can tell the repeat by its key.
    expect(hook.requests.map((r) => r.headers['idempotency-key'])).toEqual([row.id, row.id]);
  });
});
