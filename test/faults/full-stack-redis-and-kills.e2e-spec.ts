import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@berth/testing';
import { Redis } from 'ioredis';
import { runFault } from './testing/fault-scenario';
import { type Role, SyncStack } from './testing/sync-stack';

/**
 * Issue #24, fault suite: Redis emptied or restarted, and each Berth process killed with kill -9 in the
 * middle of its work (then started again, as an orchestrator would), under the whole stack with syncs
 * in flight. See testing/fault-scenario.ts for what each fault must not break.
 */

const EVERY_ROLE_REDIS = {
  scheduler: /redis/i,
  'worker-1': /redis/i,
  'worker-2': /redis/i,
  notifier: /redis/i,
};

let stack: SyncStack;

beforeAll(async () => {
  stack = await SyncStack.start('full_redis');
}, 240_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

async function flushAll(s: SyncStack): Promise<void> {
  const redis = new Redis(s.faults.redis.url(), { maxRetriesPerRequest: 1 });
  try {
    await redis.flushall();
  } finally {
    redis.disconnect();
  }
}

/** kill -9 of a role, then the same process started again on its port and data dir. */
function killAndRestart(role: Role) {
  return {
    name: `kill -9 of ${role}`,
    inject: (s: SyncStack) => s.kill(role),
    holdMs: 0,
    restore: async (s: SyncStack) => {
      await s.startRole(role);
    },
    // While it starts again, the new process says what it waits for.
    mayReportDown: { [role]: /./ },
  };
}

describe('fault suite: Redis and killed processes', () => {
  it('Redis FLUSHALL (queues, locks and schedules gone)', async () => {
    await runFault(stack, {
      name: 'Redis FLUSHALL',
      inject: flushAll,
      holdMs: 0,
      restore: async () => undefined,
      mayReportDown: EVERY_ROLE_REDIS,
    });
  }, 240_000);

  it('Redis restart (back empty)', async () => {
    await runFault(stack, {
      name: 'Redis restart',
      inject: (s) => s.faults.redis.restart(),
      holdMs: 0,
      restore: async () => undefined,
      mayReportDown: EVERY_ROLE_REDIS,
    });
  }, 240_000);

  it('kill -9 of the scheduler', async () => {
    await runFault(stack, killAndRestart('scheduler'));
  }, 240_000);

  it('kill -9 of worker 1 while it syncs', async () => {
    await runFault(stack, killAndRestart('worker-1'));
  }, 240_000);

  it('kill -9 of worker 2 while it syncs', async () => {
    await runFault(stack, killAndRestart('worker-2'));
  }, 240_000);

  it('kill -9 of the notifier while it sends to Slack', async () => {
    const posted = stack.slack.messages.length;
    // Slack posts the next message and never answers: the notifier is mid-send when it dies.
    stack.slack.holdPosts(1);
    await runFault(stack, {
      ...killAndRestart('notifier'),
      name: 'kill -9 of the notifier mid-send',
      inject: async (s) => {
        await eventually(() => expect(s.slack.messages.length).toBeGreaterThan(posted), {
          timeout: 30_000,
          what: 'the notifier to be mid-send (a message posted, its answer held)',
        });
        await s.kill('notifier');
      },
    });
  }, 240_000);
});
