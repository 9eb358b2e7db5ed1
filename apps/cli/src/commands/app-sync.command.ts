import type { Command } from 'commander';
import { out, outputFormat, printStructured } from '../cli-session';
import type { Application } from '../format/application';
import { parseDuration } from '../format/duration';
import { parseResourceFilter } from '../format/resource-filter';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { followOperation } from '../progress/follow-operation';
import { action, example } from './action';

interface SyncOptions {
  revision?: string;
  prune?: boolean;
  dryRun?: boolean;
  resource?: string[];
  force?: boolean;
  async?: boolean;
  timeout: string;
  syncOption?: string[];
  strategy?: string;
  output?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `berth app sync NAME`: POST .../sync, then (unless --async) follow the operation to its end with live
 * progress, print Argo CD's result (summary, operation, resources) and exit 0 only if it Succeeded.
 */
export function registerAppSync(app: Command): void {
  const sync = app
    .command('sync')
    .description('Sync an application to its target state and follow the operation')
    .argument('<name>', 'the application')
    .option('--revision <revision>', 'sync to this revision instead of the target one')
    .option('--prune', 'delete resources that are no longer in Git')
    .option('--dry-run', 'plan only: nothing is applied')
    .option(
      '--resource <GROUP:KIND:NAME>',
      'sync only this resource (repeatable; NAMESPACE/NAME allowed)',
      collect,
    )
    .option('--force', 'delete and re-create resources that cannot be patched')
    .option('--strategy <strategy>', 'hook (default: hooks run) or apply (no hooks)')
    .option(
      '--sync-option <option>',
      'sync option for this operation, e.g. ServerSideApply=true (repeatable)',
      collect,
    )
    .option('--async', 'do not wait for the operation to finish')
    .option('--timeout <duration>', 'give up after this long (seconds, or 5m); 0 waits for ever', '0')
    .option('-o, --output <format>', 'json|yaml: the application when done, instead of the tables')
    .action(
      action<SyncOptions>(async (session, options, [name]) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
        const timeoutMs = parseDuration(options.timeout, '--timeout');
        if (options.strategy && !['hook', 'apply'].includes(options.strategy))
          throw new CliError([`--strategy ${options.strategy}: use hook or apply`]);
        const resources = (options.resource ?? []).map(parseResourceFilter);
        const strategyName = options.strategy ?? 'hook';
        const body = {
          ...(options.revision ? { revision: options.revision } : {}),
          ...(options.prune ? { prune: true } : {}),
          ...(options.dryRun ? { dryRun: true } : {}),
          ...(resources.length ? { resources } : {}),
          ...(options.syncOption?.length ? { syncOptions: { items: options.syncOption } } : {}),
          ...(options.force || options.strategy
            ? { strategy: { [strategyName]: options.force ? { force: true } : {} } }
            : {}),
        };
        const client = await session.client();
        // Argo CD's answer: the Application with its operation; Berth names the operation in a header too.
        const started = await client.exchange<Application & { operation?: { operationId?: string } }>(
          'POST',
          `/api/v1/applications/${seg(name!)}/sync`,
          {
            body,
            what: `sync ${name}`,
          },
        );
        const operationId = operationIdOf(started);
        if (options.async) {
          if (printStructured(format, started.body)) return;
          out(`operation ${operationId} of application '${name}' requested`);
          return;
        }
        await followOperation(client, name!, operationId, { timeoutMs, format });
      }),
    );
  example(
    sync,
    `berth app sync guestbook
berth app sync guestbook --prune --timeout 5m
berth app sync guestbook --resource apps:Deployment:guestbook-ui --dry-run
berth app sync guestbook --revision v1.2.0 --async`,
  );
}

/** The operation a sync or rollback started: the answer's `operation.operationId`, else its header. */
export function operationIdOf(started: {
  body: { operation?: { operationId?: string } } | undefined;
  operationId: string | undefined;
}): string {
  const id = started.body?.operation?.operationId ?? started.operationId;
  if (!id) throw new CliError(['the server did not say which operation it started; upgrade the server']);
  return id;
}
