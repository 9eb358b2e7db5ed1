import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

/** Bounds connecting and each command of a fail-fast connection: an API answer never waits longer. */
const FAIL_FAST_TIMEOUT_MS = 2_000;

/**
 * A Redis connection for BullMQ workers. Workers need `maxRetriesPerRequest: null` (blocking commands
 * must not give up while Redis restarts); Redis holds queues and caches only, so losing it costs
 * speed, never history. Commands wait while Redis is away: never use it where a person waits for an
 * answer (see createFailFastRedis).
 */
export function createRedis(redisUrl: string, name = 'berth'): Redis {
  return watched(
    new Redis(redisUrl, {
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      connectionName: name,
      lazyConnect: false,
    }),
    name,
  );
}

/**
 * A Redis connection for producers that answer people (the API): while Redis is away a command
 * fails at once instead of waiting in ioredis's offline queue (BullMQ's "failing fast when Redis is
 * down" pattern), and no command or connect attempt takes longer than 2 s. It keeps reconnecting in
 * the background, so the API is available again as soon as Redis is. JobQueues on it fails fast.
 */
export function createFailFastRedis(redisUrl: string, name = 'berth'): Redis {
  return watched(
    new Redis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: FAIL_FAST_TIMEOUT_MS,
      commandTimeout: FAIL_FAST_TIMEOUT_MS,
      enableReadyCheck: true,
      connectionName: name,
      lazyConnect: false,
    }),
    name,
  );
}

/**
 * True once the connection is ready; while a connection attempt is in flight (the first one at
 * start, or a reconnect) waits for its outcome, at most `timeoutMs`. False at once while the
 * connection waits to retry: Redis was just found unreachable.
 */
export async function readyWithin(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  if (!['wait', 'connecting', 'connect'].includes(redis.status)) return false;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('close', onClose);
      resolve(ready);
    };
    const onReady = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(redis.status === 'ready'), timeoutMs);
    redis.on('ready', onReady);
    redis.on('close', onClose);
  });
}

/** `host:port` of a connection, for messages (never the password). */
export function redisEndpoint(redis: Redis): string {
  return `${redis.options.host ?? '127.0.0.1'}:${redis.options.port ?? 6379}`;
}

/** Why a connection is not ready, in a few words (`connect ECONNREFUSED 127.0.0.1:6390`), if known. */
export function lastRedisError(redis: Redis): string | undefined {
  return lastErrors.get(redis);
}

const lastErrors = new WeakMap<Redis, string>();
/** Connections of one name and endpoint that are down: an outage is logged once, not per connection or retry. */
const down = new Map<string, number>();
const logger = new Logger('redis');

/**
 * Without an 'error' listener ioredis prints a stack trace on every reconnect attempt. This logs one
 * line when Redis becomes unreachable and one when it is back, per process role and endpoint.
 */
function watched(redis: Redis, name: string): Redis {
  const key = `${name}@${redisEndpoint(redis)}`;
  let isDown = false;
  redis.on('error', (error: Error) => {
    lastErrors.set(redis, error.message);
    if (isDown) return;
    isDown = true;
    const n = (down.get(key) ?? 0) + 1;
    down.set(key, n);
    if (n === 1)
      logger.warn(`Redis at ${redisEndpoint(redis)} is unreachable (${error.message}); retrying (${name})`);
  });
  redis.on('ready', () => {
    lastErrors.delete(redis);
    if (!isDown) return;
    isDown = false;
    const n = (down.get(key) ?? 1) - 1;
    if (n <= 0) {
      down.delete(key);
      logger.log(`Redis at ${redisEndpoint(redis)} is reachable again (${name})`);
    } else down.set(key, n);
  });
  return redis;
}
