import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@berth/event-store';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { type SlackReceiver, startSlackReceiver } from '@berth/notifications/testing';
import { eventually } from '@berth/testing';
import { Redis } from 'ioredis';
import { BerthProcess } from '../security/berth-process';
import { appendSuccessfulSync, catalogConfig, manifest, REDIS_URL, SECRETS } from './notifier.harness';

interface LogRecord {
  level: string;
  message: unknown;
  process?: string;
  application?: string;
  correlationId?: string;
  actor?: string;
}

/**
 * LOG_FORMAT=json on the compiled notifier (issue #17 item 8): every line is one JSON object, and the line
 * of each delivery names the app, the delivery as correlation id and the notifier as actor, so an operator
 * can follow one message from the event that caused it to the receiver's answer. No secret on any line.
 */
describe('notifier structured logs (LOG_FORMAT=json)', () => {
  let db: TestDatabase;
  let dir: string;
  let slack: SlackReceiver;
  let notifier: BerthProcess;
  const prefix = `ntf-json-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase('berth_notifier_json');
    dir = mkdtempSync(join(tmpdir(), 'berth-notifier-json-'));
    slack = await startSlackReceiver({ token: SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN });
    const configFile = join(dir, 'notifications.yaml');
    writeFileSync(
      configFile,
      catalogConfig({
        'service.slack': `token: $slack-token\napiURL: ${slack.url}/api/\n`,
        context: 'argocdUrl: https://argocd.example.com\n',
      }),
    );
    notifier = await BerthProcess.start(
      'notifier',
      {
        ...SECRETS,
        NOTIFICATIONS_CONFIG: configFile,
        REDIS_URL,
        BERTH_QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'log',
        LOG_FORMAT: 'json',
      },
      db,
    );
  }, 60_000);

  afterAll(async () => {
    notifier?.kill();
    await slack?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const records = (): LogRecord[] =>
    notifier.output
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as LogRecord;
        } catch {
          throw new Error(`not a JSON log line: ${line}\n${notifier.output}`);
        }
      });

  it("a delivery's line names the app, the delivery and the notifier; no line carries the Slack token", async () => {
    await appendSuccessfulSync(
      new PostgresEventStore(db.dataSource),
      manifest('json-logs', { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'deploys' }),
      new Date().toISOString(),
    );
    await eventually(() => expect(slack.messages).toHaveLength(1), {
      timeout: 20_000,
      what: 'the message to reach Slack',
    });
    const [row] = await db.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM notification_deliveries WHERE application = 'json-logs'`,
    );
    await eventually(
      () =>
        expect(records()).toContainEqual(
          expect.objectContaining({
            level: 'log',
            process: 'notifier',
            application: 'json-logs',
            correlationId: `delivery:${row!.id}`,
            actor: 'system:notifier',
            message: `delivery ${row!.id} (on-sync-succeeded → slack/deploys, attempt 1): sent`,
          }),
        ),
      { timeout: 10_000, what: "the delivery's log line" },
    );
    // Lines not about an app (start-up) carry none.
    expect(records().find((l) => String(l.message).includes('listening'))).not.toHaveProperty('application');
    expect(notifier.output).not.toContain(SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN);
  }, 60_000);
});
