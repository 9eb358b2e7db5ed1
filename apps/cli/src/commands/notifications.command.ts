import type { Command } from 'commander';
import { note, out, outputFormat, printStructured } from '../cli-session';
import { serverUrl } from '../config/cli-config';
import { renderTable } from '../format/table';
import { ApiClient } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

interface Delivery {
  createdAt: string;
  application: string;
  trigger: string;
  service: string;
  recipient: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

/**
 * `berth notifications deliveries`: the notifier's delivery log. The notifier serves it on its own port,
 * not the scheduler: `--notifier URL` (or BERTH_NOTIFIER_URL), with the same token.
 */
export function registerNotifications(program: Command): void {
  const notifications = program.command('notifications').description('Inspect notification deliveries');
  const deliveries = notifications
    .command('deliveries')
    .description('List notification deliveries, newest first')
    .option('--app <name>', 'only this application')
    .option('--status <status>', 'only deliveries in this status, e.g. failed')
    .option('--limit <n>', 'entries per page (1-500)', '50')
    .option('--cursor <cursor>', 'the next page')
    .option('--notifier <url>', "the notifier's address (or BERTH_NOTIFIER_URL), e.g. http://localhost:3002")
    .option('-o, --output <format>', 'json|yaml')
    .action(
      action<{
        app?: string;
        status?: string;
        limit: string;
        cursor?: string;
        notifier?: string;
        output?: string;
      }>(async (session, options) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
        const notifier = options.notifier ?? process.env['BERTH_NOTIFIER_URL'];
        const server = await session.client();
        if (!notifier)
          throw new CliError([
            `the delivery log is not served by the server at ${server.server}: it is the notifier's (GET /api/v1/notifications/deliveries on its port); pass --notifier http://host:port or set BERTH_NOTIFIER_URL`,
          ]);
        const token = server.token;
        const client = new ApiClient({
          server: serverUrl(notifier, true),
          ...(token ? { token } : {}),
          insecure: session.options.insecure === true,
        });
        const page = await client.get<{ items: Delivery[]; nextCursor?: string }>(
          '/api/v1/notifications/deliveries',
          { application: options.app, status: options.status, limit: options.limit, cursor: options.cursor },
          'notification deliveries',
        );
        if (printStructured(format, page)) return;
        out(
          renderTable(
            ['CREATED', 'APPLICATION', 'TRIGGER', 'SERVICE', 'RECIPIENT', 'STATUS', 'ATTEMPTS', 'ERROR'],
            page.items.map((d) => [
              d.createdAt,
              d.application,
              d.trigger,
              d.service,
              d.recipient,
              d.status,
              String(d.attempts),
              d.lastError ?? '',
            ]),
          ),
        );
        if (page.nextCursor) note(`more: add --cursor ${page.nextCursor}`);
      }),
    );
  example(
    deliveries,
    'berth notifications deliveries --notifier http://localhost:3002 --app guestbook --status failed',
  );
}
