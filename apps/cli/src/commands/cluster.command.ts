import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse, stringify } from 'yaml';
import { out, outputFormat, printStructured } from '../cli-session';
import { renderTable } from '../format/table';
import { seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

interface ClusterView {
  name: string;
  server: string;
  authType?: string;
  project?: string;
  connectionState?: { status?: string; message?: string; serverVersion?: string };
}

/**
 * `berth cluster add NAME --kubeconfig FILE [--context]`: the kubeconfig (reduced to the one context) is
 * sent to the server, which checks the connection; `list`, `rm`.
 */
export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('Manage cluster credentials');

  const add = cluster
    .command('add')
    .description('Register a cluster from a kubeconfig')
    .argument('<name>', 'the name applications use as destination.name')
    .requiredOption('--kubeconfig <file>', 'kubeconfig file')
    .option('--context <context>', 'the kubeconfig context (default: its current-context)')
    .option('--project <project>', 'scope the cluster to a project')
    .option('--upsert', 'replace the registration if it exists')
    .action(
      action<{ kubeconfig: string; context?: string; project?: string; upsert?: boolean }>(
        async (session, options, [name]) => {
          const text = await readFile(options.kubeconfig, 'utf8').catch((e: Error) => {
            throw new CliError([`cannot read --kubeconfig ${options.kubeconfig}: ${e.message}`]);
          });
          const kubeconfig = options.context
            ? selectContext(text, options.context, options.kubeconfig)
            : text;
          const client = await session.client();
          const registered = await client.post<ClusterView>(
            '/api/v1/clusters',
            { name, kubeconfig, ...(options.project ? { project: options.project } : {}) },
            options.upsert ? { upsert: true } : undefined,
            `add cluster ${name}`,
          );
          out(`Cluster '${registered.server}' added`);
        },
      ),
    );
  example(add, 'berth cluster add prod --kubeconfig ~/.kube/config --context prod-admin');

  const list = cluster
    .command('list')
    .description('List the clusters')
    .option('-o, --output <format>', 'json|yaml|server')
    .action(
      action<{ output?: string }>(async (session, options) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'server', 'wide']);
        const { items } = await (await session.client()).get<{ items: ClusterView[] }>('/api/v1/clusters');
        if (printStructured(format, items)) return;
        if (format === 'server') return out(items.map((c) => c.server).join('\n'));
        out(
          renderTable(
            ['SERVER', 'NAME', 'VERSION', 'STATUS', 'MESSAGE', 'PROJECT'],
            items.map((c) => [
              c.server,
              c.name,
              c.connectionState?.serverVersion ?? '',
              c.connectionState?.status ?? '',
              c.connectionState?.message ?? '',
              c.project ?? '',
            ]),
          ),
        );
      }),
    );
  example(list, 'berth cluster list');

  const rm = cluster
    .command('rm')
    .description('Remove a cluster registration')
    .argument('<name...>', 'cluster names')
    .action(
      action(async (session, _options, names) => {
        const client = await session.client();
        for (const name of names) {
          await client.delete(`/api/v1/clusters/${seg(name)}`, undefined, `remove cluster ${name}`);
          out(`Cluster '${name}' removed`);
        }
      }),
    );
  example(rm, 'berth cluster rm prod');
}

/** The kubeconfig with only `context` (and its cluster and user), current: what `--context` names. */
export function selectContext(text: string, context: string, file: string): string {
  const config = (parse(text) ?? {}) as {
    contexts?: Array<{ name: string; context?: { cluster?: string; user?: string } }>;
    clusters?: Array<{ name: string }>;
    users?: Array<{ name: string }>;
    [key: string]: unknown;
  };
  const entry = config.contexts?.find((c) => c.name === context);
  if (!entry)
    throw new CliError([
      `no context "${context}" in ${file}; it has: ${(config.contexts ?? []).map((c) => c.name).join(', ') || 'none'}`,
    ]);
  return stringify({
    ...config,
    'current-context': context,
    contexts: [entry],
    clusters: (config.clusters ?? []).filter((c) => c.name === entry.context?.cluster),
    users: (config.users ?? []).filter((u) => u.name === entry.context?.user),
  });
}
