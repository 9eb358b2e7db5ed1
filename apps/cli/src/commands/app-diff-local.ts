import { type IgnoreDifference, localManifestDiffs, type ManagedLiveState } from '@berth/domain';
import { JqWasmPathEvaluator } from '@berth/infra/jq/jq-path-evaluator';
import { BERTH_FIELD_MANAGER } from '@berth/kube/field-manager';
import { type CliSession, note } from '../cli-session';
import { seg } from '../http/api-client';
import { localDirectory } from '../local/local-directory';
import { renderLocal } from '../local/local-render';
import type { ResourceDiff } from '../format/resource-diff';
import { getApp } from './app-reads';

/**
 * `berth app diff NAME --local DIR`: DIR rendered on this machine with the app's source options, against the
 * live objects of the app's managed resources (`GET .../managed-resources`: only what the caller may read),
 * compared on the client with the workers' comparison (localManifestDiffs). Answers the ResourceDiffs to
 * print, as the server's route would answer them; a local Secret left out is a warning on stderr.
 */
export async function localResourceDiffs(
  session: CliSession,
  name: string,
  dir: string,
  repoRoot: string | undefined,
): Promise<ResourceDiff[]> {
  // DIR first: a wrong path is the user's to fix before anything is asked of the server.
  const local = await localDirectory(dir, repoRoot);
  const client = await session.client();
  const app = await getApp(client, name);
  const rendered = await renderLocal(app, local, `--local ${dir}`);
  const { items: managed } = await client.get<{ items?: ManagedLiveState[] }>(
    `/api/v1/applications/${seg(name)}/managed-resources`,
    undefined,
    `managed resources of ${name}`,
  );
  const spec = app.spec as { ignoreDifferences?: IgnoreDifference[] };
  const namespace = app.spec.destination?.namespace;
  const { items, secretsLeftOut } = await localManifestDiffs(rendered, managed ?? [], {
    application: name,
    ...(namespace ? { destinationNamespace: namespace } : {}),
    ...(spec.ignoreDifferences?.length ? { ignoreDifferences: spec.ignoreDifferences } : {}),
    fieldManager: BERTH_FIELD_MANAGER,
    jq: new JqWasmPathEvaluator(),
  });
  for (const key of secretsLeftOut)
    note(
      `warning: Secret ${key.namespace ? `${key.namespace}/` : ''}${key.name} is left out of a local diff (the server masks Secret values)`,
    );
  return items;
}
