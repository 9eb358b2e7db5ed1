import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@berth/testing';
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@berth/infra';
import { createRedis } from './redis-connection';
import { SharedTicker } from './shared-ticker';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const EVERY_MS = 200;

describe('SharedTicker (real Redis): one tick per interval across replicas, no leader', () => {
  const prefix = `berth-test-${randomBytes(4).toString('hex')}`;
  const connections: RedisClient[] = [];
  const tickers: SharedTicker[] = [];
  const ticks: Array<{ replica: number; dueAt: number }> = [];

  beforeAll(() => {
    for (const replica of [0, 1]) {
      const connection = createRedis(redisUrl, 'test-ticker');
      connections.push(connection);
      tickers.push(
        new SharedTicker({
          connection,
          prefix,
          queue: 'ticks',
          everyMs: EVERY_MS,
          onTick: async (dueAt) => void ticks.push({ replica, dueAt }),
        }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(tickers.map((t) => t.close()));
    const keys = await connections[0]!.keys(`${prefix}*`);
    if (keys.length) await connections[0]!.del(...keys);
    connections.forEach((c) => c.disconnect());
  });

  it('two replicas on one timer: each tick is handled once, by one of them, about one per interval in all', async () => {
    await eventually(() => expect(ticks.length).toBeGreaterThanOrEqual(8), {
      timeout: 10_000,
      what: 'eight ticks',
    });
    const slots = ticks.map((t) => t.dueAt).sort((a, b) => a - b);
    expect(new Set(slots).size).toBe(slots.length);
    // About one tick per interval in all (BullMQ spaces them loosely), not one per replica: two
    // timers of their own would tick every half interval on average. The first two ticks may come
    // together (both replicas created the scheduler at once).
    const later = slots.slice(1);
    const averageGap = (later[later.length - 1]! - later[0]!) / (later.length - 1);
    expect(averageGap).toBeGreaterThan(EVERY_MS * 0.75);
  });
});
