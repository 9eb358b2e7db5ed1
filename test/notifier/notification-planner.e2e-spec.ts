import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type ApplicationEvent,
  foldApplication,
  type RecordedApplicationEvent,
  type RecordedEvent,
} from '@berth/domain';
import { PostgresEventStore } from '@berth/event-store';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { type NotificationsConfig, parseNotificationsConfigOrThrow } from '@berth/notifications';
import { startSlackReceiver, type HttpReceiver } from '@berth/notifications/testing';
import { DeliverySender } from '../../apps/notifier/src/delivery.sender';
import { planNotifications, type PlannedDelivery } from '../../apps/notifier/src/notification.planner';
import { catalogConfig, manifest, REV } from './notifier.harness';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const SUBSCRIBED = {
  'notifications.argoproj.io/subscribe.on-sync-running.slack': 'ops',
  'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'ops',
  'notifications.argoproj.io/subscribe.on-deployed.slack': 'ops',
};

let position = 0n;
function rec(type: ApplicationEvent['type'], data: unknown, secondsAfterT0: number): RecordedEvent {
  position++;
  return {
    position,
    transactionId: position,
    streamId: 'application-web',
    streamVersion: Number(position),
    type,
    schemaVersion: 1,
    data,
    metadata: { actor: 'alice' },
    recordedAt: new Date(T0 + secondsAfterT0 * 1000),
  };
}

function syncOf(revision: string, at: number): RecordedEvent[] {
  const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
  return [
    rec(
      'RevisionResolved',
      {
        application: 'web',
        revision,
        previousRevision: null,
        targetRevision: 'HEAD',
        commit: {
          author: 'Alice <alice@example.com>',
          message: `release ${revision.slice(0, 7)}`,
          date: iso(at),
        },
      },
      at,
    ),
    rec(
      'SyncRequested',
      {
        application: 'web',
        operationId: `op-${revision}`,
        prune: false,
        dryRun: false,
        initiatedBy: { username: 'alice', automated: false },
      },
      at + 1,
    ),
    rec(
      'SyncOperationStarted',
      {
        application: 'web',
        operationId: `op-${revision}`,
        revision,
        planId: 'p',
        attempt: 1,
        dryRun: false,
        taskCount: 1,
      },
      at + 2,
    ),
    rec(
      'SyncOperationSucceeded',
      {
        application: 'web',
        operationId: `op-${revision}`,
        revision,
        message: 'ok',
        startedAt: iso(at + 2),
        finishedAt: iso(at + 10),
      },
      at + 10,
    ),
    rec(
      'SyncStatusChanged',
      { application: 'web', from: 'Unknown', to: 'Synced', revision, outOfSync: [] },
      at + 11,
    ),
    rec(
      'HealthStatusChanged',
      { application: 'web', from: 'Progressing', to: 'Healthy', unhealthy: [] },
      at + 20,
    ),
  ];
}

let db: TestDatabase;
let config: NotificationsConfig;

beforeAll(async () => {
  db = await createTestDatabase('berth_notifier_plan');
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.dataSource.query(`TRUNCATE notifier_app_state, notification_deliveries`);
});

async function plan(
  batches: RecordedEvent[][],
  now = T0 + 60_000,
  maxEventAgeMs = 3_600_000,
): Promise<PlannedDelivery[]> {
  const out: PlannedDelivery[] = [];
  for (const batch of batches) {
    const result = await db.dataSource.transaction((manager) =>
      planNotifications(batch, manager, { config: () => config, maxEventAgeMs, now: () => now }),
    );
    out.push(...result.inserted);
  }
  return out;
}

