import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  applicationEvent,
  applicationStreamId,
  type ApplicationEvent,
  type ApplicationManifest,
} from '@berth/domain';
import { createDataSource, PostgresEventStore } from '@berth/event-store';
import { startHttpReceiver } from '@berth/notifications/testing';
import type { ScenarioOutcome } from '../bench-report';
import { mapConcurrent, summarize } from '../latency-stats';
import { createMigratedDatabase, dropDatabase } from '../stack/bench-database';
import { LIMIT } from './limits.scenario';
import { type ScenarioContext, waitUntil } from './scenario-context';

const SLACK_TOKEN = 'xoxb-bench-not-a-real-token';
const REVISION = 'b'.repeat(40);

/** Argo CD Notifications config: one Slack message per successful sync, text = the app's name. */
export function benchNotificationsConfig(slackApiUrl: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-notifications-cm', namespace: 'argocd' },
    data: {
      'service.slack': `token: $slack-token\napiURL: ${slackApiUrl}\n`,
      'template.app-sync-succeeded': 'message: "{{.app.metadata.name}}"\n',
      'trigger.on-sync-succeeded': stringify([
        {
          when: "app.status.operationState.phase in ['Succeeded']",
          oncePer: 'app.status.sync.revision',
          send: ['app-sync-succeeded'],
        },
      ]),
    },
  });
}

/**
 * A burst of sync-succeeded events through the real notifier process to a local Slack: latency from
 * the event's commit (recorded_at) to the message arriving.
 */
