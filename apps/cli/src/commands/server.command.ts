import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

/**
 * scripts/start.mjs of the checkout this CLI was built in (dist/apps/cli/src/commands -> the root). Read when
 * the command runs: the specs load this module as ESM, where __dirname does not exist.
 */
function startScript(): string {
  return join(__dirname, '..', '..', '..', '..', '..', 'scripts', 'start.mjs');
}

/**
 * `berth server`: `npm start` from the CLI (#17): scripts/start.mjs's supervisor (the scheduler, N workers,
 * the notifier, the sandbox cluster when there is no other destination) as a child with this terminal.
 * Ctrl-C reaches the supervisor from the terminal; a SIGTERM sent to `berth` alone is passed on. Exits with
 * the supervisor's code.
 */
export function registerServer(program: Command): void {
  const server = program
    .command('server')
    .description('Run Berth on this machine: the scheduler, workers and notifier under one supervisor')
    .option('--workers <n>', 'worker processes, 1-32', '2')
    .action(
      action<{ workers: string }>(async (_session, options) => {
        if (!/^\d+$/.test(options.workers) || Number(options.workers) < 1 || Number(options.workers) > 32)
          throw new CliError([
            `--workers: "${options.workers}" is not a whole number from 1 to 32; e.g. --workers 3`,
          ]);
        const script = startScript();
        if (!existsSync(script))
          throw new CliError([
            `berth server runs from a checkout of Berth (${script} is missing); install the package from its repository`,
          ]);
        const child = spawn(process.execPath, [script, '--workers', options.workers], {
          stdio: 'inherit',
          env: process.env,
        });
        // The terminal's Ctrl-C reaches both processes; start.mjs treats a second signal within a second as
        // the same one, so passing it on is harmless and covers a signal sent to this process only.
        const pass = (signal: NodeJS.Signals) => () => child.kill(signal);
        const onInt = pass('SIGINT');
        const onTerm = pass('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
        const code = await new Promise<number>((resolve, reject) => {
          child.on('error', reject);
          child.on('exit', (exitCode, signal) =>
            resolve(exitCode ?? 128 + (signal ? constants.signals[signal] : 0)),
          );
        });
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        return code;
      }),
    );
  example(
    server,
    `berth server                 # as npm start: 2 workers, the sandbox cluster when there is no KUBECONFIG
berth server --workers 4
DATABASE_URL=postgres://berth@db/berth REDIS_URL=redis://cache:6379 berth server`,
  );
}
