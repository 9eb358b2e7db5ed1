import { expect } from '@jest/globals';
import {
  applicationAggregate,
  type ApplicationEvent,
  applicationEvent,
  type ApplicationManifest,
  applicationStreamId,
  type SyncRequested,
} from '@berth/domain';
import {
  ApplicationsRepository,
  ClustersRepository,
  createCommandHandler,
  PostgresEventStore,
  ProjectsRepository,
  RepositoryCredentialStore,
} from '@berth/event-store';
import { createRedis, JobQueues, type RedisTarget } from '@berth/queues';
import { SecretBox, type RedisClient } from '@berth/infra';
import { IN_CLUSTER_SERVER, InClusterResolver, KubeCluster, RegisteredClusterResolver } from '@berth/kube';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { InMemoryManifestCache, ManifestRenderer } from '@berth/render';
import { GitMirrorCache } from '@berth/sources';
import { eventually } from '@berth/testing';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { startSandboxCluster, type SandboxCluster, type SandboxClusterOptions } from '@berth/sandbox-cluster';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RefreshProcessor } from '../../apps/worker/src/refresh.processor';
import { SyncProcessor } from '../../apps/worker/src/sync.processor';
import type { WorkerDeps } from '../../apps/worker/src/worker-deps';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Everything a worker test needs, real: Git repo, sandbox cluster, Postgres, Redis. */
export class WorkerHarness {
  private constructor(
    readonly root: string,
    readonly repo: GitFixtureRepo,
    readonly sandbox: SandboxCluster,
    readonly db: TestDatabase,
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly deps: WorkerDeps,
    readonly cluster: KubeCluster,
    /** Seals what the test puts in the `repositories` and `clusters` tables, as the scheduler does. */
    readonly box: SecretBox,
    /** The processors' clock (`deps.now`). */
    readonly clock: ShiftedClock,
  ) {}

  readonly refresh = () => new RefreshProcessor(this.deps);
  readonly sync = () => new SyncProcessor(this.deps);

