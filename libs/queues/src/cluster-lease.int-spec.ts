import { afterAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@berth/testing';
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@berth/infra';
import { CLUSTER_LEASE_TTL_MS, ClusterLease } from './cluster-lease';
import { createRedis } from './redis-connection';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('ClusterLease (real Redis)', () => {
  const prefix = `berth-lease-test-${randomBytes(4).toString('hex')}`;
  const connections: RedisClient[] = [];
  const connect = () => {
    const c = createRedis(redisUrl, 'test');
    connections.push(c);
    return c;
  };
  afterAll(async () => {
    const redis = connect();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    for (const c of connections) c.disconnect();
  });

  it('one holder per cluster; a holder that dies (stops renewing) is replaced within TTL + TTL/3', async () => {
    const ttlMs = 1500;
    let acquiredB = 0;
    const a = new ClusterLease(connect(), prefix, 'https://c1.example.com', { ttlMs });
    const redisOfA = connections[connections.length - 1]!;
    a.start();
    await eventually(() => expect(a.held).toBe(true), { timeout: 2000, interval: 20 });
    const b = new ClusterLease(connect(), prefix, 'https://c1.example.com', {
      ttlMs,
      onAcquired: () => acquiredB++,
    });
    const other = new ClusterLease(connect(), prefix, 'https://c2.example.com', { ttlMs });
    b.start();
    other.start();
    await eventually(() => expect(other.held).toBe(true), { timeout: 2000, interval: 20 });
    await new Promise((r) => setTimeout(r, ttlMs));
    expect([a.held, b.held]).toEqual([true, false]);

    // The holder's connection dies: it can no longer renew, as when its process is killed.
    const killedAt = Date.now();
    redisOfA.disconnect();
    await eventually(() => expect(b.held).toBe(true), { timeout: ttlMs * 2, interval: 20 });
    expect(Date.now() - killedAt).toBeLessThanOrEqual(ttlMs + ttlMs / 3 + 300);
    expect(acquiredB).toBe(1);
    // The production TTL keeps the takeover within the 15 s.
    expect(CLUSTER_LEASE_TTL_MS + CLUSTER_LEASE_TTL_MS / 3).toBeLessThanOrEqual(15_000);
    await a.stop();
    await b.stop();
    await other.stop();
  });

  it('a stopped holder hands the lease over at once', async () => {
    const a = new ClusterLease(connect(), prefix, 'https://c3.example.com', { ttlMs: 60_000 });
    a.start();
    await eventually(() => expect(a.held).toBe(true), { timeout: 2000, interval: 20 });
    await a.stop();
    expect(a.held).toBe(false);
    const b = new ClusterLease(connect(), prefix, 'https://c3.example.com', { ttlMs: 60_000 });
    b.start();
    await eventually(() => expect(b.held).toBe(true), { timeout: 2000, interval: 20 });
    await b.stop();
  });
});
