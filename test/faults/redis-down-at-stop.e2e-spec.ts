import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type BerthKind, FaultStack } from './testing/fault-stack';

/**
 * Fault: a process is told to stop (a rollout, a node drain: SIGTERM) while Redis is away. Closing
 * BullMQ's workers waits for Redis; a process must not hang until its supervisor kills it. Each
 * stops with exit code 0 within about 5 s of Redis being gone (its jobs in flight resume on another
 * process once Redis is back). docs/dependency-failures.md
 */

const KINDS: BerthKind[] = ['scheduler', 'worker', 'notifier'];

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start('redis_down_at_stop');
  for (const kind of KINDS)
    await stack.startProcess(kind, { REFRESH_INTERVAL_SECONDS: '2', REFRESH_JITTER_SECONDS: '0' });
  await Promise.all(stack.processes.map((p) => p.awaitReady()));
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('fault: SIGTERM while Redis is away', () => {
  it('every process stops by itself with exit code 0, within 10 s', async () => {
    await stack.redis.stop();
    const exits = await Promise.all(
      stack.processes.map(async (p) => {
        p.process.terminate();
        const exit = await p.process.exitWithin(10_000);
        return { kind: p.kind, code: exit.code, signal: exit.signal };
      }),
    );
    expect(exits).toEqual(KINDS.map((kind) => ({ kind, code: 0, signal: null })));
  }, 30_000);
});
