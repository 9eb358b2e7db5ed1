import type { Command } from 'commander';
import { out } from '../cli-session';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

/** `berth app terminate-op NAME` (DELETE .../operation) and `app logs`, which this server cannot serve yet. */
export function registerAppOperation(app: Command): void {
  const terminate = app
    .command('terminate-op')
    .description('Terminate the running operation of an application')
    .argument('<name>', 'the application')
    .action(
      action(async (session, _options, [name]) => {
        const client = await session.client();
        await client.delete(
          `/api/v1/applications/${seg(name!)}/operation`,
          undefined,
          `terminate the operation of ${name}`,
        );
        out(`Application '${name}' operation terminating`);
      }),
    );
  example(terminate, 'berth app terminate-op guestbook');

  const logs = app
    .command('logs')
    .description("Print the logs of an application's pods (not available on this server yet)")
    .argument('<name>', 'the application')
    .allowUnknownOption()
    .action(
      action(async () => {
        throw new CliError([
          "app logs is not available: this server has no pod logs route yet (Argo CD's PodLogs); use kubectl logs against the destination cluster",
        ]);
      }),
    );
  example(logs, 'berth app logs guestbook   # not available yet: kubectl logs -n <namespace> deploy/<name>');
}