describe('planNotifications', () => {
  beforeAll(() => {
    config = parseNotificationsConfigOrThrow(
      catalogConfig({ 'service.slack': 'token: xoxb-literal\napiURL: http://127.0.0.1:9/api/\n' }),
    );
  });

  it('plans the same deliveries whatever the batch boundaries', async () => {
    const events = [
      rec(
        'ApplicationCreated',
        { application: 'web', project: 'default', manifest: manifest('web', SUBSCRIBED) },
        0,
      ),
      ...syncOf(REV, 5),
    ];
    const oneBatch = await plan([events]);
    await db.dataSource.query(`TRUNCATE notifier_app_state, notification_deliveries`);
    const eventByEvent = await plan(events.map((e) => [e]));
    const summary = (ds: PlannedDelivery[]) => ds.map((d) => `${d.trigger}@${d.eventPosition}:${d.id}`);
    expect(summary(oneBatch)).toEqual(summary(eventByEvent));
    expect(oneBatch.map((d) => d.trigger)).toEqual(['on-sync-running', 'on-sync-succeeded', 'on-deployed']);
    // Planned again (a replay after a crash before the checkpoint): nothing new.
    const state = await db.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM notification_deliveries`,
    );
    expect(state[0]?.n).toBe(3);
  });

  it('keeps state but sends nothing for events older than maxEventAgeMs, then notifies fresh ones', async () => {
    const created = rec(
      'ApplicationCreated',
      { application: 'web', project: 'default', manifest: manifest('web', SUBSCRIBED) },
      0,
    );
    const old = await plan([[created, ...syncOf(REV, 5)]], T0 + 2 * 3_600_000);
    expect(old).toEqual([]);
    const next = 'a'.repeat(40);
    const fresh = await plan([syncOf(next, 7200)], T0 + 7260 * 1000);
    // Only the new revision: the suppressed old one does not resurface. (Order across triggers of one event
    // follows the annotations' order in jsonb, so compare sorted.)
    // A running operation shows the revision it resolved to (syncResult.revision, as Argo CD sets it when
    // the sync starts), so on-sync-running's oncePer is that revision too.
    expect(fresh.map((d) => [d.trigger, d.oncePer ?? null]).sort()).toEqual([
      ['on-deployed', next],
      ['on-sync-running', next],
      ['on-sync-succeeded', next],
    ]);
  });

  it('a row written before the notifier kept the whole state is folded from the log when met again', async () => {
    const store = new PostgresEventStore(db.dataSource);
    const stored = async (events: RecordedEvent[]) => {
      const version = (await store.streamVersion('application-web')) ?? 0;
      const appended = await store.append(
        'application-web',
        version,
        events.map((e) => ({ type: e.type, schemaVersion: 1, data: e.data })),
        { actor: 'alice' },
      );
      return appended.events;
    };
    const created = rec(
      'ApplicationCreated',
      { application: 'web', project: 'default', manifest: manifest('web', SUBSCRIBED) },
      0,
    );
    const first = await stored([created, ...syncOf(REV, 5)]);
    await plan([first]);
    // As a row of the previous version: no state, only the position it was folded to.
    await db.dataSource.query(`UPDATE notifier_app_state SET state = NULL WHERE application = 'web'`);
    const next = 'b'.repeat(40);
    const second = await stored(syncOf(next, 60));
    const fresh = await plan([second]);
    expect(fresh.map((d) => d.trigger).sort()).toEqual([
      'on-deployed',
      'on-sync-running',
      'on-sync-succeeded',
    ]);
    const [row] = await db.dataSource.query<Array<{ state: unknown }>>(
      `SELECT state FROM notifier_app_state WHERE application = 'web'`,
    );
    const expected = foldApplication('web', [...first, ...second] as unknown as RecordedApplicationEvent[]);
    expect(row?.state).toEqual(JSON.parse(JSON.stringify(expected)));
    await db.dataSource
      .query(`DELETE FROM events WHERE stream_id = 'application-web'`)
      .catch(() => undefined);
  });

  it("delivers to the subscriptions on the app's AppProject too", async () => {
    await db.dataSource.query(`DELETE FROM projects`);
    await db.dataSource.query(`INSERT INTO projects (name, manifest) VALUES ('payments', $1::jsonb)`, [
      JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: {
          name: 'payments',
          annotations: { 'notifications.argoproj.io/subscribe.on-deployed.slack': 'payments-team' },
        },
        spec: {},
      }),
    ]);
    const created = rec(
      'ApplicationCreated',
      {
        application: 'web',
        project: 'payments',
        manifest: { ...manifest('web', {}), spec: { ...manifest('web', {}).spec, project: 'payments' } },
      },
      0,
    );
    const planned = await plan([[created, ...syncOf(REV, 5)]]);
    expect(planned.map((d) => [d.trigger, d.recipient])).toEqual([['on-deployed', 'payments-team']]);
    await db.dataSource.query(`DELETE FROM projects`);
  });
});

describe('DeliverySender', () => {
  let slack: HttpReceiver;
  beforeAll(async () => {
    slack = await startSlackReceiver();
  });
  afterAll(async () => {
    await slack?.close();
  });

  it('renders GetCommitMetadata from the commit recorded by RevisionResolved and records the oncePer value', async () => {
    config = parseNotificationsConfigOrThrow({
      'service.slack': `token: xoxb-literal\napiURL: ${slack.url}/api/\n`,
      'template.commit':
        'message: "{{ (call .repo.GetCommitMetadata .app.status.sync.revision).Author }} deployed {{ (call .repo.GetCommitMetadata .app.status.sync.revision).Message }}"',
      'trigger.on-sync-succeeded':
        "- when: app.status.operationState.phase in ['Succeeded']\n  send: [commit]\n  oncePer: app.status.sync.revision\n",
    });
    const events = [
      rec(
        'ApplicationCreated',
        {
          application: 'web',
          project: 'default',
          manifest: manifest('web', { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'ops' }),
        },
        0,
      ),
      ...syncOf(REV, 5),
    ];
    const planned = await plan([events]);
    expect(planned).toHaveLength(1);
    const sender = new DeliverySender(db.dataSource, {
      instanceId: 't',
      config: () => config,
      claimTimeoutMs: 60_000,
      maxAttempts: 3,
    });
    expect(await sender.process(planned[0]!.id)).toEqual({ kind: 'sent', service: 'slack' });
    expect((slack.requests.at(-1)!.json as { text: string }).text).toBe(
      'Alice <alice@example.com> deployed release 4f1e2d3',
    );
    // Sent already: a second job for the same row does nothing.
    expect((await sender.process(planned[0]!.id)).kind).toBe('skipped');
    expect(slack.requests).toHaveLength(1);
    // The delivered revision is in the trigger state: evaluating again plans nothing.
    const again = await plan([
      [
        rec(
          'HealthStatusChanged',
          { application: 'web', from: 'Healthy', to: 'Degraded', unhealthy: [] },
          60,
        ),
      ],
    ]);
    expect(again).toEqual([]);
  });
});
