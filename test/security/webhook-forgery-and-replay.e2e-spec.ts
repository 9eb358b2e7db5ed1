import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { eventually } from '@berth/testing';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { errorOf, type WebhookAnswer } from '../testing/api-answer';

const REPO = 'https://github.com/acme/forged.git';
const SECRET = 'github-webhook-secret';

const app = (name: string) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      project: 'default',
      source: { repoURL: REPO, targetRevision: 'main', path: '.' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'default' },
    },
  });

/** A push body that differs per call (GitHub's `after` and `pushed_at` do), like two real pushes. */
const pushBody = () =>
  JSON.stringify({
    ref: 'refs/heads/main',
    after: randomBytes(20).toString('hex'),
    repository: { clone_url: REPO },
  });

const githubSignature = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

function signedGithubPush(http: TestScheduler['http'], body: string, delivery: string) {
  return http
    .post('/api/webhook')
    .set('Content-Type', 'application/json')
    .set('X-GitHub-Event', 'push')
    .set('X-GitHub-Delivery', delivery)
    .set('X-Hub-Signature-256', githubSignature(body))
    .send(body);
}

describe('webhook forgery: once a webhook secret is configured, unverifiable requests are refused', () => {
  let scheduler: TestScheduler;

  beforeAll(async () => {
    scheduler = await startTestScheduler({ WEBHOOK_GITHUB_SECRET: SECRET });
    await scheduler.http.post('/api/v1/applications').send(app('forged-target'));
  });
  afterAll(async () => {
    await scheduler.close();
  });

  it.each([
    ['GitLab', 'X-Gitlab-Event', 'Push Hook', 'WEBHOOK_GITLAB_SECRET'],
    ['Gitea', 'X-Gitea-Event', 'push', 'WEBHOOK_GITEA_SECRET'],
    ['Bitbucket', 'X-Event-Key', 'repo:push', 'WEBHOOK_BITBUCKET_SECRET'],
  ])(
    'forgery: an unsigned request with a %s header (only the GitHub secret is set) is refused 401 and refreshes nothing',
    async (_provider, headerName, event, setting) => {
      const body =
        headerName === 'X-Event-Key'
          ? JSON.stringify({
              repository: { full_name: 'acme/forged', links: { html: { href: REPO } } },
              push: { changes: [{ new: { name: 'main' } }] },
            })
          : pushBody();
      const res = await scheduler.http
        .post('/api/webhook')
        .set('Content-Type', 'application/json')
        .set(headerName, event)
        .send(body);
      expect(res.status).toBe(401);
      expect(errorOf(res).message).toContain(setting);
      expect((res.body as WebhookAnswer).refreshed).toBeUndefined();
    },
  );

  it('forgery: a GitHub request without any signature is refused 401, naming the missing header', async () => {
    const res = await scheduler.http
      .post('/api/webhook')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .send(pushBody());
    expect(res.status).toBe(401);
    expect(errorOf(res).message).toMatch(/x-hub-signature-256/);
    // The gRPC code of every error answer (docs/api.md, Errors): Unauthenticated.
    expect((res.body as { code: number }).code).toBe(16);
  });
});

