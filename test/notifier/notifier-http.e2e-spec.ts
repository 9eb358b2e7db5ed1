import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSlackReceiver, type HttpReceiver } from '@berth/notifications/testing';
import { eventually } from '@berth/testing';
import type { DeliveryPage } from '../../apps/notifier/src/http/deliveries.query';
import type { NotifierRuntime } from '../../apps/notifier/src/notifier.runtime';
import type { HealthAnswer, NotifierConfigRefusal } from '../testing/api-answer';
import {
  appendSuccessfulSync,
  catalogConfig,
  createHarness,
  deliveryRows,
  type Harness,
  type NotifierHttp,
  manifest,
  SECRETS,
} from './notifier.harness';

let harness: Harness;
let slack: HttpReceiver;
let runtime: NotifierRuntime;
let app: NestExpressApplication;
let http: NotifierHttp['http'];
let anonymous: NotifierHttp['anonymous'];

const APPS = ['alpha', 'bravo', 'charlie'];

beforeAll(async () => {
  slack = await startSlackReceiver({ token: SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN });
  harness = await createHarness(
    catalogConfig({
      'service.slack': `token: $slack-token\napiURL: ${slack.url}/api/\n`,
      context: 'argocdUrl: https://argocd.example.com\n',
    }),
  );
  runtime = await harness.start();
  ({ app, http, anonymous } = await harness.httpApp(runtime));
  // Each app posts to its own channel, so the Slack rate limit (1/s per channel) does not slow the test.
  for (const name of APPS)
    await appendSuccessfulSync(
      harness.store,
      manifest(name, { 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': name }),
      new Date().toISOString(),
    );
  await eventually(
    async () => {
      const rows = await deliveryRows(harness.db);
      expect(rows.map((r) => `${r.application}:${r.status}`).sort()).toEqual(
        APPS.map((a) => `${a}:sent`).sort(),
      );
    },
    { timeout: 10_000, what: 'all deliveries sent' },
  );
});

afterAll(async () => {
  await app?.close(); // stops the runtime too (onApplicationShutdown)
  await harness?.close();
  await slack?.close();
});

describe('notifier HTTP API', () => {
  it('pages deliveries newest first with a keyset cursor', async () => {
    const first = await http.get('/api/v1/notifications/deliveries?limit=2').expect(200);
    const page1 = first.body as DeliveryPage;
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const second = await http
      .get(`/api/v1/notifications/deliveries?limit=2&cursor=${page1.nextCursor}`)
      .expect(200);
    const page2 = second.body as DeliveryPage;
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeUndefined();
    const seen = [...page1.items, ...page2.items].map((d) => d.application);
    expect(seen).toEqual([...APPS].reverse());
    expect(page1.items[0]).toMatchObject({
      trigger: 'on-sync-succeeded',
      service: 'slack',
      status: 'sent',
    });
  });

  it.each([
    { query: 'application=bravo', count: 1 },
    { query: 'status=sent', count: 3 },
    { query: 'status=failed', count: 0 },
  ])('filters deliveries by $query', async ({ query, count }) => {
    const res = await http.get(`/api/v1/notifications/deliveries?${query}`).expect(200);
    expect((res.body as DeliveryPage).items).toHaveLength(count);
  });

  it.each([
    { query: 'status=done', parameter: 'status' },
    { query: 'limit=0', parameter: 'limit' },
    { query: 'cursor=nonsense', parameter: 'cursor' },
  ])('rejects $query naming the parameter', async ({ query, parameter }) => {
    const res = await http.get(`/api/v1/notifications/deliveries?${query}`).expect(400);
    expect(res.body).toMatchObject({ code: 'INVALID_DELIVERY_QUERY', parameter });
  });

  it('stores a config through PUT that wins over the file, and rejects a bad one naming the key', async () => {
    const before = await http.get('/api/v1/notifications/config').expect(200);
    expect(before.body).toMatchObject({ status: 'ok', origin: 'file' });

    const bad = await http
      .put('/api/v1/notifications/config')
      .set('Content-Type', 'application/yaml')
      .send('kind: ConfigMap\ndata:\n  service.slack: |\n    token: $missing-secret\n')
      .expect(422);
    expect((bad.body as NotifierConfigRefusal).errors.map((e) => e.key)).toContain('service.slack.token');
    expect(JSON.stringify(bad.body)).not.toContain(SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN);

    const good = await http
      .put('/api/v1/notifications/config')
      .set('Content-Type', 'application/yaml')
      .send(catalogConfig({ 'service.slack': `token: $slack-token\napiURL: ${slack.url}/api/\n` }))
      .expect(200);
    expect(good.body).toMatchObject({
      version: 1,
      status: 'ok',
      origin: 'database',
      source: 'database version 1',
    });
    const after = await http.get('/api/v1/notifications/config').expect(200);
    expect(after.body).toMatchObject({ origin: 'database', databaseVersion: 1 });
    // Who stored it is who authenticated: the admin's token, not a header.
    expect(
      await harness.db.dataSource.query(`SELECT created_by FROM notification_config WHERE version = 1`),
    ).toEqual([{ created_by: 'admin' }]);
  });

  it('refuses requests without a token (401), except health, readiness and metrics', async () => {
    for (const path of ['/api/v1/notifications/deliveries', '/api/v1/notifications/config']) {
      const res = await anonymous.get(path).expect(401);
      expect(res.body).toMatchObject({ error: 'Unauthenticated' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="berth"');
    }
    await anonymous
      .put('/api/v1/notifications/config')
      .set('Content-Type', 'application/yaml')
      .send('{}')
      .expect(401);
    await anonymous
      .get('/api/v1/notifications/config')
      .set('Authorization', 'Bearer not.a.token')
      .expect(401);
    for (const path of ['/healthz', '/readyz', '/metrics']) await anonymous.get(path).expect(200);
  });

  it('describes its API in an OpenAPI document and a docs page, both without a token (docs/api.md)', async () => {
    const res = await anonymous.get('/api/openapi.json').expect(200);
    const document = res.body as {
      openapi: string;
      paths: Record<string, Record<string, { tags: string[]; security?: unknown[] }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const routes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(routes.map((r) => r.route).sort()).toEqual(
      [
        'GET /api/v1/notifications/deliveries',
        'GET /api/v1/notifications/config',
        'PUT /api/v1/notifications/config',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'GET /api/openapi.json',
      ].sort(),
    );
    expect(routes.filter((r) => r.op.tags[0] !== 'berth')).toEqual([]);
    expect(
      routes
        .filter((r) => Array.isArray(r.op.security) && r.op.security.length === 0)
        .map((r) => r.route)
        .sort(),
    ).toEqual(['GET /api/openapi.json', 'GET /healthz', 'GET /readyz']);
    expect(JSON.stringify(document)).not.toContain(SECRETS.BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN);
    const page = await anonymous.get('/api/docs').expect(200);
    expect(page.text).toContain('./docs/swagger-ui-bundle.js');
    await anonymous.get('/api/docs/swagger-ui-bundle.js').expect(200);
  });

  it('answers health, readiness and metrics', async () => {
    await http.get('/healthz').expect(200);
    const ready = await http.get('/readyz').expect(200);
    expect((ready.body as HealthAnswer).info).toMatchObject({
      postgres: { status: 'up' },
      redis: { status: 'up' },
    });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toContain('berth_notifier_deliveries_total{service="slack",outcome="sent"} 3');
    expect(metrics.text).toMatch(/berth_notifier_events_processed_total \d+/);
    // Nothing waits behind a transaction in flight (libs/event-store: a held-back subscription).
    expect(metrics.text).toContain('berth_notifier_event_log_held_back_seconds 0');
  });
});
