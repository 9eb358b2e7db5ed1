import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { note, out, outputFormat, printStructured } from '../cli-session';
import {
  type ApplicationSetView,
  formatApplicationSet,
  formatApplicationSetList,
  formatGeneratedApplications,
  type GeneratedApplicationView,
} from '../format/appset.format';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The documents of `-f FILE` (`-` for stdin), one request each, as `argocd appset create -f` takes several. */
async function documentsOf(file: string): Promise<string[]> {
  const text =
    file === '-'
      ? await readStdin()
      : await readFile(file, 'utf8').catch((e: Error) => {
          throw new CliError([`cannot read ${file}: ${e.message}`]);
        });
  const bodies = parseAllDocuments(text)
    .filter((d) => d.contents !== null)
    .map((d) => d.toString());
  if (bodies.length === 0) throw new CliError([`${file} holds no document`]);
  return bodies;
}

/** `berth appset ...`: Argo CD's ApplicationSet commands over /api/v1/applicationsets (docs/applicationsets.md). */
export function registerApplicationSets(program: Command): void {
  const appset = program.command('appset').description('Manage ApplicationSets');

  const list = appset
    .command('list')
    .description('List ApplicationSets')
    .option('-p, --project <name>', 'only ApplicationSets of this project (repeatable)', collect)
    .option('-l, --selector <selector>', 'label selector, e.g. team=payments')
    .option('-o, --output <format>', 'wide|name|json|yaml')
    .action(
      action<{ project?: string[]; selector?: string; output?: string }>(async (session, options) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'name', 'wide']);
        const { items } = await (
          await session.client()
        ).get<{ items: ApplicationSetView[] }>('/api/v1/applicationsets', {
          ...(options.project ? { projects: options.project } : {}),
          ...(options.selector ? { selector: options.selector } : {}),
        });
        if (printStructured(format, items)) return;
        if (format === 'name') return out(items.map((s) => s.metadata.name).join('\n'));
        out(formatApplicationSetList(items, format === 'wide'));
      }),
    );
  example(list, 'berth appset list\nberth appset list -p default -l team=payments -o wide');

  const get = appset
    .command('get')
    .description('Show an ApplicationSet, its conditions and the Applications it generated')
    .argument('<name>', 'the ApplicationSet')
    .option('-o, --output <format>', 'json|yaml|wide')
    .action(
      action<{ output?: string }>(async (session, options, [name]) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
        const set = await (
          await session.client()
        ).get<ApplicationSetView>(
          `/api/v1/applicationsets/${seg(name!)}`,
          undefined,
          `applicationset ${name}`,
        );
        if (!printStructured(format, set)) out(formatApplicationSet(set));
      }),
    );
  example(get, 'berth appset get api-services');

  const create = appset
    .command('create')
    .description('Create ApplicationSets from a file (YAML or JSON, several documents allowed)')
    .requiredOption('-f, --file <file>', 'ApplicationSet YAML or JSON; - for stdin')
    .option('--upsert', 'replace an ApplicationSet that exists with another spec')
    .option('--dry-run', 'validate and show what would be stored; record nothing')
    .option('-o, --output <format>', 'json|yaml|wide')
    .action(
      action<{ file: string; upsert?: boolean; dryRun?: boolean; output?: string }>(
        async (session, options) => {
          const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
          const client = await session.client();
          for (const body of await documentsOf(options.file)) {
            const created = await client.exchange<ApplicationSetView>('POST', '/api/v1/applicationsets', {
              body,
              query: {
                ...(options.upsert ? { upsert: true } : {}),
                ...(options.dryRun ? { dryRun: true } : {}),
              },
              contentType: 'application/yaml',
              what: 'create applicationset',
            });
            for (const warning of created.warnings) note(`warning: ${warning}`);
            if (printStructured(format, created.body)) continue;
            out(
              `ApplicationSet '${created.body.metadata.name}' ${options.dryRun ? 'would be created or updated (dry run)' : 'created'}`,
            );
            out(formatApplicationSet(created.body));
          }
        },
      ),
    );
  example(
    create,
    'berth appset create -f appset.yaml\nberth appset create -f appset.yaml --upsert\nberth appset create -f appset.yaml --dry-run -o yaml',
  );

  const generate = appset
    .command('generate')
    .description('Show the Applications an ApplicationSet file would generate now; nothing is recorded')
    .requiredOption('-f, --file <file>', 'ApplicationSet YAML or JSON; - for stdin')
    .option('-o, --output <format>', 'json|yaml|wide')
    .action(
      action<{ file: string; output?: string }>(async (session, options) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
        const client = await session.client();
        const [body, ...more] = await documentsOf(options.file);
        if (more.length > 0) throw new CliError([`${options.file}: give one ApplicationSet to generate`]);
        const { applications } = await client
          .exchange<{ applications: GeneratedApplicationView[] }>(
            'POST',
            '/api/v1/applicationsets/generate',
            { body, contentType: 'application/yaml', what: 'generate applications' },
          )
          .then((r) => r.body);
        if (printStructured(format, applications)) return;
        out(formatGeneratedApplications(applications));
      }),
    );
  example(generate, 'berth appset generate -f appset.yaml\nberth appset generate -f appset.yaml -o yaml');

  const del = appset
    .command('delete')
    .alias('rm')
    .description('Delete ApplicationSets and the Applications they generated')
    .argument('<names...>', 'the ApplicationSets')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action<{ yes?: boolean }>(async (session, options, names) => {
        const client = await session.client();
        for (const name of names) {
          if (!options.yes) {
            if (!process.stdin.isTTY)
              throw new CliError([`refusing to delete '${name}' without confirmation: pass -y (--yes)`]);
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            const answer = await rl.question(
              `Are you sure you want to delete '${name}' and all its Applications? [y/n] `,
            );
            rl.close();
            if (!/^y(es)?$/i.test(answer.trim())) {
              out(`The command to delete '${name}' was cancelled.`);
              continue;
            }
          }
          await client.delete(
            `/api/v1/applicationsets/${seg(name)}`,
            undefined,
            `delete applicationset ${name}`,
          );
          out(`applicationset '${name}' deleted`);
        }
      }),
    );
  example(del, 'berth appset delete api-services -y');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
