import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { RenderedManifests } from './rendered-manifests.types';
import { RedisManifestCache } from './redis-manifest-cache';

const prefix = `berth:test:render:${process.pid}:${Date.now()}:`;
let redis: Redis;

const rendered: RenderedManifests = {
  objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }],
  revision: 'a'.repeat(40),
  revisions: ['a'.repeat(40)],
  sourceType: 'Directory',
  sourceTypes: ['Directory'],
  tools: { helm: 'v4.1.4', kustomize: 'v5.7.1', kubectl: 'v1.34.5', jsonnet: 'v0.18.0' },
  cacheHit: false,
};

beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false, maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('RedisManifestCache', () => {
  it('stores and returns rendered manifests with a TTL', async () => {
    const cache = new RedisManifestCache(redis, prefix);
    expect(await cache.get('k1')).toBeUndefined();
    await cache.set('k1', rendered, 60);
    expect(await cache.get('k1')).toEqual(rendered);
    const ttl = await redis.ttl(`${prefix}k1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('treats an unreadable entry as a miss', async () => {
    await redis.set(`${prefix}broken`, '{not json');
    expect(await new RedisManifestCache(redis, prefix).get('broken')).toBeUndefined();
  });
});
