import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { type PrivateRedis, startPrivateRedis } from './private-redis';

async function ping(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  let reason = '';
  client.on('error', (error: Error & { code?: string }) => (reason ||= error.code ?? error.message));
  try {
    await client.connect();
    return await client.ping();
  } catch {
    return reason;
  } finally {
    client.disconnect();
  }
}

describe('PrivateRedis: a Redis of its own, on a loopback port', () => {
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  it('answers on its own port, never on 6379', async () => {
    expect(redis.port).not.toBe(6379);
    expect(await ping(redis.url())).toBe('PONG');
  });

  it('a restart refuses connections in between and comes back empty (no persistence)', async () => {
    const client = new Redis(redis.url());
    await client.set('kept', '1');
    client.disconnect();
    await redis.stop();
    expect(await ping(redis.url())).toBe('ECONNREFUSED');
    await redis.start();
    const again = new Redis(redis.url());
    expect(await again.get('kept')).toBeNull();
    again.disconnect();
  });

  it('kill -9, then start', async () => {
    await redis.kill();
    expect(redis.running).toBe(false);
    expect(await ping(redis.url())).toBe('ECONNREFUSED');
    await redis.start();
    expect(await ping(redis.url())).toBe('PONG');
  });
});
