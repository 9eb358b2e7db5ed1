import { endpointOf } from '../config/dependency-endpoint';
import { describeRedis, type RedisSettings } from '../config/redis-settings';

/**
 * What a 503 names: the event log, the queues, the disk under BERTH_DATA_DIR, or an application's
 * destination cluster (a read the API server passes on to it, such as the events of a resource).
 */
export type Dependency = 'postgres' | 'redis' | 'data-dir' | 'cluster';

/**
 * Postgres or Redis cannot be reached: the API answers 503 Unavailable (as Argo CD does when its
 * backing store fails) with this message, which says whether the request was recorded and what to
 * retry. Never carries a password: messages name the endpoint (host:port/db) only.
 */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  readonly code = 'Unavailable';

  constructor(
    readonly dependency: Dependency,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A new connection could not be made: nothing reached Postgres. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
]);
/** Postgres refuses new sessions: cannot_connect_now (starting up, shutting down), too_many_connections. */
const CONNECT_SQLSTATES = new Set(['57P03', '53300']);
/** An open connection broke: a statement in flight may or may not have been committed. */
const BROKEN_CODES = new Set(['ECONNRESET', 'EPIPE']);
const BROKEN_MESSAGES = [
  'Connection terminated unexpectedly',
  'Client has encountered a connection error and is not queryable',
];
const CONNECT_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
];

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  port?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/** The error and what it wraps (TypeORM's QueryFailedError.driverError, Error.cause). */
function chain(error: unknown): ErrorFields[] {
  const out: ErrorFields[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const e = current as ErrorFields;
    out.push(e);
    current = e.driverError ?? e.cause;
  }
  return out;
}

/**
 * A Postgres connection failure as DependencyUnavailableError, or undefined for any other error.
 * Socket errors count only when they name the database's port: the API also talks to Git servers
 * and clusters, whose failures are not Berth being unavailable.
 */
export function postgresUnavailable(
  error: unknown,
  databaseUrl: string,
): DependencyUnavailableError | undefined {
  if (error instanceof DependencyUnavailableError) return error.dependency === 'postgres' ? error : undefined;
  const port = Number(URL.canParse(databaseUrl) ? new URL(databaseUrl).port || 5432 : 5432);
  for (const e of chain(error)) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    const ourSocket = e.port === undefined || e.port === port;
    const refused =
      (CONNECT_CODES.has(code) && ourSocket) ||
      CONNECT_SQLSTATES.has(code) ||
      CONNECT_MESSAGES.some((m) => message.includes(m));
    if (refused) {
      return new DependencyUnavailableError(
        'postgres',
        `Postgres (the event log) at ${endpointOf(databaseUrl)} is unreachable (${message}); the request was not recorded: retry it once GET /readyz answers 200`,
        { cause: error },
      );
    }
    const broken =
      (BROKEN_CODES.has(code) && ourSocket) ||
      code.startsWith('08') ||
      code === '57P01' ||
      code === '57P02' ||
      BROKEN_MESSAGES.some((m) => message.includes(m));
    if (broken) {
      return new DependencyUnavailableError(
        'postgres',
        `Postgres (the event log) at ${endpointOf(databaseUrl)} went away during the request (${message}); it may have been recorded just before: GET the resource to see, and retry once GET /readyz answers 200`,
        { cause: error },
      );
    }
  }
  return undefined;
}

/**
 * Where Redis is: REDIS_URL, the config's settings (a Cluster or Sentinels), or a connection's own
 * description (`redisEndpoint`, `host:port` or `cluster a:1,b:2`).
 */
export type RedisWhere = string | RedisSettings;

function whereIs(where: RedisWhere): string {
  if (typeof where !== 'string') return describeRedis(where);
  return /^rediss?:\/\//.test(where) ? endpointOf(where) : where;
}

/** ioredis's errors when it cannot run a command now (offline queue disabled, closed, timed out). */
const REDIS_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Command timed out',
  'Reached the max retries per request limit',
];

/** A Redis failure from a caller that did not wrap it (e.g. the manifest cache), or undefined. */
export function redisUnavailable(
  error: unknown,
  redisUrl: RedisWhere,
): DependencyUnavailableError | undefined {
  if (error instanceof DependencyUnavailableError) return error.dependency === 'redis' ? error : undefined;
  for (const e of chain(error)) {
    const message = typeof e.message === 'string' ? e.message : '';
    if (REDIS_MESSAGES.some((m) => message.includes(m))) return redisDown(redisUrl, message, error);
  }
  return undefined;
}

/**
 * The 503 for a job that could not be queued. The API checks Redis before it records a request
 * (JobQueues.assertAvailable, "nothing was recorded"); this one is for Redis failing after that
 * check, or for calls that record nothing (webhooks, the manifest cache).
 */
export function redisDown(redisUrl: RedisWhere, detail: string, cause?: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError(
    'redis',
    `Redis (the job queues) at ${whereIs(redisUrl)} is unreachable (${detail}); the job was not queued: retry once GET /readyz answers 200 (a request that was already recorded is carried out when Redis is back: GET the resource to see)`,
    { cause },
  );
}
