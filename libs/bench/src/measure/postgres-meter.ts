import pidusage from 'pidusage';
import type { Client } from 'pg';

export interface PostgresCounters {
  /** Committed + rolled back transactions in the database. */
  transactions: number;
  rowsWritten: number;
  rowsRead: number;
  /** CPU seconds of the backends serving the database (the server's own processes excluded). */
  backendCpuSeconds: number;
  /** The same, per backend pid: a diff only counts what each backend used in between. */
  backendCpuByPid: Map<number, number>;
  events: number;
}

/**
 * Reads per-database counters from pg_stat_database and the CPU time of the database's backends
 * (by pid, from /proc via pidusage). Backends that closed between two samples are lost, which is
 * why the harness keeps its pools open across a measurement.
 */
export class PostgresMeter {
  constructor(
    private readonly client: Client,
    private readonly database: string,
  ) {}

  async sample(): Promise<PostgresCounters> {
    // Statistics are flushed by each backend at most once a second (PG 15); force ours, then read.
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    const [stats] = (
      await this.client.query<{ xacts: string; written: string; read: string }>(
        `SELECT xact_commit + xact_rollback AS xacts, tup_inserted + tup_updated + tup_deleted AS written,
                tup_fetched AS read FROM pg_stat_database WHERE datname = $1`,
        [this.database],
      )
    ).rows;
    const pids = (
      await this.client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [this.database],
      )
    ).rows.map((r) => r.pid);
    let cpu = 0;
    const byPid = new Map<number, number>();
    for (const pid of pids) {
      try {
        const seconds = (await pidusage(pid)).ctime / 1000;
        byPid.set(pid, seconds);
        cpu += seconds;
      } catch {
        // the backend ended between the query and the read
      }
    }
    const [count] = (await this.client.query<{ n: string }>(`SELECT count(*) AS n FROM events`)).rows;
    return {
      transactions: Number(stats?.xacts ?? 0),
      rowsWritten: Number(stats?.written ?? 0),
      rowsRead: Number(stats?.read ?? 0),
      backendCpuSeconds: cpu,
      backendCpuByPid: byPid,
      events: Number(count?.n ?? 0),
    };
  }
}

/**
 * `after - before`. Backend CPU is summed per pid (a backend that started in between counts from zero), so a
 * backend that closed in between is missing from the figure rather than making it negative.
 */
export function diffCounters(after: PostgresCounters, before: PostgresCounters): PostgresCounters {
  const byPid = new Map<number, number>();
  for (const [pid, seconds] of after.backendCpuByPid)
    byPid.set(pid, Math.max(0, seconds - (before.backendCpuByPid.get(pid) ?? 0)));
  return {
    transactions: after.transactions - before.transactions,
    rowsWritten: after.rowsWritten - before.rowsWritten,
    rowsRead: after.rowsRead - before.rowsRead,
    backendCpuSeconds: [...byPid.values()].reduce((a, b) => a + b, 0),
    backendCpuByPid: byPid,
    events: after.events - before.events,
  };
}
