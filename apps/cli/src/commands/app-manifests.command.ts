import type { Command } from 'commander';
import { stringify } from 'yaml';
import { out } from '../cli-session';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

/** `berth app manifests NAME`: GET .../manifests (Argo CD's ManifestResponse), printed as YAML documents. */
export function registerAppManifests(app: Command): void {
  const manifests = app
    .command('manifests')
    .description('Print the manifests rendered from Git for an application')
    .argument('<name>', 'the application')
    .option('--source <source>', 'git (default); live is not supported by this server', 'git')
    .option('--revision <revision>', 'render this revision instead of the target one')
    .action(
      action<{ source: string; revision?: string }>(async (session, options, [name]) => {
        if (options.source === 'live')
          throw new CliError([
            "--source live is not supported by this server: it has no route serving the live objects (Argo CD's managed-resources)",
          ]);
        if (options.source !== 'git') throw new CliError([`--source ${options.source}: use git or live`]);
        const client = await session.client();
        const answer = await client.get<{ manifests?: string[] }>(
          `/api/v1/applications/${seg(name!)}/manifests`,
          options.revision ? { revision: options.revision } : undefined,
          `manifests of ${name}`,
        );
        out((answer.manifests ?? []).map((m) => `---\n${stringify(JSON.parse(m))}`).join(''));
      }),
    );
  example(manifests, 'berth app manifests guestbook\nberth app manifests guestbook --revision v1.2.0');
}
