import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationRenderError } from '@berth/notifications';
import { type DeliveryRenderInput } from './delivery.render';
import { TemplateRenderPool } from './template-render.pool';

// Stand-in render threads: what a template could do to a thread if the evaluator's budget missed it.
const THREADS = {
  'spin.cjs': `require('node:worker_threads').parentPort.on('message', () => { for (;;) {} });`,
  'hog.cjs': `require('node:worker_threads').parentPort.on('message', () => { const a = []; for (;;) a.push(new Array(1e6).fill(1)); });`,
  'echo.cjs': `const { parentPort } = require('node:worker_threads');
    parentPort.on('message', ({ id, input }) => parentPort.postMessage({ id, ok: true, rendered: { message: input.recipient } }));`,
};

const input = (recipient: string): DeliveryRenderInput => ({
  templates: [{ name: 'bomb' }],
  app: {},
  context: {},
  service: 'slack',
  recipient,
  commits: {},
});

describe('TemplateRenderPool', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-render-pool-'));
    for (const [name, source] of Object.entries(THREADS)) writeFileSync(join(dir, name), source);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops a render past its wall time with an error naming the templates and the setting', async () => {
    const pool = new TemplateRenderPool({
      workerFile: join(dir, 'spin.cjs'),
      budget: { timeoutMs: 300, maxSteps: 1, maxOutputChars: 1 },
    });
    const started = Date.now();
    const failure = await pool.render(input('a')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotificationRenderError);
    expect((failure as Error).message).toMatch(
      /^template\.bomb: render stopped after 300 ms.*BERTH_NOTIFICATIONS_RENDER_TIMEOUT_MS/,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    await pool.close();
  });

  it('stops a render that outgrows the thread heap, without touching the process', async () => {
    const pool = new TemplateRenderPool({
      workerFile: join(dir, 'hog.cjs'),
      budget: { timeoutMs: 30_000, maxSteps: 1, maxOutputChars: 1 },
    });
    // The thread's heap is its own: the test process (which may hold other suites' memory) does not grow by it.
    const before = process.memoryUsage().heapUsed;
    const failure = await pool.render(input('a')).catch((e: unknown) => e);
    expect((failure as Error).message).toMatch(/render stopped: it needed more than 256 MB of memory/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(128 * 1024 * 1024);
    await pool.close();
  }, 60_000);

  it('queues renders beyond its threads and answers each', async () => {
    const pool = new TemplateRenderPool({ workerFile: join(dir, 'echo.cjs'), threads: 2 });
    const names = Array.from({ length: 20 }, (_, i) => `r${i}`);
    const rendered = await Promise.all(names.map((n) => pool.render(input(n))));
    expect(rendered.map((r) => r.message)).toEqual(names);
    await pool.close();
  });
});
