import type { Client } from 'pg';
import type { BenchFigure, ScenarioOutcome } from '../bench-report';
import { summarize } from '../latency-stats';
import { connect, createMigratedDatabase, databaseUrl } from '../stack/bench-database';
import type { ScenarioContext } from './scenario-context';

/** Reused between runs: filling 10M events takes minutes, and the figures do not need a fresh log. */
/**
 * v2: the synthetic rows live in `bench-audit-*` streams, not `application-*` ones. Their data is shaped for
 * the audit queries only; an application stream of them would be folded (snapshots, read-model rebuilds).
 */
export const AUDIT_DATABASE = 'berth_bench_audit_v2';
const APPS_IN_LOG = 10_000;
const FILL_CHUNK = 250_000;
const QUERIES = 20;
const LOG_DAYS = 90;

/**
 * Audit queries on a big log: one application's history and a one-hour time range, through the
 * scheduler's REST API, each compared with the same SQL run bare on Postgres.
 */
export async function runAudit(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const started = Date.now();
  const target = ctx.options.auditEvents;
  const url = await createMigratedDatabase(AUDIT_DATABASE, { recreate: false });
  const client = await connect(AUDIT_DATABASE);
  let reused = false;
  try {
    const have = await eventCount(client);
    if (have >= target) reused = true;
    else await fill(ctx, client, have, target);
    const scheduler = await ctx.stack.startSchedulerOn('scheduler-audit', databaseUrl(AUDIT_DATABASE));
    try {
      const total = await eventCount(client);
      const [span] = (
        await client.query<{ first: Date; last: Date }>(
          `SELECT min(recorded_at) AS first, max(recorded_at) AS last FROM events`,
        )
      ).rows;
      const first = span!.first.getTime();
      const last = span!.last.getTime();
      ctx.progress.begin('audit: queries', QUERIES * 4);
      let n = 0;
      const app = (i: number) => `app-${(i * 7919) % APPS_IN_LOG}`;
      const range = (i: number) => {
        const since = new Date(first + ((last - first - 3_600_000) * i) / Math.max(1, QUERIES - 1));
        return { since, until: new Date(since.getTime() + 3_600_000) };
      };
      const apiApp: number[] = [];
      const apiRange: number[] = [];
      const sqlApp: number[] = [];
      const sqlRange: number[] = [];
      const appSql = `SELECT time, actor, application, event_type, summary, reason, data, correlation_id, position
        FROM audit_log WHERE application = $1 ORDER BY position DESC LIMIT 101`;
      const rangeSql = `SELECT time, actor, application, event_type, summary, reason, data, correlation_id, position
        FROM audit_log WHERE time >= $1 AND time < $2 ORDER BY position DESC LIMIT 101`;
      const timeHttp = async (path: string) => {
        const t0 = performance.now();
        const res = await fetch(`${scheduler.url}${path}`, {
          headers: { authorization: `Bearer ${scheduler.token}` },
        });
        const body = (await res.json()) as { items?: unknown[] };
        if (!res.ok || !Array.isArray(body.items)) throw new Error(`GET ${path}: HTTP ${res.status}`);
        return performance.now() - t0;
      };
      const timeSql = async (sql: string, params: unknown[]) => {
        const t0 = performance.now();
        await client.query(sql, params);
        return performance.now() - t0;
      };
      // Warm both paths once (connection pools, plan caches) so the samples measure steady state.
      await timeHttp(`/api/v1/audit?application=${app(0)}`);
      await timeSql(appSql, [app(0)]);
      for (let i = 0; i < QUERIES; i++) {
        const r = range(i);
        apiApp.push(await timeHttp(`/api/v1/audit?application=${app(i + 1)}`));
        sqlApp.push(await timeSql(appSql, [app(i + 1)]));
        apiRange.push(
          await timeHttp(`/api/v1/audit?since=${r.since.toISOString()}&until=${r.until.toISOString()}`),
        );
        sqlRange.push(await timeSql(rangeSql, [r.since, r.until]));
        ctx.progress.update((n += 4));
      }
      ctx.progress.end();
      const plan = async (sql: string, params: unknown[]) =>
        (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      const mid = range(Math.floor(QUERIES / 2));
      const s = {
        apiApp: summarize(apiApp),
        sqlApp: summarize(sqlApp),
        apiRange: summarize(apiRange),
        sqlRange: summarize(sqlRange),
      };
      const label = `${(total / 1e6).toFixed(total >= 1e6 ? 0 : 2)}M events`;
      const figures: BenchFigure[] = [
        {
          scenario: 'audit',
          name: `bare SQL, one app's history, ${label}`,
          key: 'limit.audit-app-sql-ms',
          value: s.sqlApp.p50,
          unit: 'ms p50',
        },
        {
          scenario: 'audit',
          name: `one app's history via API, ${label}`,
          value: s.apiApp.p50,
          unit: 'ms p50',
          limit: 'limit.audit-app-sql-ms',
          compare: 'time',
        },
        {
          scenario: 'audit',
          name: `one app's history via API, ${label}`,
          value: s.apiApp.p95,
          unit: 'ms p95',
        },
        {
          scenario: 'audit',
          name: `bare SQL, 1-hour range, ${label}`,
          key: 'limit.audit-range-sql-ms',
          value: s.sqlRange.p50,
          unit: 'ms p50',
        },
        {
          scenario: 'audit',
          name: `1-hour time range via API, ${label}`,
          value: s.apiRange.p50,
          unit: 'ms p50',
          limit: 'limit.audit-range-sql-ms',
          compare: 'time',
        },
        {
          scenario: 'audit',
          name: `1-hour time range via API, ${label}`,
          value: s.apiRange.p95,
          unit: 'ms p95',
        },
      ];
      return {
        scenario: 'audit',
        status: 'ok',
        ...(reused ? { reason: `reused ${AUDIT_DATABASE} (${total} events already filled)` } : {}),
        seconds: (Date.now() - started) / 1000,
        figures,
        details: {
          events: total,
          reusedDatabase: reused,
          databaseUrl: url.replace(/\/\/[^@]*@/, '//'),
          latencies: s,
          plans: {
            appHistory: await plan(appSql, [app(1)]),
            timeRange: await plan(rangeSql, [mid.since, mid.until]),
          },
        },
      };
    } finally {
      await scheduler.process.stop();
    }
  } finally {
    await client.end();
  }
}

async function eventCount(client: Client): Promise<number> {
  // The sequence is exact for a log nobody deletes from, and cheap where count(*) scans 10M rows.
  const [row] = (await client.query<{ n: string }>(`SELECT COALESCE(max(position), 0) AS n FROM events`))
    .rows;
  return Number(row?.n ?? 0);
}

/** Fills the log up to `target` events with one INSERT ... SELECT generate_series per chunk. */
async function fill(ctx: ScenarioContext, client: Client, have: number, target: number): Promise<void> {
  ctx.progress.begin(`audit: filling ${AUDIT_DATABASE}`, target);
  ctx.progress.update(have);
  // One NOTIFY per statement is harmless, but nobody listens here and the fill should be bare.
  await client.query(`ALTER TABLE events DISABLE TRIGGER events_notify`);
  try {
    for (let from = have + 1; from <= target; from += FILL_CHUNK) {
      const to = Math.min(target, from + FILL_CHUNK - 1);
      await client.query(
        `INSERT INTO events (position, stream_id, stream_version, type, data, metadata, recorded_at)
         SELECT g,
                'bench-audit-app-' || (g % $3),
                g / $3 + 1,
                (ARRAY['RefreshRequested','SyncRequested','SyncOperationSucceeded','SyncStatusChanged','HealthStatusChanged','ApplicationSpecChanged'])[1 + g % 6],
                jsonb_build_object('application', 'app-' || (g % $3), 'summary', 'bench event ' || g, 'revision', md5(g::text)),
                jsonb_build_object('actor', (ARRAY['alice','bob','system:worker','system:scheduler'])[1 + g % 4], 'correlationId', md5((g / 3)::text)),
                now() - make_interval(days => $5) + make_interval(secs => g::double precision / $4 * $5 * 86400)
         FROM generate_series($1::bigint, $2::bigint) AS g`,
        [from, to, APPS_IN_LOG, target, LOG_DAYS],
      );
      ctx.progress.update(to);
    }
    await client.query(`SELECT setval(pg_get_serial_sequence('events', 'position'), $1)`, [target]);
    await client.query(`ANALYZE events`);
  } finally {
    await client.query(`ALTER TABLE events ENABLE TRIGGER events_notify`);
    ctx.progress.end();
  }
}