export async function runNotifier(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const started = Date.now();
  const burst = ctx.options.notifyBurst;
  const received = new Map<string, number>();
  const slack = await startHttpReceiver((req) => {
    const text = (req.json as { text?: string } | undefined)?.text?.trim();
    if (req.url === '/api/chat.postMessage' && text && !received.has(text)) received.set(text, Date.now());
    return { body: { ok: true, channel: 'CBENCH', ts: `${Date.now() / 1000}` } };
  });
  const dbName = `berth_bench_notify_${ctx.runId}`;
  const url = await createMigratedDatabase(dbName, { recreate: true });
  const ds = createDataSource(url, { poolSize: 10, applicationName: 'berth-bench' });
  await ds.initialize();
  try {
    const store = new PostgresEventStore(ds);
    const names = Array.from({ length: burst }, (_, i) => `notify-${String(i).padStart(5, '0')}`);
    ctx.progress.begin('notifier: preparing apps', burst);
    let prepared = 0;
    await mapConcurrent(names, 8, async (name) => {
      const stream = applicationStreamId(name);
      const ev = <E extends ApplicationEvent>(type: E['type'], data: E['data']) =>
        applicationEvent<E>(type, data);
      await store.append(
        stream,
        'no_stream',
        [ev('ApplicationCreated', { application: name, project: 'default', manifest: manifest(name) })],
        {
          actor: 'system:bench',
        },
      );
      await store.append(
        stream,
        'any',
        [
          ev('RevisionResolved', {
            application: name,
            revision: REVISION,
            previousRevision: null,
            targetRevision: 'HEAD',
            commit: {
              author: 'Bench <bench@berth.invalid>',
              message: 'bench',
              date: new Date().toISOString(),
            },
          }),
          ev('SyncRequested', {
            application: name,
            operationId: 'op1',
            prune: false,
            dryRun: false,
            initiatedBy: { username: 'bench', automated: false },
          }),
          ev('SyncOperationStarted', {
            application: name,
            operationId: 'op1',
            revision: REVISION,
            planId: 'plan',
            attempt: 1,
            dryRun: false,
            taskCount: 1,
          }),
        ],
        { actor: 'system:worker' },
      );
      ctx.progress.update(++prepared);
    });
    const configFile = join(ctx.workDir, 'notifications.yaml');
    await writeFile(configFile, benchNotificationsConfig(`${slack.url}/api/`));
    await ctx.stack.startNotifier(configFile, {
      DATABASE_URL: url,
      BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN: SLACK_TOKEN,
      BERTH_QUEUE_PREFIX: `berth-bench-${ctx.runId}-notify`,
    });
    const timeoutMs = ctx.options.timeoutSeconds * 1000;
    ctx.progress.begin('notifier: catching up', 1);
    await waitUntil(
      'the notifier to read the prepared apps',
      async () => {
        // The checkpoint is (transaction_id, position): commit order, not position order.
        const [row] = await ds.query<Array<{ ok: boolean }>>(
          `SELECT NOT EXISTS (
             SELECT 1 FROM events e, subscription_checkpoints c
             WHERE c.subscription = 'notifier' AND (e.transaction_id, e.position) > (c.transaction_id, c.position)
           ) AND EXISTS (SELECT 1 FROM subscription_checkpoints WHERE subscription = 'notifier') AS ok`,
        );
        return row?.ok === true;
      },
      timeoutMs,
    );
    const committed = new Map<string, number>();
    ctx.progress.begin('notifier: burst -> Slack', burst);
    const t0 = Date.now();
    await mapConcurrent(names, 8, async (name) => {
      const result = await store.append(
        applicationStreamId(name),
        'any',
        [
          applicationEvent('SyncOperationSucceeded', {
            application: name,
            operationId: 'op1',
            revision: REVISION,
            message: 'successfully synced (all tasks run)',
            startedAt: new Date().toISOString(),
            finishedAt: new Date().toISOString(),
          }),
          applicationEvent('SyncStatusChanged', {
            application: name,
            from: 'OutOfSync',
            to: 'Synced',
            revision: REVISION,
            outOfSync: [],
          }),
        ],
        { actor: 'system:worker' },
      );
      committed.set(name, result.events[0]!.recordedAt.getTime());
    });
    const appendSeconds = (Date.now() - t0) / 1000;
    await waitUntil(
      `${burst} Slack messages`,
      async () => {
        ctx.progress.update(received.size);
        return received.size >= burst;
      },
      timeoutMs,
      100,
    );
    const allSeconds = (Math.max(...received.values()) - t0) / 1000;
    ctx.progress.end();
    const latencies = names.map((n) => received.get(n)! - committed.get(n)!);
    const s = summarize(latencies);
    // Where the time goes: the planner (event -> delivery row) or the queue and sender (row -> Slack).
    const rows: Array<{ application: string; created_at: Date }> = await ds.query(
      `SELECT application, min(created_at) AS created_at FROM notification_deliveries GROUP BY application`,
    );
    const planned = new Map(rows.map((r) => [r.application, r.created_at.getTime()]));
    const planning = summarize(
      names.filter((n) => planned.has(n)).map((n) => planned.get(n)! - committed.get(n)!),
    );
    const sending = summarize(
      names.filter((n) => planned.has(n)).map((n) => received.get(n)! - planned.get(n)!),
    );
    const peakRss = ctx.stack.notifier?.peakRssBytes ?? 0;
    return {
      scenario: 'notifier',
      status: 'ok',
      seconds: (Date.now() - started) / 1000,
      figures: [
        { scenario: 'notifier', name: `event -> Slack, burst of ${burst}`, value: s.p50, unit: 'ms p50' },
        { scenario: 'notifier', name: `event -> Slack, burst of ${burst}`, value: s.p95, unit: 'ms p95' },
        {
          scenario: 'notifier',
          name: 'of which event -> delivery planned',
          value: planning.p50,
          unit: 'ms p50',
        },
        { scenario: 'notifier', name: 'of which planned -> Slack', value: sending.p50, unit: 'ms p50' },
        {
          scenario: 'notifier',
          name: 'notifications delivered',
          value: burst / allSeconds,
          unit: 'msg/s',
          limit: LIMIT.bullmqRate,
          compare: 'rate',
          note: 'one BullMQ job each; a channel per app',
        },
      ],
      details: {
        latency: s,
        planning,
        sending,
        appendSeconds,
        deliverSeconds: allSeconds,
        peakRssBytes: peakRss,
      },
    };
  } finally {
    await ctx.stack.stopNotifier();
    await slack.close();
    await ds.destroy();
    await dropDatabase(dbName);
  }
}

function manifest(name: string): ApplicationManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      // A channel per app: Berth holds each Slack channel to ~1 msg/s as Slack does, and this measures
      // the pipeline, not that deliberate limit.
      annotations: { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': `${name}-deploys` },
    },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/acme/bench.git', path: name, targetRevision: 'HEAD' },
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
    },
  };
}
