import type { RedisClient } from '@berth/infra';
import type { RenderedManifests } from './rendered-manifests.types';
import type { ManifestCache } from './manifest-cache.port';

/**
 * Manifest cache in Redis, shared by every worker. Values are JSON under `<prefix><key>` with
 * a TTL; an unreadable entry counts as a miss (it is overwritten by the next render).
 */
export class RedisManifestCache implements ManifestCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'berth:manifests:',
  ) {}

  async get(key: string): Promise<RenderedManifests | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as RenderedManifests;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: RenderedManifests, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', Math.max(1, Math.round(ttlSeconds)));
  }
}
