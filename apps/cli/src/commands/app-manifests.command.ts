import type { Command } from 'commander';
import { stringify } from 'yaml';
import { out } from '../cli-session';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

/**
 * `berth app manifests NAME`: GET .../manifests (Argo CD's ManifestResponse), printed as YAML documents;
 * `--source live` prints the live objects from GET .../managed-resources, as `argocd app manifests` does.
 */
export function registerAppManifests(app: Command): void {
  const manifests = app
    .command('manifests')
    .description('Print the manifests rendered from Git for an application')
    .argument('<name>', 'the application')
    .option('--source <source>', 'git (what the revision renders) or live (what the cluster holds)', 'git')
    .option('--revision <revision>', 'render this revision instead of the target one')
    .action(
      action<{ source: string; revision?: string }>(async (session, options, [name]) => {
        if (options.source !== 'git' && options.source !== 'live')
          throw new CliError([`--source ${options.source}: use git or live`]);
        const client = await session.client();
        if (options.source === 'live') {
          if (options.revision) throw new CliError(['--revision applies to --source git only']);
          const { items } = await client.get<{ items?: Array<{ liveState?: string }> }>(
            `/api/v1/applications/${seg(name!)}/managed-resources`,
            undefined,
            `live objects of ${name}`,
          );
          const live = (items ?? []).map((i) => i.liveState).filter((s) => s && s !== 'null');
          out(live.map((m) => `---\n${stringify(JSON.parse(m!))}`).join(''));
          return;
        }
        const answer = await client.get<{ manifests?: string[] }>(
          `/api/v1/applications/${seg(name!)}/manifests`,
          options.revision ? { revision: options.revision } : undefined,
          `manifests of ${name}`,
        );
        out((answer.manifests ?? []).map((m) => `---\n${stringify(JSON.parse(m))}`).join(''));
      }),
    );
  example(
    manifests,
    'berth app manifests guestbook\nberth app manifests guestbook --revision v1.2.0\nberth app manifests guestbook --source live',
  );
}
