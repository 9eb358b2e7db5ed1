import { renderTable } from './table';

/** One row of `GET /api/v1/audit` (the audit_log view). */
export interface AuditEntry {
  time: string;
  actor: string | null;
  application: string | null;
  event_type: string;
  summary: string;
  reason?: string | null;
  position: string;
}

/** `berth audit`: TIME ACTOR APPLICATION TYPE SUMMARY, newest first as the server pages it. */
export function formatAudit(items: AuditEntry[]): string {
  return renderTable(
    ['TIME', 'ACTOR', 'APPLICATION', 'TYPE', 'SUMMARY'],
    items.map((e) => [
      e.time,
      e.actor ?? '',
      e.application ?? '',
      e.event_type,
      e.reason ? `${e.summary} (${e.reason})` : e.summary,
    ]),
  );
}

/** `--since 24h` / `--until 1h` as RFC 3339: a duration back from `now`, or a time as given. */
export function timeArgument(value: string, now: Date, parse: (text: string) => number): string {
  if (/^\d{4}-\d\d-\d\d/.test(value)) {
    const at = Date.parse(value);
    if (Number.isNaN(at))
      throw new Error(`${value}: not a time; use RFC 3339 (2026-12-04T10:00:00Z) or a duration (24h)`);
    return new Date(at).toISOString();
  }
  return new Date(now.getTime() - parse(value)).toISOString();
}
