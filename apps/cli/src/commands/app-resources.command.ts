import type { Command } from 'commander';
import { out } from '../cli-session';
import { formatAppResources, type ResourcesNode } from '../format/app-resources.format';
import { seg } from '../http/api-client';
import { action, example } from './action';

/**
 * `berth app resources NAME [--orphaned]`: Argo CD's GROUP KIND NAMESPACE NAME ORPHANED from the app's
 * resource tree (`GET .../resource-tree`, as `argocd app resources` calls ResourceTree): its top-level
 * resources and the orphaned ones (when its project sets `orphanedResources`), or the orphaned ones only.
 */
export function registerAppResources(app: Command): void {
  const resources = app
    .command('resources')
    .description('List the resources of an application')
    .argument('<name>', 'the application')
    .option('--orphaned', "only orphaned resources (the project's orphanedResources must be set)")
    .action(
      action<{ orphaned?: boolean }>(async (session, options, [name]) => {
        const client = await session.client();
        const tree = await client.get<{ nodes?: ResourcesNode[]; orphanedNodes?: ResourcesNode[] }>(
          `/api/v1/applications/${seg(name!)}/resource-tree`,
          undefined,
          `resource tree of ${name}`,
        );
        out(formatAppResources(tree, options.orphaned === true));
      }),
    );
  example(resources, 'berth app resources guestbook\nberth app resources guestbook --orphaned');
}
