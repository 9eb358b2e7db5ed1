/**
 * A worker process for the crash test: runs one sync operation and, when the first Sync wave is
 * recorded, says so on stdout and waits to be killed (kill -9) by the test.
 * Input: JSON in BERTH_SYNC_CHILD (databaseUrl, kubeconfig, gitCacheDir, redisUrl, prefix, application, operationId).
 */
import {
  ApplicationsRepository,
  ClustersRepository,
  createCommandHandler,
  createDataSource,
  PostgresEventStore,
  ProjectsRepository,
} from '@berth/event-store';
import { createRedis, JobQueues } from '@berth/queues';
import { InClusterResolver, KubeCluster } from '@berth/kube';
import { InMemoryManifestCache, ManifestRenderer } from '@berth/render';
import { GitMirrorCache } from '@berth/sources';
import { SyncProcessor } from '../../../apps/worker/src/sync.processor';

interface ChildInput {
  databaseUrl: string;
  kubeconfig: string;
  gitCacheDir: string;
  redisUrl: string;
  prefix: string;
  application: string;
  operationId: string;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env['BERTH_SYNC_CHILD'] ?? '{}') as ChildInput;
  const dataSource = createDataSource(input.databaseUrl, {
    poolSize: 2,
    applicationName: 'berth-sync-child',
  });
  await dataSource.initialize();
  const git = new GitMirrorCache({ cacheDir: input.gitCacheDir, allowFileUrls: true });
  const store = new PostgresEventStore(dataSource);
  const processor = new SyncProcessor({
    dataSource,
    store,
    commands: createCommandHandler(dataSource, store),
    applications: new ApplicationsRepository(dataSource),
    projects: new ProjectsRepository(dataSource),
    registeredClusters: new ClustersRepository(dataSource),
    renderer: new ManifestRenderer({ git, cache: new InMemoryManifestCache() }),
    git,
    clusters: new InClusterResolver(KubeCluster.fromKubeconfig(input.kubeconfig)),
    queues: new JobQueues(createRedis(input.redisUrl, 'berth-sync-child'), input.prefix),
    now: () => new Date(),
    timings: { healthPollMs: 20, waveHealthTimeoutMs: 15_000 },
  });
  await processor.process(
    { application: input.application, operationId: input.operationId },
    {
      afterWave: async (phase) => {
        if (phase !== 'Sync') return;
        process.stdout.write('WAVE_DONE\n');
        await new Promise(() => undefined); // wait for SIGKILL
      },
    },
  );
  process.stdout.write('FINISHED\n');
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
