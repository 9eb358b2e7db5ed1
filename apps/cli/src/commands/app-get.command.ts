import type { Command } from 'commander';
import { out, outputFormat, printStructured } from '../cli-session';
import { formatAppGet } from '../format/app-get.format';
import { latestOperationId, resourceRows } from '../format/resource-rows';
import { CliError } from '../http/cli-error';
import { action, example } from './action';
import { appAudit, canSync, getApp, refreshAndWait } from './app-reads';

interface GetOptions {
  output?: string;
  refresh?: boolean;
  hardRefresh?: boolean;
  showOperation?: boolean;
}

/** `berth app get NAME`: Argo CD's summary block and resource table. */
export function registerAppGet(app: Command): void {
  const get = app
    .command('get')
    .description('Show an application: summary, conditions and resources')
    .argument('<name>', 'the application')
    .option('-o, --output <format>', 'json|yaml|wide')
    .option('--refresh', 'compare with Git and the cluster first')
    .option('--hard-refresh', 'refresh, rendering the manifests again (no cache)')
    .option('--show-operation', 'show the running or last operation')
    .action(
      action<GetOptions>(async (session, options, [name]) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide', 'tree']);
        if (format === 'tree')
          throw new CliError(['-o tree is not supported by this server: it has no resource tree route']);
        const client = await session.client();
        let application = await getApp(client, name!);
        if (options.refresh || options.hardRefresh)
          application = await refreshAndWait(client, name!, application, options.hardRefresh === true);
        if (printStructured(format, application)) return;
        const events = await appAudit(client, name!);
        const rows = resourceRows(application, events, latestOperationId(application, events));
        out(
          formatAppGet(application, rows, {
            server: client.server,
            canSync: await canSync(client, name!),
            showOperation: options.showOperation === true,
          }),
        );
      }),
    );
  example(
    get,
    'berth app get guestbook\nberth app get guestbook --refresh --show-operation\nberth app get guestbook -o json',
  );
}
