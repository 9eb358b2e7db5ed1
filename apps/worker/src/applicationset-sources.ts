import type { ApplicationSet, GeneratorSources } from '@berth/domain';
import { applicationSetSources } from '@berth/sources';
import type { WorkerDeps } from './worker-deps';

/** The generators' inputs as the worker reads them: its git mirrors, its project's credentials, the registered clusters. */
export function workerApplicationSetSources(
  deps: WorkerDeps,
  appSet: ApplicationSet,
): Promise<GeneratorSources> {
  const credentials = deps.credentials;
  return applicationSetSources(
    {
      git: deps.git,
      ...(credentials
        ? {
            credentialsFor: async (project: string) =>
              (await credentials.forApplication({ spec: { project } })).credentials,
          }
        : {}),
      clusters: async () =>
        (await deps.registeredClusters.list()).map((c) => ({
          name: c.name,
          server: c.server,
          ...(c.project ? { project: c.project } : {}),
        })),
      reposChangedAt: (urls) => deps.queues.reposChangedAt(urls),
    },
    appSet,
  );
}
