import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { ApplicationTree } from '@berth/domain';
import type { RedisClient } from '@berth/infra';
import { createRedis } from './redis-connection';
import { ResourceTreeCache } from './resource-tree-cache';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const tree = (resourceVersion: string): ApplicationTree => ({
  nodes: [
    {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      uid: 'u',
      resourceVersion,
    },
  ],
  orphanedNodes: [],
  hosts: [],
});

describe('ResourceTreeCache (real Redis)', () => {
  const prefix = `berth-tree-test-${randomBytes(4).toString('hex')}`;
  const redis: RedisClient = createRedis(redisUrl, 'test');
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('writes a tree under <prefix>:resource-tree:<app> with a TTL; the same tree again is not written until unchangedMs has passed', async () => {
    let now = 1_000_000;
    const cache = new ResourceTreeCache(redis, prefix, { ttlSeconds: 60, unchangedMs: 5000, now: () => now });
    expect(await cache.set('web', tree('1'))).toBe(true);
    expect(await redis.ttl(`${prefix}:resource-tree:web`)).toBeGreaterThan(50);
    expect(await cache.get('web')).toEqual(tree('1'));
    // Someone else's write in between is not seen: the same tree is skipped (no Redis command).
    await redis.set(`${prefix}:resource-tree:web`, JSON.stringify(tree('9')));
    expect(await cache.set('web', tree('1'))).toBe(false);
    expect(await cache.get('web')).toEqual(tree('9'));
    // A different tree is written at once; the same one again once unchangedMs has passed.
    expect(await cache.set('web', tree('2'))).toBe(true);
    now += 5000;
    expect(await cache.set('web', tree('2'))).toBe(true);
  });

  it('a missing or unreadable entry is a miss; delete removes the key and what this process remembered', async () => {
    const cache = new ResourceTreeCache(redis, prefix);
    expect(await cache.get('none')).toBeUndefined();
    await redis.set(`${prefix}:resource-tree:broken`, '{"nodes":');
    expect(await cache.get('broken')).toBeUndefined();
    await redis.set(`${prefix}:resource-tree:other`, '{"nodes":[]}');
    expect(await cache.get('other')).toBeUndefined();
    expect(await cache.set('gone', tree('1'))).toBe(true);
    await cache.delete('gone');
    expect(await redis.exists(`${prefix}:resource-tree:gone`)).toBe(0);
    expect(await cache.set('gone', tree('1'))).toBe(true);
  });
});
