import type { Command } from 'commander';
import { out } from '../cli-session';
import { resourceDiffReport, type ResourceDiff } from '../format/resource-diff';
import { seg } from '../http/api-client';
import { CliError, EXIT } from '../http/cli-error';
import { action, example } from './action';
import { getApp, refreshAndWait } from './app-reads';

/**
 * `berth app diff NAME`: a line diff per differing resource, from Argo CD's managed-resources route (the
 * normalized live object against the predicted one), in `argocd app diff`'s layout; exit 1 when the
 * cluster differs from Git, 0 when not (as `argocd app diff` and `kubectl diff`).
 */
export function registerAppDiff(app: Command): void {
  const diff = app
    .command('diff')
    .description('Show how the cluster differs from Git, resource by resource; exit 1 when it does')
    .argument('<name>', 'the application')
    .option('--refresh', 'compare again first (default)', true)
    .option('--no-refresh', 'do not ask for a refresh first (the diff is still computed now)')
    .option('--hard-refresh', 'compare again, rendering the manifests anew')
    .option('--revision <revision>', 'compare the cluster with what this revision renders')
    .option('--local <dir>', 'compare with local manifests (not supported by this server: use --revision)')
    .option('--exit-code <bool>', 'exit 1 when there are differences (true|false)', 'true')
    .action(
      action<{
        refresh: boolean;
        hardRefresh?: boolean;
        revision?: string;
        local?: string;
        exitCode: string;
      }>(async (session, options, [name]) => {
        if (options.local)
          throw new CliError([
            '--local is not supported by this server: Berth renders manifests from Git only',
            'push the change to a branch and compare with it: berth app diff NAME --revision BRANCH',
          ]);
        const client = await session.client();
        const current = await getApp(client, name!);
        // The refresh records the comparison in the app's status too; the diff itself is computed on request.
        if (options.refresh || options.hardRefresh)
          await refreshAndWait(client, name!, current, options.hardRefresh === true);
        const { items } = await client.get<{ items?: ResourceDiff[] }>(
          `/api/v1/applications/${seg(name!)}/managed-resources`,
          options.revision ? { revision: options.revision } : undefined,
          `managed resources of ${name}`,
        );
        let different = false;
        for (const item of items ?? []) {
          const report = resourceDiffReport(item);
          if (report === undefined) continue;
          different = true;
          out('');
          out(report);
        }
        return different && options.exitCode !== 'false' ? EXIT.commandSpecific : 0;
      }),
    );
  example(
    diff,
    'berth app diff guestbook && echo "in sync"\nberth app diff guestbook --revision v1.2.0\nberth app diff guestbook --no-refresh --exit-code=false',
  );
}
