import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSlackReceiver, type HttpReceiver } from '@berth/notifications/testing';
import { eventually } from '@berth/testing';
import {
  appendSuccessfulSync,
  catalogConfig,
  createHarness,
  deliveryRows,
  type Harness,
  type NotifierHttp,
  manifest,
  SECRETS,
} from '../notifier/notifier.harness';

const WHEN_SYNCED = "- when: app.status.operationState.phase in ['Succeeded']\n";

// Both bombs end on the code before the render budget (9 million silent iterations; a regular expression
// that backtracks for seconds), so the test can run there and show the event loop blocked.
const CONFIG = {
  'template.loop-bomb':
    'message: "{{ range until 3000 }}{{ range until 3000 }}{{ end }}{{ end }}loop done"\n',
  // Go's RE2 runs this in linear time; a backtracking JS engine needs seconds: one step, only wall time stops it.
  'template.regex-bomb': `message: '{{ regexMatch "^(a+)+$" "${'a'.repeat(27)}b" }}'\n`,
  'trigger.on-loop-bomb': `${WHEN_SYNCED}  send: [loop-bomb]\n`,
  'trigger.on-regex-bomb': `${WHEN_SYNCED}  send: [regex-bomb]\n`,
};

describe('template bomb: an operator template cannot stop the notifier', () => {
  let harness: Harness;
  let slack: HttpReceiver;
  let app: NestExpressApplication;
  let adminHttp: NotifierHttp['http'];

  beforeAll(async () => {
    slack = await startSlackReceiver({ token: SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN });
    harness = await createHarness(
      catalogConfig({
        'service.slack': `token: $slack-token\napiURL: ${slack.url}/api/\n`,
        context: 'argocdUrl: https://argocd.example.com\n',
        ...CONFIG,
      }),
    );
    const runtime = await harness.start({
      // The step budget sits well below what the wall-time budget allows, so the loop bomb always ends on
      // steps: with 1,000,000 steps a loaded machine (the regex bomb spinning the other core) sometimes
      // hit the 1 s wall time first (1 run in 6).
      renderBudget: { timeoutMs: 1_000, maxSteps: 200_000, maxOutputChars: 1_048_576 },
    });
    ({ app, http: adminHttp } = await harness.httpApp(runtime));
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
    await slack?.close();
  });

  it('template bomb: nested range/until and a backtracking regexMatch fail their deliveries with a clear error, while /healthz answers and other deliveries go out', async () => {
    const http = adminHttp;
    const latencies: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const started = Date.now();
        const res = await http.get('/healthz');
        latencies.push(res.status === 200 ? Date.now() - started : Infinity);
        // A liveness probe every 20 ms, as a kubelet would (faster): the sampling rate, time is the subject.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const now = new Date().toISOString();
    // Each app posts to its own channel: the Slack rate limit (1/s per channel) does not delay them.
    await appendSuccessfulSync(
      harness.store,
      manifest('regex-bomb', { 'notifications.argoproj.io/subscribe.on-regex-bomb.slack': 'bombs-a' }),
      now,
    );
    await appendSuccessfulSync(
      harness.store,
      manifest('loop-bomb', { 'notifications.argoproj.io/subscribe.on-loop-bomb.slack': 'bombs-b' }),
      now,
    );
    await appendSuccessfulSync(
      harness.store,
      manifest('fine', { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'deploys' }),
      now,
    );
    try {
      await eventually(
        async () => {
          const rows = await deliveryRows(harness.db);
          expect(rows).toHaveLength(3);
          for (const row of rows) expect(['sent', 'failed']).toContain(row.status);
        },
        { timeout: 40_000, interval: 25, what: 'the three deliveries to settle' },
      );
    } finally {
      probing = false;
      await probe;
    }
    const rows = await deliveryRows(harness.db);
    const of = (application: string) => rows.find((r) => r.application === application)!;
    expect(of('loop-bomb')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(of('loop-bomb').last_error).toMatch(
      /^template\.loop-bomb\.message: .*render budget exceeded: more than 200000 steps .*BERTH_NOTIFICATIONS_RENDER_MAX_STEPS/,
    );
    expect(of('regex-bomb')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(of('regex-bomb').last_error).toMatch(
      /^template\.regex-bomb: render stopped after 1000 ms.*BERTH_NOTIFICATIONS_RENDER_TIMEOUT_MS/,
    );
    expect(of('fine').status).toBe('sent');
    const posted = slack.requests.filter((r) => r.url === '/api/chat.postMessage');
    expect(posted.map((r) => (r.json as { channel: string }).channel)).toEqual(['deploys']);
    // The main thread never waited on a template: liveness answered all along, promptly.
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies)).toBeLessThan(750);
    // And the process is still whole: a later delivery renders on a fresh render thread.
    await appendSuccessfulSync(
      harness.store,
      manifest('after', { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'after' }),
      new Date().toISOString(),
    );
    await eventually(
      () =>
        expect(slack.requests.map((r) => (r.json as { channel?: string } | undefined)?.channel)).toContain(
          'after',
        ),
      { timeout: 10_000, what: 'the delivery after the bombs' },
    );
  }, 60_000);
});
