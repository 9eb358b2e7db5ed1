import type { Command } from 'commander';
import { out, outputFormat, printStructured } from '../cli-session';
import { type AppProject, formatProject, formatProjectList, formatWindows } from '../format/project.format';
import { type ApiClient, seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const getProject = (client: ApiClient, name: string) =>
  client.get<AppProject>(`/api/v1/projects/${seg(name)}`, undefined, `project ${name}`);

/** The AppProject to PUT back: what the server computed left out. */
const editable = (p: AppProject) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: p.metadata.name },
  spec: p.spec,
});

/** `berth proj ...`: Argo CD's project commands over /api/v1/projects. */
export function registerProj(program: Command): void {
  const proj = program.command('proj').description('Manage projects');

  const create = proj
    .command('create')
    .description('Create a project')
    .argument('<name>', 'the project')
    .option('--description <text>', 'description')
    .option('-d, --dest <server,namespace>', 'permitted destination (repeatable)', collect)
    .option('-s, --src <repo>', 'permitted source repository (repeatable)', collect)
    .action(
      action<{ description?: string; dest?: string[]; src?: string[] }>(async (session, options, [name]) => {
        const destinations = (options.dest ?? []).map((d) => {
          const [server, namespace] = d.split(',');
          if (!server || namespace === undefined)
            throw new CliError([
              `--dest ${d}: expected server,namespace (e.g. https://kubernetes.default.svc,web)`,
            ]);
          return { server, namespace };
        });
        const client = await session.client();
        await client.post(
          '/api/v1/projects',
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'AppProject',
            metadata: { name },
            spec: {
              ...(options.description ? { description: options.description } : {}),
              sourceRepos: options.src ?? [],
              destinations,
            },
          },
          undefined,
          `create project ${name}`,
        );
        out(`project '${name}' created`);
      }),
    );
  example(
    create,
    'berth proj create web -d https://kubernetes.default.svc,web -s https://git.example.com/web.git',
  );

  const get = proj
    .command('get')
    .description('Show a project')
    .argument('<name>', 'the project')
    .option('-o, --output <format>', 'json|yaml')
    .action(
      action<{ output?: string }>(async (session, options, [name]) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
        const project = await getProject(await session.client(), name!);
        if (!printStructured(format, project)) out(formatProject(project));
      }),
    );
  example(get, 'berth proj get default');

  const list = proj
    .command('list')
    .description('List projects')
    .option('-o, --output <format>', 'json|yaml|name')
    .action(
      action<{ output?: string }>(async (session, options) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'name', 'wide']);
        const { items } = await (await session.client()).get<{ items: AppProject[] }>('/api/v1/projects');
        if (printStructured(format, items)) return;
        if (format === 'name') return out(items.map((p) => p.metadata.name).join('\n'));
        out(formatProjectList(items));
      }),
    );
  example(list, 'berth proj list');

  const del = proj
    .command('delete')
    .description('Delete a project')
    .argument('<name...>', 'projects')
    .action(
      action(async (session, _options, names) => {
        const client = await session.client();
        for (const name of names) {
          await client.delete(`/api/v1/projects/${seg(name)}`, undefined, `delete project ${name}`);
          out(`project '${name}' deleted`);
        }
      }),
    );
  example(del, 'berth proj delete web');

  const addSource = proj
    .command('add-source')
    .description('Permit a source repository in a project')
    .argument('<name>', 'the project')
    .argument('<url>', 'repository URL (or *)')
    .action(
      action(async (session, _options, [name, url]) => {
        const client = await session.client();
        const project = await getProject(client, name!);
        const repos = project.spec.sourceRepos ?? [];
        if (repos.includes(url!)) return out(`source repository '${url}' already in project '${name}'`);
        project.spec.sourceRepos = [...repos, url!];
        await client.put(
          `/api/v1/projects/${seg(name!)}`,
          editable(project),
          undefined,
          `update project ${name}`,
        );
        out(`source repository '${url}' added to project '${name}'`);
      }),
    );
  example(addSource, 'berth proj add-source web https://git.example.com/web.git');

  const addDestination = proj
    .command('add-destination')
    .description('Permit a destination in a project')
    .argument('<name>', 'the project')
    .argument('<server>', 'cluster server URL (or name with --name)')
    .argument('<namespace>', 'namespace (or *)')
    .option('--name', 'the second argument is a cluster name, not a server URL')
    .action(
      action<{ name?: boolean }>(async (session, options, [name, server, namespace]) => {
        const client = await session.client();
        const project = await getProject(client, name!);
        const destination = options.name
          ? { name: server!, namespace: namespace! }
          : { server: server!, namespace: namespace! };
        const existing = project.spec.destinations ?? [];
        if (existing.some((d) => (d.server ?? d.name) === server && d.namespace === namespace))
          return out(`destination ${server},${namespace} already in project '${name}'`);
        project.spec.destinations = [...existing, destination];
        await client.put(
          `/api/v1/projects/${seg(name!)}`,
          editable(project),
          undefined,
          `update project ${name}`,
        );
        out(`destination ${server},${namespace} added to project '${name}'`);
      }),
    );
  example(addDestination, 'berth proj add-destination web https://kubernetes.default.svc web-staging');

  const windows = proj.command('windows').description("Manage a project's sync windows");
  const windowsList = windows
    .command('list')
    .description('List the sync windows of a project')
    .argument('<name>', 'the project')
    .option('-o, --output <format>', 'json|yaml')
    .action(
      action<{ output?: string }>(async (session, options, [name]) => {
        const format = outputFormat(options.output, ['json', 'yaml', 'wide']);
        const client = await session.client();
        const project = await getProject(client, name!);
        if (printStructured(format, project.spec.syncWindows ?? [])) return;
        // The server answers the open windows themselves (Argo CD's GetSyncWindowsState), without ids.
        const open = await client.get<{ windows?: Array<Record<string, unknown>> }>(
          `/api/v1/projects/${seg(name!)}/syncwindows`,
        );
        const keyOf = (w: { kind?: unknown; schedule?: unknown; duration?: unknown }) =>
          `${String(w.kind)}|${String(w.schedule)}|${String(w.duration)}`;
        const openKeys = new Set((open.windows ?? []).map(keyOf));
        const active = new Set(
          (project.spec.syncWindows ?? []).flatMap((w, id) => (openKeys.has(keyOf(w)) ? [id] : [])),
        );
        out(formatWindows(project, active));
      }),
    );
  example(windowsList, 'berth proj windows list default');
}
