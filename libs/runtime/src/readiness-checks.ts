import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { endpointOf } from '@berth/infra';
import { lastRedisError, readyWithin, redisEndpoint } from '@berth/queues';

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

/** Postgres answers `SELECT 1` on the process's pool. */
export async function postgresStatus(
  dataSource: DataSource,
  timeoutMs = READINESS_CHECK_TIMEOUT_MS,
): Promise<DependencyStatus> {
  const url = (dataSource.options as { url?: string }).url;
  try {
    await within(dataSource.query('SELECT 1'), timeoutMs);
    return { status: 'up' };
  } catch (error) {
    return {
      status: 'down',
      message: `Postgres at ${url ? endpointOf(url) : 'DATABASE_URL'} is not reachable (${(error as Error).message}): start it or fix DATABASE_URL`,
    };
  }
}

/**
 * The connection is up and Redis answers PING. A connection waiting to retry fails at once; one
 * whose connection attempt is in flight (just started, reconnecting) gets the timeout to finish it.
 */
export async function redisStatus(
  redis: Redis,
  timeoutMs = READINESS_CHECK_TIMEOUT_MS,
): Promise<DependencyStatus> {
  const down = (why: string): DependencyStatus => ({
    status: 'down',
    message: `Redis at ${redisEndpoint(redis)} is not reachable (${why}): start it or fix REDIS_URL`,
  });
  const started = Date.now();
  if (!(await readyWithin(redis, timeoutMs)))
    return down(lastRedisError(redis) ?? `connection ${redis.status}`);
  try {
    const pong = await within(redis.ping(), Math.max(1, timeoutMs - (Date.now() - started)));
    return pong === 'PONG' ? { status: 'up' } : down(`PING answered ${pong}`);
  } catch (error) {
    return down((error as Error).message);
  }
}
