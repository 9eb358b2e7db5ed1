import type { Command } from 'commander';
import { note, out } from '../cli-session';
import { type AppSpecFlags, applyAppFlags, unsetAppFields } from '../format/app-manifest';
import { type ApiClient, seg } from '../http/api-client';
import { action, example } from './action';
import { getApp } from './app-reads';
import { editableManifest, withAppSpecFlags } from './app-spec-flags';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `berth app set` / `app unset`: GET the app, change what the flags name, PUT it back. */
export function registerAppSet(app: Command): void {
  const set = withAppSpecFlags(
    app
      .command('set')
      .description("Change an application's source, destination or sync policy")
      .argument('<name>', 'the application'),
  ).action(
    action<AppSpecFlags>(async (session, options, [name]) => {
      const client = await session.client();
      const current = editableManifest(await getApp(client, name!));
      await put(client, name!, applyAppFlags(name!, options, current));
    }),
  );
  example(
    set,
    'berth app set guestbook --revision v1.2.0\nberth app set guestbook --sync-policy automated --self-heal',
  );

  const unset = app
    .command('unset')
    .description('Remove Helm parameters, value files, kustomize images or sync options from an application')
    .argument('<name>', 'the application')
    .option('-p, --parameter <name>', 'Helm parameter (repeatable)', collect)
    .option('--values <file>', 'Helm values file (repeatable)', collect)
    .option('--kustomize-image <name>', 'kustomize image (repeatable)', collect)
    .option('--sync-option <name>', 'sync option by name, e.g. CreateNamespace (repeatable)', collect)
    .action(
      action<{ parameter?: string[]; values?: string[]; kustomizeImage?: string[]; syncOption?: string[] }>(
        async (session, options, [name]) => {
          const client = await session.client();
          const current = editableManifest(await getApp(client, name!));
          await put(
            client,
            name!,
            unsetAppFields(current, {
              ...(options.parameter ? { parameter: options.parameter } : {}),
              ...(options.values ? { valuesFile: options.values } : {}),
              ...(options.kustomizeImage ? { kustomizeImage: options.kustomizeImage } : {}),
              ...(options.syncOption ? { syncOption: options.syncOption } : {}),
            }),
          );
        },
      ),
    );
  example(
    unset,
    'berth app unset guestbook -p replicaCount\nberth app unset guestbook --sync-option CreateNamespace',
  );
}

async function put(client: ApiClient, name: string, manifest: object): Promise<void> {
  const answer = await client.exchange('PUT', `/api/v1/applications/${seg(name)}`, {
    body: manifest,
    what: `update ${name}`,
  });
  for (const warning of answer.warnings) note(`warning: ${warning}`);
  out(`application '${name}' updated`);
}
