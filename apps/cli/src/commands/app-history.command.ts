import { operationIdOf } from './app-sync.command';
import type { Command } from 'commander';
import { out, outputFormat, printStructured } from '../cli-session';
import { parseDuration } from '../format/duration';
import { formatHistory, previousDeploymentId } from '../format/history.format';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { followOperation } from '../progress/follow-operation';
import { action, example } from './action';
import { appHistory } from './app-reads';

/** `berth app history` and `berth app rollback`: GET .../history, POST .../rollback then follow it. */
export function registerAppHistory(app: Command): void {
  const history = app
    .command('history')
    .description('Show the deployment history of an application')
    .argument('<name>', 'the application')
    .option('-o, --output <format>', 'wide|json|yaml')
    .action(
      action<{ output?: string }>(async (session, options, [name]) => {
        const format = outputFormat(options.output, ['wide', 'json', 'yaml']);
        const entries = await appHistory(await session.client(), name!);
        if (printStructured(format, entries)) return;
        out(formatHistory(entries, format === 'wide'));
      }),
    );
  example(history, 'berth app history guestbook\nberth app history guestbook -o wide');

  const rollback = app
    .command('rollback')
    .description('Re-deploy an earlier revision from the history (default: the one before the current)')
    .argument('<name>', 'the application')
    .argument('[id]', 'the history id (berth app history)')
    .option('--prune', 'delete resources that are not in that revision')
    .option('--dry-run', 'plan only')
    .option('--kind <kind...>', 'Berth: re-deploy only resources of these kinds (e.g. Deployment)')
    .option('--timeout <duration>', 'give up after this long (seconds, or 5m); 0 waits for ever', '0')
    .option('--async', 'do not wait for the operation to finish')
    .option('-o, --output <format>', 'json|yaml: the application when done')
    .action(
      action<{
        prune?: boolean;
        dryRun?: boolean;
        kind?: string[];
        timeout: string;
        async?: boolean;
        output?: string;
      }>(async (session, options, [name, idText]) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
        const timeoutMs = parseDuration(options.timeout, '--timeout');
        const client = await session.client();
        let id: number;
        if (idText !== undefined) {
          if (!/^\d+$/.test(idText))
            throw new CliError([`${idText} is not a history id: see berth app history ${name}`]);
          id = Number(idText);
        } else {
          const previous = previousDeploymentId(await appHistory(client, name!));
          if (previous === undefined)
            throw new CliError([`application '${name}' has no earlier deployment to roll back to`]);
          id = previous;
        }
        const started = await client.exchange<{ operation?: { operationId?: string } }>(
          'POST',
          `/api/v1/applications/${seg(name!)}/rollback`,
          {
            body: {
              id,
              ...(options.prune ? { prune: true } : {}),
              ...(options.dryRun ? { dryRun: true } : {}),
              ...(options.kind ? { kinds: options.kind } : {}),
            },
            what: `rollback ${name}`,
          },
        );
        const operationId = operationIdOf(started);
        if (options.async) return out(`operation ${operationId} of application '${name}' requested`);
        await followOperation(client, name!, operationId, { timeoutMs, format });
      }),
    );
  example(rollback, 'berth app rollback guestbook\nberth app rollback guestbook 3 --prune --timeout 5m');
}
