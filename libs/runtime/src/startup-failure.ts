import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '@berth/event-store';
import { describeRedis, type RedisSettings, userOf, withoutSecrets } from '@berth/infra';
import { openRedis, type RedisTarget } from '@berth/queues';
import { StartupError } from './startup-error';

/** The settings a startup failure may concern, for naming where it happened. */
export interface StartupSettings {
  databaseUrl?: string;
  /** BERTH_DATABASE_LISTEN_URL: may carry a password of its own (PgBouncer's user differs from Postgres's). */
  databaseListenUrl?: string;
  redisUrl?: string;
}

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  severity?: unknown;
  port?: number | string;
  hostname?: unknown;
  driverError?: unknown;
}

/** Socket errors that mean "nobody answers there (now)", in a few words. */
export const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
};

/**
 * One line for an error that stopped a process during start. Postgres failures are told apart by the
 * error's SQLSTATE or socket code; anything else is "could not start: <message>".
 */
export function describeStartupFailure(error: unknown, settings: StartupSettings): string {
  const secrets = [settings.databaseUrl, settings.databaseListenUrl, settings.redisUrl];
  if (error instanceof StartupError) return withoutSecrets(error.message, secrets);
  const e = ((error as ErrorFields | undefined)?.driverError ?? error) as ErrorFields | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const db = settings.databaseUrl ? postgresTarget(settings.databaseUrl) : undefined;
  if (db) {
    const { host, port, database, user } = db;
    let line: string | undefined;
    if (code === '3D000') {
      line = `database "${database}" does not exist on Postgres at ${host}: create it with \`npm run migrate\` (it creates a missing database) or fix the database name in DATABASE_URL`;
    } else if (code === '28P01' || code === '28000') {
      line = `Postgres at ${host} refused user "${user}" (${message}): fix the user or password in DATABASE_URL, or grant the user access`;
    } else if (UNREACHABLE[code] && (e?.port === undefined || String(e.port) === port)) {
      line = `Postgres at ${host} is unreachable (${UNREACHABLE[code]}): start Postgres or fix the host and port in DATABASE_URL`;
    } else if (/timeout/i.test(message) && /connect/i.test(message)) {
      line = `Postgres at ${host} did not answer (${message}): start Postgres or fix the host and port in DATABASE_URL`;
    } else if (typeof e?.severity === 'string') {
      line = `Postgres at ${host}/${database} refused to start a session (${code} ${message}): check DATABASE_URL`;
    }
    if (line) return withoutSecrets(line, secrets);
  }
  return withoutSecrets(
    `could not start: ${message} (LOG_LEVEL=debug prints the stack trace)`.replace(/\s*\n\s*/g, ' '),
    secrets,
  );
}

function postgresTarget(url: string) {
  try {
    const u = new URL(url);
    const port = u.port || '5432';
    // As libpq: the user defaults to PGUSER or the OS user, the database to the user's name.
    const user = userOf(url) ?? process.env['PGUSER'] ?? process.env['USER'] ?? 'postgres';
    const database = decodeURIComponent(u.pathname.slice(1)) || user;
    return { host: `${u.hostname}:${port}`, port, database, user };
  } catch {
    return undefined;
  }
}

/** Stops a start on a database whose schema is older than this build (`npm run migrate` not run). */
export async function assertMigrated(dataSource: DataSource, databaseUrl: string): Promise<void> {
  const [table] = await dataSource.query<Array<{ present: boolean }>>(
    `SELECT to_regclass('migrations') IS NOT NULL AS present`,
  );
  const applied = table?.present
    ? new Set(
        (await dataSource.query<Array<{ name: string }>>(`SELECT name FROM migrations`)).map((r) => r.name),
      )
    : new Set<string>();
  const pending = MIGRATIONS.filter((m) => !applied.has(m.name));
  if (pending.length === 0) return;
  const target = postgresTarget(databaseUrl);
  const where = target ? `database "${target.database}" on Postgres at ${target.host}` : 'the database';
  throw new StartupError(
    applied.size === 0
      ? `${where} has no Berth tables: run \`npm run migrate\` with the same DATABASE_URL`
      : `${where} misses ${pending.length} migration(s) of this version (${pending.map((m) => m.name).join(', ')}): run \`npm run migrate\` with the same DATABASE_URL`,
  );
}

/**
 * Redis at start. Unreachable is not fatal: Redis holds queues only, the process starts, reports
 * not-ready on /readyz and reconnects by itself (the usual behaviour of a Kubernetes workload). A
 * Redis that answers but refuses the credentials is a configuration error: retrying cannot fix it.
 * Returns why Redis is unreachable, or undefined when it answered.
 */
export async function checkRedisAtStart(target: RedisTarget, timeoutMs = 2_000): Promise<string | undefined> {
  const probe = openRedis(target, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    connectionName: 'berth-startup-check',
  });
  // ioredis rejects connect() with "Connection is closed."; the reason came as an 'error' event.
  let reason: Error | undefined;
  probe.on('error', (error: Error) => (reason ??= error));
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (error) {
    const message = (reason ?? (error as Error)).message;
    if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) {
      throw new StartupError(
        `Redis at ${describeRedis(settingsOf(target))} refused the credentials in REDIS_URL (${message.split('\n')[0]}): fix the user or password in REDIS_URL`,
      );
    }
    return message;
  } finally {
    probe.disconnect();
  }
}

/** REDIS_URL alone is a standalone server. */
export function settingsOf(target: RedisTarget): RedisSettings {
  return typeof target === 'string' ? { url: target, topology: { mode: 'standalone' } } : target;
}
