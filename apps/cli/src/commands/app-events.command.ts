import type { Command } from 'commander';
import { out, outputFormat } from '../cli-session';
import type { RecordedEvent } from '../format/application';
import { renderTable } from '../format/table';
import { action, example } from './action';
import { appAudit } from './app-reads';

/** A short, one-line view of an event's data for the table: the JSON, cut. */
const dataText = (data: Record<string, unknown>) => {
  const { application: _application, ...rest } = data;
  const text = JSON.stringify(rest);
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
};

const row = (e: RecordedEvent) => [
  e.position ?? '',
  e.recordedAt ?? '',
  e.type,
  e.metadata?.actor ?? '',
  dataText(e.data),
];

/**
 * `berth app events NAME`: the app's own stream in the event log (GET .../audit), oldest first;
 * `--follow` keeps polling and prints new events as they are recorded (Ctrl-C to stop).
 */
export function registerAppEvents(app: Command): void {
  const events = app
    .command('events')
    .description("Show an application's event stream (Berth's event log)")
    .argument('<name>', 'the application')
    .option('-f, --follow', 'keep printing new events')
    .option('-o, --output <format>', 'json: one event per line')
    .action(
      action<{ follow?: boolean; output?: string }>(async (session, options, [name]) => {
        const format = outputFormat(options.output, ['json']);
        const client = await session.client();
        const print = (list: RecordedEvent[], header: boolean) => {
          if (list.length === 0) return;
          if (format === 'json') return out(list.map((e) => JSON.stringify(e)).join('\n'));
          const table = renderTable(['POSITION', 'TIME', 'TYPE', 'ACTOR', 'DATA'], list.map(row));
          out(header ? table : table.split('\n').slice(1).join('\n'));
        };
        let seen = await appAudit(client, name!);
        print(seen, true);
        if (!options.follow) return;
        // Followed lines are not realigned with the first table: columns can differ in width.
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          const now = await appAudit(client, name!);
          const last = seen[seen.length - 1]?.position;
          const fresh =
            last === undefined ? now : now.filter((e) => BigInt(e.position ?? '0') > BigInt(last));
          print(fresh, false);
          seen = now;
        }
      }),
    );
  example(events, 'berth app events guestbook\nberth app events guestbook --follow -o json');
}
