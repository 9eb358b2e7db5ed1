import type { Command } from 'commander';
import { out, outputFormat, printStructured } from '../cli-session';
import { assertSelector, formatAppList, matchesSelector } from '../format/app-list.format';
import type { Application } from '../format/application';
import { action, example } from './action';

interface ListOptions {
  project?: string[];
  selector?: string;
  output?: string;
}

/** `berth app list`: GET /api/v1/applications; `-l` is matched here (the server filters by project only). */
export function registerAppList(app: Command): void {
  const list = app
    .command('list')
    .description('List applications')
    .option('-p, --project <project...>', 'only the apps of these projects')
    .option('-l, --selector <selector>', 'label selector: key=value, key!=value, key, !key (comma separated)')
    .option('-o, --output <format>', 'wide|json|yaml|name')
    .action(
      action<ListOptions>(async (session, options) => {
        const format = outputFormat(options.output, ['wide', 'json', 'yaml', 'name']);
        if (options.selector) assertSelector(options.selector);
        const client = await session.client();
        const projects = options.project ?? [];
        // One project is the server's filter; several are filtered here.
        const { items } = await client.get<{ items: Application[] }>(
          '/api/v1/applications',
          projects.length === 1 ? { project: projects[0] } : undefined,
          'list applications',
        );
        const apps = items.filter(
          (a) =>
            (projects.length === 0 || projects.includes(a.spec.project ?? 'default')) &&
            (!options.selector || matchesSelector(a.metadata.labels, options.selector)),
        );
        if (printStructured(format, apps)) return;
        if (format === 'name')
          return out(apps.map((a) => `${a.metadata.namespace ?? 'argocd'}/${a.metadata.name}`).join('\n'));
        out(formatAppList(apps, format === 'wide'));
      }),
    );
  example(list, 'berth app list\nberth app list -p default -o wide\nberth app list -l team=web -o name');
}
