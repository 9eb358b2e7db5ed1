import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { out } from '../cli-session';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

/** `berth app delete NAME`: DELETE /api/v1/applications/{name}[?cascade=false], confirmed unless -y. */
export function registerAppDelete(app: Command): void {
  const del = app
    .command('delete')
    .alias('rm')
    .description('Delete applications (and, by default, their resources in the cluster)')
    .argument('<names...>', 'the applications')
    .option('--cascade <bool>', 'also delete the resources in the cluster (true|false)', 'true')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action<{ cascade: string; yes?: boolean }>(async (session, options, names) => {
        if (!/^(true|false)$/.test(options.cascade))
          throw new CliError([`--cascade ${options.cascade}: use --cascade=true or --cascade=false`]);
        const cascade = options.cascade === 'true';
        const client = await session.client();
        for (const name of names) {
          if (!options.yes) {
            if (!process.stdin.isTTY)
              throw new CliError([`refusing to delete '${name}' without confirmation: pass -y (--yes)`]);
            const question = cascade
              ? `Are you sure you want to delete '${name}' and all its resources? [y/n] `
              : `Are you sure you want to delete '${name}'? Its resources stay in the cluster. [y/n] `;
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            const answer = await rl.question(question);
            rl.close();
            if (!/^y(es)?$/i.test(answer.trim())) {
              out(`The command to delete '${name}' was cancelled.`);
              continue;
            }
          }
          await client.delete(`/api/v1/applications/${seg(name)}`, { cascade }, `delete ${name}`);
          out(`application '${name}' deleted`);
        }
      }),
    );
  example(del, 'berth app delete guestbook -y\nberth app delete guestbook --cascade=false -y');
}