  /**
   * `sandbox` options override the defaults (timeScale 0.01); `deps` override or add worker dependencies
   * (compare options, timings); `redis` and `prefix` put the queues elsewhere (a Redis Cluster, whose
   * prefix needs a hash tag).
   */
  static async start(
    options: {
      sandbox?: SandboxClusterOptions;
      deps?: Partial<WorkerDeps>;
      redis?: RedisTarget;
      prefix?: string;
    } = {},
  ): Promise<WorkerHarness> {
    const root = await mkdtemp(join(tmpdir(), 'berth-worker-e2e-'));
    const repo = await GitFixtureRepo.create(root, 'apps');
    const sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01, ...options.sandbox });
    const db = await createTestDatabase('berth_worker_test');
    const redis = createRedis(options.redis ?? REDIS_URL, 'berth-worker-test');
    const prefix = options.prefix ?? `berth-worker-test-${randomBytes(4).toString('hex')}`;
    const cluster = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
    // The worker's production wiring (worker.context.ts): registered repositories and clusters.
    const box = new SecretBox(randomBytes(32).toString('base64'));
    const credentials = new RepositoryCredentialStore(db.dataSource, box, 0);
    const git = new GitMirrorCache({
      cacheDir: join(root, 'git'),
      allowFileUrls: true,
      allowHttp: true,
      // As in production: no default credentials, each render gets its project's (desired-state.ts).
    });
    const store = new PostgresEventStore(db.dataSource);
    const clock = new ShiftedClock();
    const deps: WorkerDeps = {
      dataSource: db.dataSource,
      store,
      commands: createCommandHandler(db.dataSource, store),
      applications: new ApplicationsRepository(db.dataSource),
      projects: new ProjectsRepository(db.dataSource),
      registeredClusters: new ClustersRepository(db.dataSource),
      renderer: new ManifestRenderer({ git, cache: new InMemoryManifestCache() }),
      git,
      clusters: new RegisteredClusterResolver(
        new ClustersRepository(db.dataSource),
        box,
        new InClusterResolver(cluster),
      ),
      credentials,
      queues: new JobQueues(redis, prefix),
      now: clock.now,
      timings: { healthPollMs: 20, waveHealthTimeoutMs: 15_000, selfHealBackoff: () => 0 },
      ...options.deps,
    };
    return new WorkerHarness(root, repo, sandbox, db, redis, prefix, deps, cluster, box, clock);
  }

  async stop(): Promise<void> {
    await this.deps.queues.refresh.obliterate({ force: true }).catch(() => undefined);
    await this.deps.queues.sync.obliterate({ force: true }).catch(() => undefined);
    await this.deps.queues.close();
    const keys = await this.redis.keys(`${this.prefix}*`);
    if (keys.length) await this.redis.del(...keys);
    this.redis.disconnect();
    await this.db.drop();
    await this.sandbox.close();
    await rm(this.root, { recursive: true, force: true });
  }

  manifest(name: string, path: string, syncPolicy: Record<string, unknown> = {}): ApplicationManifest {
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: this.repo.fileUrl, targetRevision: 'main', path },
        destination: { server: IN_CLUSTER_SERVER, namespace: name },
        syncPolicy: { syncOptions: ['CreateNamespace=true'], ...syncPolicy },
      },
    };
  }

  async createApp(name: string, path: string, syncPolicy: Record<string, unknown> = {}): Promise<void> {
    await this.createAppFromManifest(this.manifest(name, path, syncPolicy));
  }

  async createAppFromManifest(manifest: ApplicationManifest): Promise<void> {
    const name = manifest.metadata.name;
    await this.record(name, [
      applicationEvent('ApplicationCreated', { application: name, project: 'default', manifest }),
    ]);
  }

  /** Records events in an app's stream through the command path (snapshot and read model follow), as fixtures. */
  async record(name: string, events: ApplicationEvent[], actor = 'test'): Promise<void> {
    await this.deps.commands.handle(applicationAggregate, applicationStreamId(name), () => events, { actor });
  }

  /** A manual sync, as `argocd app sync` records it; returns the operation id. */
  async requestSync(name: string, options: Partial<SyncRequested['data']> = {}): Promise<string> {
    const operationId = randomUUID();
    await this.record(
      name,
      [
        applicationEvent<SyncRequested>('SyncRequested', {
          application: name,
          operationId,
          prune: false,
          dryRun: false,
          initiatedBy: { username: 'alice', automated: false },
          ...options,
        }),
      ],
      'alice',
    );
    return operationId;
  }

  async events(name: string): Promise<ApplicationEvent[]> {
    const recorded = await this.deps.store.readStream(applicationStreamId(name));
    return recorded.map(
      (r) => ({ type: r.type, schemaVersion: r.schemaVersion, data: r.data }) as ApplicationEvent,
    );
  }

  /** Event types, with the target status for status changes (`SyncStatusChanged:Synced`). */
  async timeline(name: string, fromIndex = 0): Promise<string[]> {
    return (await this.events(name)).slice(fromIndex).map(describeEvent);
  }

  async view(name: string): Promise<{
    sync_status: string;
    health_status: string;
    revision: string | null;
    reconciled_at: Date | null;
  }> {
    const rows = await this.db.dataSource.query<
      Array<{
        sync_status: string;
        health_status: string;
        revision: string | null;
        reconciled_at: Date | null;
      }>
    >(`SELECT sync_status, health_status, revision, reconciled_at FROM applications WHERE name = $1`, [name]);
    return rows[0]!;
  }

  /**
   * Refreshes until the app's health is `health`: the sandbox's simulated controllers roll out on real
   * (scaled) time, and Berth sees the cluster only when it refreshes.
   */
  async refreshUntilHealth(name: string, health: string, timeout = 15_000): Promise<void> {
    await eventually(
      async () => {
        await this.refresh().process({ application: name, hard: false, reason: 'test' });
        expect(await this.view(name)).toMatchObject({ health_status: health });
      },
      { timeout, interval: 30, what: `${name} to become ${health}` },
    );
  }
}

export function describeEvent(e: ApplicationEvent): string {
  switch (e.type) {
    case 'SyncStatusChanged':
    case 'HealthStatusChanged':
      return `${e.type}:${e.data.to}`;
    case 'ConditionRaised':
    case 'ConditionCleared':
      return `${e.type}:${e.data.conditionType}`;
    case 'ResourceSynced':
      return `ResourceSynced:${e.data.resource.kind}/${e.data.resource.name}:${e.data.result}`;
    default:
      return e.type;
  }
}

export const guestbook = (image = 'nginx:1.27', greeting = 'hello') => ({
  'config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: guestbook-config
data:
  greeting: ${greeting}
`,
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook-ui
spec:
  replicas: 1
  progressDeadlineSeconds: 10
  selector:
    matchLabels: { app: guestbook-ui }
  template:
    metadata:
      labels: { app: guestbook-ui }
    spec:
      containers:
        - name: ui
          image: ${image}
          ports: [{ containerPort: 80 }]
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: guestbook-ui
spec:
  selector: { app: guestbook-ui }
  ports: [{ port: 80, targetPort: 80 }]
`,
});

/** Files of `guestbook()` under `dir/`. */
export function under(dir: string, files: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));
}

/**
 * Real time plus whatever a test moved it on by: for code that reads the injected clock (auto-rollback
 * deadlines, sync retry backoff), a test moves time instead of sleeping through it.
 */
export class ShiftedClock {
  private offsetMs = 0;

  readonly now = (): Date => new Date(Date.now() + this.offsetMs);

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
