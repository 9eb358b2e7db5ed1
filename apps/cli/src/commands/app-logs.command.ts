import type { Command } from 'commander';
import { out } from '../cli-session';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

interface LogsOptions {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  container?: string;
  tail?: string;
  sinceSeconds?: string;
  follow?: boolean;
  previous?: boolean;
  filter?: string;
  matchCase?: boolean;
}

/** One line of Argo CD's PodLogs stream: `{"result": LogEntry}`, or `{"error": ...}` when it broke. */
interface LogLine {
  result?: { content?: string; last?: boolean };
  error?: { message?: string };
}

/** The query of GET .../logs from `argocd app logs`'s flags (a bad value is the server's 400, by name). */
export function logsQuery(options: LogsOptions): Record<string, string | undefined> {
  return {
    group: options.group,
    kind: options.kind,
    resourceName: options.name,
    namespace: options.namespace,
    container: options.container,
    tailLines: options.tail,
    sinceSeconds: options.sinceSeconds,
    follow: options.follow ? 'true' : undefined,
    previous: options.previous ? 'true' : undefined,
    filter: options.filter,
    matchCase: options.matchCase ? 'true' : undefined,
  };
}

/**
 * Prints the content of each entry of a PodLogs stream as it arrives, until the `last` entry (or the end of
 * the answer); an `error` line fails with its message.
 */
export async function printLogStream(
  body: ReadableStream<Uint8Array>,
  print: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = '';
  const take = (line: string): boolean => {
    if (line.trim() === '') return false;
    const parsed = JSON.parse(line) as LogLine;
    if (parsed.error) throw new CliError([`logs: ${parsed.error.message ?? 'the stream failed'}`]);
    if (parsed.result?.last) return true;
    print(parsed.result?.content ?? '');
    return false;
  };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    let at = pending.indexOf('\n');
    while (at >= 0) {
      if (take(pending.slice(0, at))) return;
      pending = pending.slice(at + 1);
      at = pending.indexOf('\n');
    }
  }
  take(pending);
}

/** `berth app logs NAME`: Argo CD's `argocd app logs`, from GET /api/v1/applications/:name/logs. */
export function registerAppLogs(app: Command): void {
  const logs = app
    .command('logs')
    .description("Print the logs of an application's pods")
    .argument('<name>', 'the application')
    .option('--group <group>', 'resource group (empty for core)')
    .option('--kind <kind>', 'resource kind, e.g. Deployment')
    .option('--name <name>', 'resource name')
    .option('--namespace <namespace>', 'resource namespace')
    .option('-c, --container <container>', 'the container')
    .option('--tail <lines>', 'the last N lines of each pod')
    .option('--since-seconds <seconds>', 'lines of the last N seconds')
    .option('-f, --follow', 'keep printing new lines')
    .option('-p, --previous', 'the previous run of each container')
    .option('--filter <text>', 'only lines holding the text (!text: lines without it)')
    .option('--match-case', 'the filter is case-sensitive')
    .action(
      action<LogsOptions>(async (session, options, [name]) => {
        const client = await session.client();
        // No time limit: `--follow` runs until Ctrl-C, a plain read ends with the server's last entry.
        const response = await client.stream(
          `/api/v1/applications/${seg(name!)}/logs`,
          logsQuery(options),
          new AbortController().signal,
        );
        if (!response.body) return;
        await printLogStream(response.body, out);
      }),
    );
  example(
    logs,
    'berth app logs guestbook --kind Deployment --name guestbook-ui --tail 20\nberth app logs guestbook -f --filter error',
  );
}
