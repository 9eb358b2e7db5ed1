import { Client } from 'pg';
import { endpointOf } from '@berth/infra';
import { UNREACHABLE } from './startup-failure';

/** SQLSTATEs of a Postgres that answers but cannot take a session yet (or right now). */
const NOT_YET: Record<string, string> = {
  '57P03': 'starting up or shutting down',
  '57P01': 'shutting down',
  '53300': 'too many connections',
};

/**
 * Why an error of a connection attempt is worth waiting out (Postgres not there yet, starting, full),
 * in a few words; undefined for an error retrying cannot fix (a refused user, a missing database).
 */
export function transientPostgresError(error: unknown): string | undefined {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (UNREACHABLE[code]) return UNREACHABLE[code];
  if (NOT_YET[code]) return `${NOT_YET[code]}: ${message}`;
  if (/timeout|timed out/i.test(message)) return 'no answer within 5 s';
  if (/Connection terminated/i.test(message)) return 'connection closed by the server';
  return undefined;
}

export interface PostgresWaitOptions {
  /** Called before each pause with the line to log, e.g. `waiting for Postgres at db:5432: connection refused`. */
  onWaiting: (line: string) => void;
  /** First pause; doubles up to maxDelayMs. Default 500 ms. */
  firstDelayMs?: number;
  /** Default 5 s: Postgres back is noticed within 5 s. */
  maxDelayMs?: number;
  /** A connection attempt gives up after this. Default 5 s, as the process's pool. */
  connectTimeoutMs?: number;
}

/**
 * Resolves once Postgres at `databaseUrl` takes a session and answers `SELECT 1`. While it is
 * unreachable, starting up or full, tries again with backoff (0.5 s doubling to 5 s), one line per
 * attempt. Throws at once an error retrying cannot fix (wrong user, missing database): the process
 * ends with its one line (docs/dependency-failures.md).
 */
export async function waitForPostgres(databaseUrl: string, options: PostgresWaitOptions): Promise<void> {
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let delayMs = options.firstDelayMs ?? 500;
  for (;;) {
    const client = new Client({
      connectionString: databaseUrl,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      application_name: 'berth-startup',
    });
    client.on('error', () => undefined); // the attempt's error is the rejection below
    const failure = await client
      .connect()
      .then(() => client.query('SELECT 1'))
      .then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
    await client.end().catch(() => undefined);
    if (!failure) return;
    const reason = transientPostgresError(failure.error);
    if (!reason) throw failure.error;
    options.onWaiting(
      `waiting for Postgres at ${endpointOf(databaseUrl)}: ${reason}; next attempt in ${formatDelay(delayMs)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(maxDelayMs, delayMs * 2);
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}
