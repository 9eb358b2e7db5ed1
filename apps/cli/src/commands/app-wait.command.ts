import type { Command } from 'commander';
import { out, outputFormat, printStructured } from '../cli-session';
import { formatAppSummary, formatResources } from '../format/app-get.format';
import { parseDuration } from '../format/duration';
import { latestOperationId, resourceRows } from '../format/resource-rows';
import { progressView } from '../progress/progress-view';
import { stillWaiting, waitForOf } from '../progress/wait-conditions';
import { watchApp } from '../progress/watch-app';
import { action, example } from './action';

interface WaitOptions {
  sync?: boolean;
  health?: boolean;
  operation?: boolean;
  degraded?: boolean;
  suspended?: boolean;
  timeout: string;
  output?: string;
}

/** `berth app wait NAME`: until the app is synced, healthy and idle (or what the flags name), or the timeout. */
export function registerAppWait(app: Command): void {
  const wait = app
    .command('wait')
    .description('Wait for an application to be synced and healthy (or what the flags name)')
    .argument('<names...>', 'the applications')
    .option('--sync', 'wait for Synced')
    .option('--health', 'wait for Healthy')
    .option('--operation', 'wait until no operation is pending or running')
    .option('--degraded', 'also accept Degraded health')
    .option('--suspended', 'also accept Suspended health')
    .option('--timeout <duration>', 'give up after this long (seconds, or 5m); 0 waits for ever', '0')
    .option('-o, --output <format>', 'json|yaml: the application when done')
    .action(
      action<WaitOptions>(async (session, options, names) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
        const timeoutMs = parseDuration(options.timeout, '--timeout');
        const want = waitForOf(options);
        const client = await session.client();
        const structured = format === 'json' || format === 'yaml';
        for (const name of names) {
          const { app: done, events } = await watchApp(client, name, {
            operationId: () => undefined,
            finished: (current) => stillWaiting(current, want) ?? 'done',
            view: progressView(structured ? process.stderr : process.stdout),
            timeoutMs,
          });
          if (printStructured(format, done)) continue;
          out(
            [
              '',
              formatAppSummary(done, client.server, undefined),
              '',
              formatResources(resourceRows(done, events, latestOperationId(done, events))),
            ].join('\n'),
          );
        }
      }),
    );
  example(
    wait,
    'berth app wait guestbook\nberth app wait guestbook --health --timeout 300\nberth app wait guestbook --sync --operation',
  );
}
