import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { out, outputFormat, printStructured } from '../cli-session';
import { renderTable } from '../format/table';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

interface RepoView {
  repo: string;
  name?: string;
  type?: string;
  project?: string;
  hasCredentials?: boolean;
  credentialType?: string;
  connectionState?: { status?: string; message?: string };
}

interface AddOptions {
  username?: string;
  password?: string;
  sshPrivateKeyPath?: string;
  insecureIgnoreHostKey?: boolean;
  type?: string;
  name?: string;
  project?: string;
  upsert?: boolean;
}

/** `berth repo add|list|rm`: Argo CD's repository API; credentials go in, never come out. */
export function registerRepo(program: Command): void {
  const repo = program.command('repo').description('Manage repository connection parameters');

  const add = repo
    .command('add')
    .description('Register a Git or Helm repository (its access is checked)')
    .argument('<url>', 'repository URL')
    .option('--username <username>', 'username')
    .option('--password <password>', 'password or token (or BERTH_REPO_PASSWORD)')
    .option('--ssh-private-key-path <file>', 'SSH private key file')
    .option('--insecure-ignore-host-key', 'do not check the SSH host key')
    .option('--type <type>', 'git or helm', 'git')
    .option('--name <name>', 'a name (Helm repositories)')
    .option('--project <project>', 'scope the repository to a project')
    .option('--upsert', 'replace the registration if it exists with other parameters')
    .action(
      action<AddOptions>(async (session, options, [url]) => {
        const sshPrivateKey = options.sshPrivateKeyPath
          ? await readFile(options.sshPrivateKeyPath, 'utf8').catch((e: Error) => {
              throw new CliError([
                `cannot read --ssh-private-key-path ${options.sshPrivateKeyPath}: ${e.message}`,
              ]);
            })
          : undefined;
        const password = options.password ?? process.env['BERTH_REPO_PASSWORD'];
        const client = await session.client();
        await client.post(
          '/api/v1/repositories',
          {
            repo: url,
            ...(options.type ? { type: options.type } : {}),
            ...(options.name ? { name: options.name } : {}),
            ...(options.project ? { project: options.project } : {}),
            ...(options.username ? { username: options.username } : {}),
            ...(password ? { password } : {}),
            ...(sshPrivateKey ? { sshPrivateKey } : {}),
            ...(options.insecureIgnoreHostKey ? { insecureIgnoreHostKey: true } : {}),
          },
          options.upsert ? { upsert: true } : undefined,
          `add repository ${url}`,
        );
        out(`Repository '${url}' added`);
      }),
    );
  example(
    add,
    `berth repo add https://github.com/argoproj/argocd-example-apps.git
berth repo add https://git.example.com/team/apps.git --username ci --password "$TOKEN"
berth repo add https://charts.example.com --type helm --name example`,
  );

  const list = repo
    .command('list')
    .description('List the registered repositories')
    .option('-o, --output <format>', 'json|yaml|url')
    .action(
      action<{ output?: string }>(async (session, options) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'url', 'wide']);
        const { items } = await (await session.client()).get<{ items: RepoView[] }>('/api/v1/repositories');
        if (printStructured(format, items)) return;
        if (format === 'url') return out(items.map((r) => r.repo).join('\n'));
        out(
          renderTable(
            ['TYPE', 'NAME', 'REPO', 'CREDS', 'STATUS', 'MESSAGE', 'PROJECT'],
            items.map((r) => [
              r.type ?? 'git',
              r.name ?? '',
              r.repo,
              r.hasCredentials ? 'true' : 'false',
              r.connectionState?.status ?? '',
              r.connectionState?.message ?? '',
              r.project ?? '',
            ]),
          ),
        );
      }),
    );
  example(list, 'berth repo list\nberth repo list -o url');

  const rm = repo
    .command('rm')
    .description('Remove a repository registration')
    .argument('<url...>', 'repository URLs')
    .action(
      action(async (session, _options, urls) => {
        const client = await session.client();
        for (const url of urls) {
          await client.delete(`/api/v1/repositories/${seg(url)}`, undefined, `remove repository ${url}`);
          out(`Repository '${url}' removed`);
        }
      }),
    );
  example(rm, 'berth repo rm https://git.example.com/team/apps.git');
}
