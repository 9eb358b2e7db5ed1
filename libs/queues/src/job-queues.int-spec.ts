import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { watchJobs } from '@berth/testing';
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@berth/infra';
import { AppJobWorker } from './app-job-worker';
import { AppLock } from './app-lock';
import { JobQueues } from './job-queues';
import { createRedis } from './redis-connection';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('JobQueues and AppJobWorker (real Redis)', () => {
  let redis: RedisClient;
  let prefix: string;
  let queues: JobQueues;

  beforeAll(() => {
    redis = createRedis(redisUrl, 'test');
    prefix = `berth-test-${randomBytes(4).toString('hex')}`;
    queues = new JobQueues(redis, prefix);
  });
  afterAll(async () => {
    await queues.refresh.obliterate({ force: true });
    await queues.sync.obliterate({ force: true });
    await queues.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('remembers when a repository was last marked changed, per repoURL as the app spells it', async () => {
    const a = 'https://git.example.com/team/a.git';
    const b = 'https://git.example.com/team/b.git';
    expect(await queues.reposChangedAt([a, b])).toBe(0);
    await queues.markReposChanged([a], 1_000);
    await queues.markReposChanged([b], 2_000);
    expect(await queues.reposChangedAt([a])).toBe(1_000);
    expect(await queues.reposChangedAt([a, b])).toBe(2_000);
    expect(await queues.reposChangedAt([])).toBe(0);
  });

  it('collapses refresh requests for one app while one waits', async () => {
    await queues.refresh.pause();
    for (let i = 0; i < 5; i++)
      await queues.requestRefresh({ application: 'api-prod', hard: false, reason: 'webhook' });
    await queues.requestRefresh({ application: 'api-dev', hard: false, reason: 'webhook' });
    expect(await queues.refresh.getWaitingCount()).toBe(2);
    await queues.refresh.resume();
  });

  it('while a refresh runs, a user request is queued after it but a periodic one is dropped', async () => {
    await queues.refresh.obliterate({ force: true });
    const finished = await watchJobs(queues.refresh);
    const lock = new AppLock(redis, prefix, 5000);
    const connection = createRedis(redisUrl);
    const ran: string[] = [];
    let firstRunning!: () => void;
    const running = new Promise<void>((r) => (firstRunning = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const worker = new AppJobWorker(
      'refresh',
      async (data) => {
        ran.push(data.reason);
        if (data.reason !== 'first') return;
        firstRunning();
        await gate;
      },
      { connection, prefix, concurrency: 1, lock },
    );
    await queues.requestRefresh({ application: 'busy', hard: false, reason: 'first' });
    await running;
    await queues.requestRefresh({ application: 'busy', hard: false, reason: 'periodic' }, 0, 'skip');
    await queues.requestRefresh({ application: 'busy', hard: false, reason: 'webhook' });
    await queues.requestRefresh({ application: 'busy', hard: false, reason: 'periodic' }, 0, 'skip');
    release();
    await finished.awaitJob((j) => j.data?.reason === 'webhook', { what: 'the webhook refresh' });
    // Nothing else can run: no job is left in the queue, so a periodic request was never queued.
    expect(await queues.refresh.getJobCounts('active', 'waiting', 'prioritized', 'delayed')).toEqual({
      active: 0,
      waiting: 0,
      prioritized: 0,
      delayed: 0,
    });
    await worker.close();
    await finished.close();
    connection.disconnect();
    expect(ran).toEqual(['first', 'webhook']);
  });

  it('refreshes somebody waits for run before background ones queued earlier', async () => {
    await queues.refresh.obliterate({ force: true });
    await queues.refresh.pause();
    for (let i = 0; i < 5; i++)
      await queues.requestRefresh({ application: `new-${i}`, hard: false, reason: 'spec-changed' });
    await queues.requestRefresh({ application: 'synced-app', hard: false, reason: 'sync-finished' });
    const finished = await watchJobs(queues.refresh);
    const lock = new AppLock(redis, prefix, 5000);
    const connection = createRedis(redisUrl);
    const order: string[] = [];
    const worker = new AppJobWorker('refresh', async (data) => void order.push(data.application), {
      connection,
      prefix,
      concurrency: 1,
      lock,
    });
    await queues.refresh.resume();
    const apps = ['synced-app', ...[0, 1, 2, 3, 4].map((i) => `new-${i}`)];
    await Promise.all(
      apps.map((app) =>
        finished.awaitJob((j) => j.data?.application === app, { what: `the refresh of ${app}` }),
      ),
    );
    await worker.close();
    await finished.close();
    connection.disconnect();
    expect(order[0]).toBe('synced-app');
    expect(order).toHaveLength(6);
  });

  it('a periodic refresh is one job per comparison it follows: a late repeat of a finished one queues nothing, a failed one can be asked again', async () => {
    await queues.refresh.obliterate({ force: true });
    const finished = await watchJobs(queues.refresh);
    const lock = new AppLock(redis, prefix, 5000);
    const connection = createRedis(redisUrl);
    let fail = false;
    const ran: string[] = [];
    const worker = new AppJobWorker(
      'refresh',
      async (data) => {
        ran.push(data.application);
        if (fail) throw new Error('Postgres went away');
      },
      { connection, prefix, concurrency: 1, lock },
    );
    const since = new Date('2026-01-01T00:00:00Z');
    await queues.requestPeriodicRefresh('web', since);
    await finished.awaitJob((j) => j.data?.application === 'web', { what: 'the periodic refresh of web' });
    // A round that read the app before that refresh finished asks again for the same comparison.
    const mark = finished.mark();
    await queues.requestPeriodicRefresh('web', since);
    expect(await queues.refresh.getJobCounts('waiting', 'prioritized', 'active', 'delayed')).toEqual({
      waiting: 0,
      prioritized: 0,
      active: 0,
      delayed: 0,
    });
    // The next comparison is a new job; a failed one leaves nothing that would hold its id.
    fail = true;
    await queues.requestPeriodicRefresh('web', new Date(since.getTime() + 1_000));
    await finished.awaitJob((j) => j.outcome === 'failed', { since: mark, what: 'the failed refresh' });
    fail = false;
    const again = finished.mark();
    await queues.requestPeriodicRefresh('web', new Date(since.getTime() + 1_000));
    await finished.awaitJob((j) => j.outcome === 'completed', { since: again, what: 'the repeated refresh' });
    await worker.close();
    await finished.close();
    connection.disconnect();
    expect(ran).toEqual(['web', 'web', 'web']);
  });

  it('a refresh asked while a refresh of the app waits for later (self-heal backoff) runs at once', async () => {
    await queues.refresh.obliterate({ force: true });
    await queues.refresh.pause();
    await queues.requestRefresh({ application: 'healing', hard: false, reason: 'self-heal' }, 60_000);
    await queues.requestRefresh({ application: 'healing', hard: false, reason: 'webhook' });
    await queues.requestPeriodicRefresh('healing', new Date('2026-01-01T00:00:00Z'));
    await queues.requestRefresh({ application: 'healing', hard: false, reason: 'self-heal' }, 30_000);
    const pending = await queues.refresh.getJobs(['waiting', 'prioritized', 'delayed']);
    const now = (await Promise.all(pending.map(async (j) => [j.data.reason, await j.getState()]))).sort();
    // Before: the webhook's and the periodic refresh were dropped as repeats of the delayed one, and the
    // app was not compared again until its backoff ended (up to 5 minutes).
    expect(now).toEqual([
      ['self-heal', 'delayed'],
      ['webhook', 'waiting'],
    ]);
    await queues.refresh.obliterate({ force: true });
    await queues.refresh.resume();
  });

  it('a refresh somebody asks for while a periodic one of the app waits is no longer held at background priority', async () => {
    await queues.refresh.obliterate({ force: true });
    await queues.refresh.pause();
    const since = new Date('2026-01-01T00:00:00Z');
    await queues.requestPeriodicRefresh('asked', since);
    await queues.requestPeriodicRefresh('not-asked', since);
    await queues.requestRefresh({ application: 'asked', hard: false, reason: 'webhook' });
    const state = async (application: string) =>
      (await queues.refresh.getJob(`periodic__${application}__${since.getTime()}`))!.getState();
    // Before: the webhook's request was a repeat of the periodic job and waited behind every foreground job.
    expect(await state('asked')).toBe('waiting');
    expect(await state('not-asked')).toBe('prioritized');
    await queues.refresh.obliterate({ force: true });
    await queues.refresh.resume();
  });

  it('depth counts waiting, prioritized and delayed jobs; the age is that of the oldest job that is due', async () => {
    await queues.refresh.obliterate({ force: true });
    await queues.refresh.pause();
    const start = Date.now();
    expect((await queues.oldestWaitingAgeSeconds(start)).refresh).toBe(0);
    await queues.requestPeriodicRefresh('background', new Date('2026-01-01T00:00:00Z'));
    await queues.requestRefresh({ application: 'asked', hard: false, reason: 'webhook' });
    await queues.requestRefresh({ application: 'later', hard: false, reason: 'self-heal' }, 600_000);
    expect((await queues.depths()).refresh).toBe(3);
    const enqueued = await queues.refresh.getJobs(['waiting', 'prioritized']);
    const oldest = Math.min(...enqueued.map((j) => j.timestamp));
    // Ten seconds later the oldest due job (the background one, queued first) has waited ten seconds;
    // the delayed one is not due for minutes and does not count.
    const age = (await queues.oldestWaitingAgeSeconds(oldest + 10_000)).refresh;
    expect(age).toBeCloseTo(10, 5);
    await queues.refresh.obliterate({ force: true });
    await queues.refresh.resume();
  });

  it('the same sync operation enqueued twice is one job', async () => {
    await queues.sync.pause();
    await queues.requestSync({ application: 'api-prod', operationId: 'op-1' });
    await queues.requestSync({ application: 'api-prod', operationId: 'op-1' });
    expect(await queues.sync.getWaitingCount()).toBe(1);
    await queues.sync.obliterate({ force: true });
  });

  it('never runs two jobs of one app at once across workers, and runs every request', async () => {
    await queues.refresh.obliterate({ force: true });
    const finished = await watchJobs(queues.sync);
    const lock = new AppLock(redis, prefix, 5000);
    let running = 0;
    let maxRunning = 0;
    const done: string[] = [];
    const handler = async (data: { application: string }) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      // Each job holds its app for a while (the work), so the other slots do try to take the app meanwhile.
      await new Promise((r) => setTimeout(r, 30));
      running--;
      done.push(data.application);
    };
    const connections = [createRedis(redisUrl), createRedis(redisUrl)];
    const workers = connections.map(
      (connection) =>
        new AppJobWorker('sync', handler, { connection, prefix, concurrency: 4, lock, busyRetryMs: 20 }),
    );
    // Six distinct operations of one app: they may be picked up in parallel by 8 slots, but must run one by one.
    for (let i = 0; i < 6; i++) await queues.requestSync({ application: 'one-app', operationId: `op-${i}` });
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        finished.awaitJob((j) => j.data?.operationId === `op-${i}`, { what: `sync op-${i}` }),
      ),
    );
    await finished.close();
    await Promise.all(workers.map((w) => w.close()));
    connections.forEach((c) => c.disconnect());
    expect(done).toHaveLength(6);
    expect(maxRunning).toBe(1);
  });
});
