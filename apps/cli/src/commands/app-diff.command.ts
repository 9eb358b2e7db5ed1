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
 * cluster differs from Git, 0 when not (as `argocd app diff` and `kubectl diff`). With `--local DIR`, DIR is
 * rendered on this machine and compared on the client with the live objects of the same route
 * (app-diff-local.ts), as `argocd app diff --local` does.
 */
export function registerAppDiff(app: Command): void {
  const diff = app
    .command('diff')
    .description('Show how the cluster differs from Git, resource by resource; exit 1 when it does')
    .argument('<name>', 'the application')
    .option('--refresh', 'compare again first (default; not with --local)', true)
    .option('--no-refresh', 'do not ask for a refresh first (the diff is still computed now)')
    .option('--hard-refresh', 'compare again, rendering the manifests anew')
    .option('--revision <revision>', 'compare the cluster with what this revision renders')
    .option(
      '--local <dir>',
      "compare the cluster with the manifests of a local directory, rendered here with the app's source options (helm or kustomize as for the app)",
    )
    .option(
      '--local-repo-root <dir>',
      'with --local: the root of the checkout DIR is in; the render reads nothing outside it (default: DIR)',
    )
    .option('--exit-code <bool>', 'exit 1 when there are differences (true|false)', 'true')
    .action(
      action<{
        refresh: boolean;
        hardRefresh?: boolean;
        revision?: string;
        local?: string;
        localRepoRoot?: string;
        exitCode: string;
      }>(async (session, options, [name]) => {
        if (options.local !== undefined && options.revision !== undefined)
          throw new CliError([
            '--local and --revision cannot be combined: --local compares with a local directory, --revision with what a revision in Git renders; pass one',
          ]);
        if (options.localRepoRoot !== undefined && options.local === undefined)
          throw new CliError(['--local-repo-root goes with --local DIR: pass the directory to compare too']);
        let items: ResourceDiff[];
        if (options.local !== undefined) {
          // Loaded here only: rendering needs @berth/render and the domain's diff, which every other command
          // would otherwise load at start (about 0.1 s each run). The live objects are read anew by the route.
          const { localResourceDiffs } = await import('./app-diff-local.js');
          items = await localResourceDiffs(session, name!, options.local, options.localRepoRoot);
        } else {
          const client = await session.client();
          const current = await getApp(client, name!);
          // The refresh records the comparison in the app's status too; the diff itself is computed on request.
          if (options.refresh || options.hardRefresh)
            await refreshAndWait(client, name!, current, options.hardRefresh === true);
          const answer = await client.get<{ items?: ResourceDiff[] }>(
            `/api/v1/applications/${seg(name!)}/managed-resources`,
            options.revision ? { revision: options.revision } : undefined,
            `managed resources of ${name}`,
          );
          items = answer.items ?? [];
        }
        let different = false;
        for (const item of items) {
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
    [
      'berth app diff guestbook && echo "in sync"',
      'berth app diff guestbook --revision v1.2.0',
      'berth app diff guestbook --no-refresh --exit-code=false',
      "# before pushing: the cluster against your working copy of the app's path",
      'berth app diff guestbook --local ./guestbook',
      'berth app diff guestbook --local ./apps/guestbook --local-repo-root .',
    ].join('\n'),
  );
}
