import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { note, out } from '../cli-session';
import { type AppSpecFlags, applyAppFlags } from '../format/app-manifest';
import { CliError } from '../http/cli-error';
import { action, example } from './action';
import { withAppSpecFlags } from './app-spec-flags';

interface CreateOptions extends AppSpecFlags {
  file?: string;
  upsert?: boolean;
}

/** `berth app create`: POST /api/v1/applications with an Application built from flags, or `-f app.yaml` as-is. */
export function registerAppCreate(app: Command): void {
  const create = withAppSpecFlags(
    app
      .command('create')
      .description('Create an application from flags or from an Application manifest (-f)')
      .argument('[name]', 'the application (not with -f)')
      .option('-f, --file <file>', 'Application YAML or JSON, as for Argo CD; - for stdin')
      .option('--upsert', 'replace the application if it exists with another spec'),
  ).action(
    action<CreateOptions>(async (session, options, [name]) => {
      let bodies: string[];
      if (options.file) {
        const text =
          options.file === '-'
            ? await readStdin()
            : await readFile(options.file, 'utf8').catch((e: Error) => {
                throw new CliError([`cannot read ${options.file}: ${e.message}`]);
              });
        // One request per document: `argocd app create -f` takes a file of several.
        bodies = parseAllDocuments(text)
          .filter((d) => d.contents !== null)
          .map((d) => d.toString());
        if (bodies.length === 0) throw new CliError([`${options.file} holds no document`]);
      } else {
        if (!name) throw new CliError(['give the application name, or -f app.yaml']);
        bodies = [JSON.stringify(applyAppFlags(name, options))];
      }
      const client = await session.client();
      for (const body of bodies) {
        const created = await client.exchange<{ metadata: { name: string } }>(
          'POST',
          '/api/v1/applications',
          {
            body,
            query: options.upsert ? { upsert: true } : undefined,
            contentType: options.file ? 'application/yaml' : 'application/json',
            what: 'create application',
          },
        );
        for (const warning of created.warnings) note(`warning: ${warning}`);
        out(`application '${created.body.metadata.name}' created`);
      }
    }),
  );
  example(
    create,
    `berth app create guestbook --repo https://github.com/argoproj/argocd-example-apps.git --path guestbook \\
  --dest-server https://kubernetes.default.svc --dest-namespace default --sync-option CreateNamespace=true
berth app create -f guestbook.yaml --upsert`,
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
