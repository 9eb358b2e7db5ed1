import type { Command } from 'commander';
import { out } from '../cli-session';
import { CliError, EXIT } from '../http/cli-error';
import { action, example } from './action';
import { getApp, refreshAndWait } from './app-reads';

/**
 * `berth app diff NAME`: exit 1 when the cluster differs from Git, 0 when not (as `argocd app diff` and
 * `kubectl diff`). The server serves which resources differ (`status.resources`) but not the live objects
 * (Argo CD's managed-resources route is not there yet), so the output names each differing resource
 * instead of a line diff.
 */
export function registerAppDiff(app: Command): void {
  const diff = app
    .command('diff')
    .description('Show which resources differ from Git; exit 1 when any does')
    .argument('<name>', 'the application')
    .option('--refresh', 'compare again first (default)', true)
    .option('--no-refresh', 'use the last comparison')
    .option('--hard-refresh', 'compare again, rendering the manifests anew')
    .option('--revision <revision>', 'compare with another revision (not supported by this server)')
    .option('--local <dir>', 'compare with local manifests (not supported by this server)')
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
          ]);
        if (options.revision)
          throw new CliError([
            '--revision is not supported by this server: it has no route comparing the cluster with another revision; sync with --dry-run --revision instead',
          ]);
        const client = await session.client();
        let current = await getApp(client, name!);
        if (options.refresh || options.hardRefresh)
          current = await refreshAndWait(client, name!, current, options.hardRefresh === true);
        const differing = (current.status?.resources ?? []).filter((r) => r.status && r.status !== 'Synced');
        const sync = current.status?.sync?.status ?? 'Unknown';
        if (sync === 'Unknown')
          throw new CliError([
            `application '${name}' could not be compared: ${(current.status?.conditions ?? []).map((c) => `${c.type}: ${c.message}`).join('; ') || 'no comparison yet'}`,
          ]);
        for (const r of differing) {
          out(`===== ${r.group ?? ''}/${r.kind} ${r.namespace ?? ''}/${r.name} ======`);
          out(
            r.requiresPruning
              ? 'in the cluster, not in Git (requires pruning)'
              : r.health?.status === 'Missing'
                ? 'in Git, not in the cluster (Missing)'
                : `differs from Git (${r.status}); the line diff needs the live state, which this server does not serve yet`,
          );
        }
        const different = sync !== 'Synced' || differing.length > 0;
        return different && options.exitCode !== 'false' ? EXIT.commandSpecific : 0;
      }),
    );
  example(
    diff,
    'berth app diff guestbook && echo "in sync"\nberth app diff guestbook --no-refresh --exit-code=false',
  );
}
