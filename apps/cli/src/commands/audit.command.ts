import type { Command } from 'commander';
import { note, out, outputFormat, printStructured } from '../cli-session';
import { type AuditEntry, formatAudit, timeArgument } from '../format/audit.format';
import { parseDuration } from '../format/duration';
import { action, example } from './action';

interface AuditOptions {
  app?: string;
  actor?: string;
  type?: string;
  since?: string;
  until?: string;
  limit: string;
  cursor?: string;
  output?: string;
}

/** `berth audit`: Berth's event-sourced audit log (GET /api/v1/audit), newest first, one page at a time. */
export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description('Show the audit log: who did what, to which application, when')
    .option('--app <name>', 'only this application')
    .option('--actor <name>', 'only this actor')
    .option('--type <type>', 'only this event type, e.g. SyncRequested')
    .option('--since <time>', 'newer than a duration ago (24h) or a time (RFC 3339)')
    .option('--until <time>', 'older than a duration ago or a time')
    .option('--limit <n>', 'entries per page (1-1000)', '100')
    .option('--cursor <cursor>', 'the next page (printed after a full page)')
    .option('-o, --output <format>', 'json|yaml')
    .action(
      action<AuditOptions>(async (session, options) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
        const now = new Date();
        const time = (v: string | undefined, flag: string) =>
          v === undefined ? undefined : timeArgument(v, now, (t) => parseDuration(t, flag));
        const client = await session.client();
        const page = await client.get<{ items: AuditEntry[]; nextCursor: string | null }>(
          '/api/v1/audit',
          {
            application: options.app,
            actor: options.actor,
            type: options.type,
            since: time(options.since, '--since'),
            until: time(options.until, '--until'),
            limit: options.limit,
            cursor: options.cursor,
          },
          'audit log',
        );
        if (printStructured(format, page)) return;
        out(formatAudit(page.items));
        if (page.nextCursor) note(`more: add --cursor ${page.nextCursor}`);
      }),
    );
  example(
    audit,
    'berth audit --since 24h\nberth audit --app guestbook --type SyncRequested -o json\nberth audit --actor alice --since 2026-12-01T00:00:00Z',
  );
}
