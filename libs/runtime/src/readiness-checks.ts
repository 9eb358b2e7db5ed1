import { Logger } from '@nestjs/common';
import { type ClientBase, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { endpointOf, type RedisClient } from '@berth/infra';
import { openRedisLike, readyWithin, redisConnectionName, redisEndpoint } from '@berth/queues';

/**
 * Each dependency check of /readyz answers within this, so /readyz answers within 2 s whatever the
 * dependencies do (a closed port, a host that drops packets, a Redis that stopped answering).
 */
export const READINESS_CHECK_TIMEOUT_MS = 1_500;

export type DependencyStatus = { status: 'up' } | { status: 'down'; message: string };

async function within<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The probe connections of each process's Postgres pool and Redis connection. A check never goes
 * through the connection that does the work: a pool whose clients are all busy (or being replaced
 * after a Postgres restart) would report Postgres down, and a command on a worker's Redis
 * connection (no command timeout, offline queue on) would wait until Redis is back.
 */
const postgresProbes = new WeakMap<DataSource, Pool>();
/** Postgres endpoints found down by the last check: an outage is logged when it starts and when it ends. */
const postgresDown = new Set<string>();
const logger = new Logger('postgres');
const redisProbes = new WeakMap<RedisClient, RedisClient>();

function postgresProbeOf(dataSource: DataSource, timeoutMs: number): Pool {
  let pool = postgresProbes.get(dataSource);
  if (pool) return pool;
  const options = dataSource.options as { url?: string; extra?: Record<string, unknown> };
  const applicationName = options.extra?.['application_name'];
  pool = new Pool({
    ...options.extra,
    connectionString: options.url,
    application_name: `${typeof applicationName === 'string' ? applicationName : 'berth'}-readiness`,
    max: 1,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    idleTimeoutMillis: 10_000,
    // An idle probe connection never keeps a stopping process (or a test run) alive.
    allowExitOnIdle: true,
    // A checked-out client has no 'error' listener of the pool's: Postgres ending the session between
    // connect and query (a restart) must fail the check, never become an uncaught exception.
    onConnect: (client: ClientBase) => {
      client.on('error', () => undefined);
    },
  });
  // An idle probe connection that Postgres ends (a restart) is dropped by the pool; the next check opens another.
  pool.on('error', () => undefined);
  postgresProbes.set(dataSource, pool);
  return pool;
}

/** Postgres answers `SELECT 1` on a probe connection of its own (same URL and settings as the process's pool). */
export async function postgresStatus(
  dataSource: DataSource,
  timeoutMs = READINESS_CHECK_TIMEOUT_MS,
): Promise<DependencyStatus> {
  const url = (dataSource.options as { url?: string }).url;
  const probe = postgresProbeOf(dataSource, timeoutMs);
  const check = async () => {
    const client = await probe.connect();
    try {
      await client.query('SELECT 1');
      client.release();
    } catch (error) {
      client.release(true); // a connection that failed a query is not trusted with the next check
      throw error;
    }
  };
  const endpoint = url ? endpointOf(url) : 'DATABASE_URL';
  try {
    await within(check(), timeoutMs);
    if (postgresDown.delete(endpoint)) logger.log(`Postgres at ${endpoint} is reachable again`);
    return { status: 'up' };
  } catch (error) {
    const why = (error as Error).message;
    if (!postgresDown.has(endpoint)) {
      postgresDown.add(endpoint);
      logger.warn(`Postgres at ${endpoint} is unreachable (${why}); /readyz answers 503 until it is back`);
    }
    return {
      status: 'down',
      message: `Postgres at ${endpoint} is not reachable (${why}): start it or fix DATABASE_URL`,
    };
  }
}

/**
 * The probe connection of a Redis connection: same endpoint and credentials, no offline queue, no
 * background reconnects (each check whose connection has ended opens a new one, so the answer is
 * about now), every command bounded. It ends with the connection it probes for.
 */
function redisProbeOf(redis: RedisClient, timeoutMs: number): RedisClient {
  const current = redisProbes.get(redis);
  if (current && current.status !== 'end') return current;
  const probe = openRedisLike(redis, {
    connectionName: `${redisConnectionName(redis) ?? 'berth'}-readiness`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    lazyConnect: false,
  });
  // Why it is down is told by the check; the process's own connections log the outage.
  probe.on('error', (error: Error) => lastProbeErrors.set(probe, error.message));
  if (!current) redis.once('end', () => redisProbes.get(redis)?.disconnect());
  redisProbes.set(redis, probe);
  return probe;
}

const lastProbeErrors = new WeakMap<RedisClient, string>();

/**
 * Redis answers PING on a probe connection of its own (never the queue's offline buffer), and the
 * process's connection `redis` is ready. A connection attempt in flight gets the timeout to finish;
 * one found closed answers down at once with the reason.
 */
export async function redisStatus(
  redis: RedisClient,
  timeoutMs = READINESS_CHECK_TIMEOUT_MS,
): Promise<DependencyStatus> {
  const down = (why: string): DependencyStatus => ({
    status: 'down',
    message: `Redis at ${redisEndpoint(redis)} is not reachable (${why}): start it or fix REDIS_URL`,
  });
  const probe = redisProbeOf(redis, timeoutMs);
  const started = Date.now();
  if (!(await readyWithin(probe, timeoutMs)))
    return down(lastProbeErrors.get(probe) ?? `no connection within ${timeoutMs} ms`);
  const left = () => Math.max(1, timeoutMs - (Date.now() - started));
  try {
    const pong = await within(probe.ping(), left());
    if (pong !== 'PONG') return down(`PING answered ${pong}`);
  } catch (error) {
    return down((error as Error).message);
  }
  // Redis answers; the process can use it once its own connection is back too (it retries on a
  // backoff of its own, up to 2 s after Redis returns).
  if (!(await readyWithin(redis, left())))
    return down(`Redis answers, but this process's connection has not reconnected yet (${redis.status})`);
  return { status: 'up' };
}