describe('webhook replay: a delivery seen within the window does nothing', () => {
  let scheduler: TestScheduler;
  let replica: TestScheduler;

  beforeAll(async () => {
    const prefix = `berth-e2e-replay-${randomBytes(4).toString('hex')}`;
    const env = {
      WEBHOOK_GITHUB_SECRET: SECRET,
      WEBHOOK_GITLAB_SECRET: 'gitlab-token',
      BERTH_QUEUE_PREFIX: prefix,
    };
    // Two scheduler replicas behind one load balancer share Redis (and here, the queue prefix).
    scheduler = await startTestScheduler(env);
    replica = await startTestScheduler(env);
    for (const s of [scheduler, replica]) await s.http.post('/api/v1/applications').send(app('replayed'));
  });
  afterAll(async () => {
    await replica.close();
    await scheduler.close();
  });

  it('replay: a repeated X-GitHub-Delivery is answered 202 "duplicate delivery" and refreshes nothing', async () => {
    const body = pushBody();
    const delivery = randomUUID();
    const first = await signedGithubPush(scheduler.http, body, delivery);
    expect(first.status).toBe(200);
    expect((first.body as WebhookAnswer).refreshed).toEqual(['replayed']);
    const again = await signedGithubPush(scheduler.http, body, delivery);
    expect(again.status).toBe(202);
    expect((again.body as WebhookAnswer).message).toMatch(/^duplicate delivery/);
    expect((again.body as WebhookAnswer).refreshed).toEqual([]);
  });

  it('replay: a captured signed push sent again with a fresh delivery id is still a duplicate (the id is not signed)', async () => {
    const body = pushBody();
    expect((await signedGithubPush(scheduler.http, body, randomUUID())).status).toBe(200);
    const replayed = await signedGithubPush(scheduler.http, body, randomUUID());
    expect(replayed.status).toBe(202);
    expect((replayed.body as WebhookAnswer).message).toMatch(/duplicate delivery/);
  });

  it('replay: the memory is shared by scheduler replicas, so replaying against another replica does nothing', async () => {
    const body = pushBody();
    const delivery = randomUUID();
    expect((await signedGithubPush(scheduler.http, body, delivery)).status).toBe(200);
    const elsewhere = await signedGithubPush(replica.http, body, delivery);
    expect(elsewhere.status).toBe(202);
    expect((elsewhere.body as WebhookAnswer).refreshed).toEqual([]);
  });

  it('replay: a repeated GitLab X-Gitlab-Event-UUID is a duplicate; a new push is handled', async () => {
    const send = (body: string, uuid: string) =>
      scheduler.http
        .post('/api/webhook')
        .set('Content-Type', 'application/json')
        .set('X-Gitlab-Event', 'Push Hook')
        .set('X-Gitlab-Token', 'gitlab-token')
        .set('X-Gitlab-Event-UUID', uuid)
        .send(body);
    const uuid = randomUUID();
    expect((await send(pushBody(), uuid)).status).toBe(200);
    expect((await send(pushBody(), uuid)).status).toBe(202);
    const fresh = await send(pushBody(), randomUUID());
    expect(fresh.status).toBe(200);
    expect((fresh.body as WebhookAnswer).refreshed).toEqual(['replayed']);
  });
});

/** A TCP relay to the real Redis that a test can cut and restore, to take Redis "down" for one scheduler. */
async function startRedisRelay(): Promise<{ url: string; down(): Promise<void>; up(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    if (server?.listening) return;
    server = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  await listen();
  return {
    url: `redis://127.0.0.1:${port}`,
    async down() {
      const closed = new Promise((resolve) => server!.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    },
    up: listen,
  };
}

describe('webhook replay memory unavailable: Redis down', () => {
  it("answers 503 with Retry-After promptly and does nothing; the sender's retry is handled once Redis is back", async () => {
    const relay = await startRedisRelay();
    const scheduler = await startTestScheduler({ WEBHOOK_GITHUB_SECRET: SECRET, REDIS_URL: relay.url });
    try {
      await scheduler.http.post('/api/v1/applications').send(app('while-redis-down'));
      await relay.down();
      const body = pushBody();
      const delivery = randomUUID();
      const started = Date.now();
      const refused = await signedGithubPush(scheduler.http, body, delivery);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('30');
      expect(errorOf(refused).message).toMatch(/Redis unavailable.*nothing was done/);
      expect(Date.now() - started).toBeLessThan(5_000);
      await relay.up();
      // The sender retries the same delivery: handled, not a "duplicate" of the one refused.
      const retried = await eventually(
        async () => {
          const res = await signedGithubPush(scheduler.http, body, delivery);
          expect(res.status).not.toBe(503);
          return res;
        },
        { timeout: 15_000, interval: 100, what: 'the webhook to answer again after Redis came back' },
      );
      expect(retried.status).toBe(200);
      expect((retried.body as WebhookAnswer).refreshed).toEqual(['while-redis-down']);
    } finally {
      await relay.up();
      await scheduler.close();
      await relay.down();
    }
  });
});
