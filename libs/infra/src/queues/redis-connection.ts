import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null` (blocking commands
 * must not give up while Redis restarts); Redis holds queues and caches only, so losing it
 * costs speed, never history.
 */
export function createRedis(redisUrl: string, name = 'berth'): Redis {
  return new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    lazyConnect: false,
  });
}
