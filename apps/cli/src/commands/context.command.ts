import type { Command } from 'commander';
import { withoutContext } from '../config/cli-config';
import { out } from '../cli-session';
import { renderTable } from '../format/table';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

/** `berth context [NAME]`: list the contexts, switch to one, or delete one (Argo CD's `argocd context`). */
export function registerContext(program: Command): void {
  const context = program
    .command('context')
    .alias('ctx')
    .description('List the contexts, or switch to one')
    .argument('[name]', 'the context to switch to')
    .option('--delete', 'delete the context instead')
    .action(
      action<{ delete?: boolean }>(async (session, options, [name]) => {
        const config = await session.readConfig();
        if (!name) {
          if (options.delete) throw new CliError(['--delete needs the context name']);
          const rows = config.contexts.map((c) => [
            c.name === config['current-context'] ? '*' : '',
            c.name,
            c.server,
          ]);
          out(renderTable(['CURRENT', 'NAME', 'SERVER'], rows));
          return;
        }
        if (!config.contexts.some((c) => c.name === name))
          throw new CliError([
            `no context "${name}" in ${session.configFile}; known: ${config.contexts.map((c) => c.name).join(', ') || 'none (berth login first)'}`,
          ]);
        if (options.delete) {
          await session.writeConfig(withoutContext(config, name));
          out(`Context '${name}' deleted`);
          return;
        }
        await session.writeConfig({ ...config, 'current-context': name });
        out(`Switched to context '${name}'`);
      }),
    );
  example(context, 'berth context\nberth context cd.example.com\nberth context old.example.com --delete');
}
