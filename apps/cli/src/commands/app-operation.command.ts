import type { Command } from 'commander';
import { out } from '../cli-session';
import { seg } from '../http/api-client';
import { action, example } from './action';

/** `berth app terminate-op NAME` (DELETE .../operation). */
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
}
