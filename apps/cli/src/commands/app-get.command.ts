import type { Command } from 'commander';
import { out, outputFormat, printStructured } from '../cli-session';
import { formatAppGet, formatAppSummary, formatConditions } from '../format/app-get.format';
import { formatResourceTree, type TreeNode } from '../format/resource-tree.format';
import { seg } from '../http/api-client';
import { latestOperationId, resourceRows } from '../format/resource-rows';
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
    .option('-o, --output <format>', 'json|yaml|wide|tree (what each resource owns, below it)')
    .option('--refresh', 'compare with Git and the cluster first')
    .option('--hard-refresh', 'refresh, rendering the manifests again (no cache)')
    .option('--show-operation', 'show the running or last operation')
    .action(
      action<GetOptions>(async (session, options, [name]) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide', 'tree']);
        const client = await session.client();
        let application = await getApp(client, name!);
        if (options.refresh || options.hardRefresh)
          application = await refreshAndWait(client, name!, application, options.hardRefresh === true);
        if (printStructured(format, application)) return;
        const events = await appAudit(client, name!);
        const rows = resourceRows(application, events, latestOperationId(application, events));
        if (format === 'tree') {
          // Argo CD's tree view: the summary and conditions, then the resource tree instead of the table.
          const { nodes } = await client.get<{ nodes?: TreeNode[] }>(
            `/api/v1/applications/${seg(name!)}/resource-tree`,
            undefined,
            `resource tree of ${name}`,
          );
          const conditions = formatConditions(application);
          out(
            [
              formatAppSummary(application, client.server, await canSync(client, name!)),
              ...(conditions ? [conditions] : []),
              formatResourceTree(nodes ?? [], rows),
            ].join('\n\n'),
          );
          return;
        }
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
    'berth app get guestbook\nberth app get guestbook --refresh --show-operation\nberth app get guestbook -o tree\nberth app get guestbook -o json',
  );
}
