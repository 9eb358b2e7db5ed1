import type { Command } from 'commander';
import { out } from '../cli-session';
import { latestOperationId, resourceRows } from '../format/resource-rows';
import { renderTable } from '../format/table';
import { CliError } from '../http/cli-error';
import { action, example } from './action';
import { appAudit, getApp } from './app-reads';

/** `berth app resources NAME`: Argo CD's GROUP KIND NAMESPACE NAME ORPHANED, from the app's status and last sync. */
export function registerAppResources(app: Command): void {
  const resources = app
    .command('resources')
    .description('List the resources of an application')
    .argument('<name>', 'the application')
    .option('--orphaned', 'only orphaned resources (not supported by this server)')
    .action(
      action<{ orphaned?: boolean }>(async (session, options, [name]) => {
        if (options.orphaned)
          throw new CliError([
            '--orphaned is not supported by this server: it does not track orphaned resources yet',
          ]);
        const client = await session.client();
        const current = await getApp(client, name!);
        const events = await appAudit(client, name!);
        const rows = resourceRows(current, events, latestOperationId(current, events)).filter((r) => !r.hook);
        out(
          renderTable(
            ['GROUP', 'KIND', 'NAMESPACE', 'NAME', 'ORPHANED'],
            rows.map((r) => [r.group, r.kind, r.namespace, r.name, 'No']),
          ),
        );
      }),
    );
  example(resources, 'berth app resources guestbook');
}
