import { Logger } from '@nestjs/common';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { describeRedis, type RedisClient, type RedisSettings } from '@berth/infra';

/** Bounds connecting and each command of a fail-fast connection: an API answer never waits longer. */
const FAIL_FAST_TIMEOUT_MS = 2_000;

/** Where a connection goes: REDIS_URL alone (a standalone server), or the config's settings with their topology. */
export type RedisTarget = string | RedisSettings;

/** The options Berth sets on a connection; with a Cluster they apply to every node's connection. */
export type RedisConnectionOptions = Pick<
  RedisOptions,
  | 'maxRetriesPerRequest'
  | 'enableOfflineQueue'
  | 'enableReadyCheck'
  | 'connectTimeout'
  | 'commandTimeout'
  | 'connectionName'
  | 'lazyConnect'
  | 'retryStrategy'
  | 'reconnectOnError'
>;

/**
 * Opens a connection to `target` whatever its topology: a standalone server (REDIS_URL), a Redis Cluster
 * (its slots map read from the seed nodes, each node connected with REDIS_URL's credentials and TLS) or
 * the master Sentinels name (followed across failovers). Every Redis connection of Berth comes from here,
 * so BERTH_REDIS_CLUSTER_NODES and BERTH_REDIS_SENTINELS reach all of them.
 */
export function openRedis(target: RedisTarget, options: RedisConnectionOptions): RedisClient {
  const settings = typeof target === 'string' ? standalone(target) : target;
  const topology = settings.topology;
  let client: RedisClient;
  if (topology.mode === 'cluster') {
    const { enableOfflineQueue, retryStrategy, lazyConnect, enableReadyCheck, ...perNode } = options;
    client = new Cluster(topology.nodes, {
      redisOptions: { ...credentialsOf(settings.url), ...perNode },
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
      enableReadyCheck: enableReadyCheck ?? true,
      // A cluster that cannot be reached is retried as a standalone server is (same backoff).
      clusterRetryStrategy:
        retryStrategy === undefined ? (times) => Math.min(times * 200, 2_000) : retryStrategy,
    });
  } else if (topology.mode === 'sentinel') {
    client = new Redis({
      ...credentialsOf(settings.url),
      ...options,
      sentinels: topology.sentinels,
      name: topology.masterName,
      ...(topology.sentinelPassword === undefined ? {} : { sentinelPassword: topology.sentinelPassword }),
    });
  } else {
    client = new Redis(settings.url, options);
  }
  targets.set(client, { settings, options });
  return client;
}

/**
 * A Redis connection for BullMQ workers. Workers need `maxRetriesPerRequest: null` (blocking commands
 * must not give up while Redis restarts); Redis holds queues and caches only, so losing it costs
 * speed, never history. Commands wait while Redis is away: never use it where a person waits for an
 * answer (see createFailFastRedis).
 */
export function createRedis(target: RedisTarget, name = 'berth'): RedisClient {
  return watched(
    openRedis(target, {
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
export function createFailFastRedis(target: RedisTarget, name = 'berth'): RedisClient {
  return watched(
    openRedis(target, {
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
 * Another connection to where `redis` goes (same topology and credentials) with other options: the
 * readiness probe's. A connection not opened by openRedis goes to its own host and port.
 */
export function openRedisLike(redis: RedisClient, options: RedisConnectionOptions): RedisClient {
  const known = targets.get(redis);
  if (known) return openRedis(known.settings, options);
  return openRedis(
    standalone(
      `redis://${(redis as Redis).options.host ?? '127.0.0.1'}:${(redis as Redis).options.port ?? 6379}`,
    ),
    options,
  );
}

/** The connection name a connection was opened with (`berth-worker`), for the names of its companions. */
export function redisConnectionName(redis: RedisClient): string | undefined {
  return targets.get(redis)?.options.connectionName ?? (redis as Redis).options.connectionName;
}

const targets = new WeakMap<RedisClient, { settings: RedisSettings; options: RedisConnectionOptions }>();

function standalone(url: string): RedisSettings {
  return { url, topology: { mode: 'standalone' } };
}

/** REDIS_URL's user, password, database and TLS, for the data nodes of a Cluster or a Sentinel master. */
function credentialsOf(url: string): Pick<RedisOptions, 'username' | 'password' | 'db' | 'tls'> {
  try {
    const parsed = new URL(url);
    const db = Number(parsed.pathname.slice(1) || '0');
    return {
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(Number.isInteger(db) && db > 0 ? { db } : {}),
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * True once the connection is ready; while a connection attempt is in flight (the first one at
 * start, or a reconnect) waits for its outcome, at most `timeoutMs`. False at once while the
 * connection waits to retry: Redis was just found unreachable.
 */
export async function readyWithin(redis: RedisClient, timeoutMs: number): Promise<boolean> {
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

/** `host:port` of a connection (or its cluster nodes, or its Sentinels), for messages (never the password). */
export function redisEndpoint(redis: RedisClient): string {
  const known = targets.get(redis);
  if (known) return describeRedis(known.settings);
  const options = (redis as Redis).options;
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}

/** Why a connection is not ready, in a few words (`connect ECONNREFUSED 127.0.0.1:6390`), if known. */
export function lastRedisError(redis: RedisClient): string | undefined {
  return lastErrors.get(redis);
}

const lastErrors = new WeakMap<RedisClient, string>();
/** Connections of one name and endpoint that are down: an outage is logged once, not per connection or retry. */
const down = new Map<string, number>();
const logger = new Logger('redis');

/**
 * Without an 'error' listener ioredis prints a stack trace on every reconnect attempt. This logs one
 * line when Redis becomes unreachable and one when it is back, per process role and endpoint.
 */
function watched(redis: RedisClient, name: string): RedisClient {
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
