import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { type JobWatcher, watchJobs } from './job-watcher';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('JobWatcher (real Redis, BullMQ QueueEvents)', () => {
  const prefix = `berth-testing-${randomBytes(4).toString('hex')}`;
  let connection: Redis;
  let queue: Queue<{ n: number }>;
  let worker: Worker<{ n: number }> | undefined;
  let workerConnection: Redis | undefined;
  let watcher: JobWatcher<{ n: number }> | undefined;

  beforeAll(() => {
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('jobs', { connection, prefix });
  });
  afterEach(async () => {
    await watcher?.close();
    await worker?.close();
    workerConnection?.disconnect();
    watcher = worker = workerConnection = undefined;
    await queue.obliterate({ force: true });
  });
  afterAll(async () => {
    await queue.close();
    connection.disconnect();
  });

  const work = (handle: (n: number) => unknown) => {
    workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    return new Worker<{ n: number }>('jobs', async (job) => handle(job.data.n), {
      connection: workerConnection,
      prefix,
    });
  };

  it('resolves with a matching job once it completes, with its data and return value', async () => {
    watcher = await watchJobs(queue);
    worker = work((n) => n * 2);
    const done = watcher.awaitJob((j) => j.data?.n === 2, { what: 'job 2' });
    for (const n of [1, 2, 3]) await queue.add('double', { n });
    expect(await done).toMatchObject({
      outcome: 'completed',
      name: 'double',
      data: { n: 2 },
      returnvalue: 4,
    });
  });

  it('sees a job that finished before awaitJob was called, and honours mark()', async () => {
    watcher = await watchJobs(queue);
    worker = work((n) => n);
    await queue.add('x', { n: 1 });
    const first = await watcher.awaitJob((j) => j.data?.n === 1);
    const mark = watcher.mark();
    await queue.add('x', { n: 1 });
    const second = await watcher.awaitJob((j) => j.data?.n === 1, { since: mark });
    expect(second.id).not.toBe(first.id);
    expect(watcher.count((j) => j.data?.n === 1)).toBe(2);
  });

  it('reports a job that failed for good as failed, with its reason', async () => {
    watcher = await watchJobs(queue);
    worker = work(() => {
      throw new UnrecoverableError('bad payload');
    });
    await queue.add('x', { n: 7 });
    expect(await watcher.awaitJob((j) => j.data?.n === 7)).toMatchObject({
      outcome: 'failed',
      failedReason: 'bad payload',
    });
  });

  it('rejects after the timeout, naming what it waited for and what did finish', async () => {
    watcher = await watchJobs(queue);
    worker = work((n) => n);
    await queue.add('x', { n: 1 });
    await watcher.awaitJob((j) => j.data?.n === 1);
    await expect(watcher.awaitJob((j) => j.data?.n === 9, { timeout: 200, what: 'job 9' })).rejects.toThrow(
      /no job on jobs finished within 200 ms matching job 9 \(finished: \S+:completed \{"n":1\}\)/,
    );
  });
});
