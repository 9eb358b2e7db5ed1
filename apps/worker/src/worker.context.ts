import { Logger } from '@nestjs/common';
import { Authentication } from '@berth/auth';
import { HealthCheckRegistry } from '@berth/domain';
import {
  ApplicationsRepository,
  ClustersRepository,
  createCommandHandler,
  createDataSource,
  PostgresEventStore,
  ProjectsRepository,
  RepositoryCredentialStore,
} from '@berth/event-store';
import {
  BerthMetrics,
  type BerthConfig,
  loadHealthCustomizations,
  LuaHealthRunner,
  SecretBox,
  type RedisClient,
} from '@berth/infra';
import { createRedis, JobQueues } from '@berth/queues';
import { assertMigrated, countAdapterRequests } from '@berth/runtime';
import { OutboundGuard } from '@berth/net';
import { loadConfigManagementPlugins, ManifestRenderer, RedisManifestCache } from '@berth/render';
import { GitMirrorCache } from '@berth/sources';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import {
  type ClusterResolver,
  clientOptionsOf,
  InClusterResolver,
  RegisteredClusterResolver,
} from '@berth/kube';
import { LiveStateCaches } from './live-state.caches';
import { DEFAULT_TIMINGS, type WorkerDeps } from './worker-deps';
import { WorkerRuntime } from './worker-runtime';

/** The worker's connections and processors, made once at start and handed to the Nest module. */
export class WorkerContext {
  private constructor(
    readonly config: BerthConfig,
    readonly dataSource: DataSource,
    readonly redis: RedisClient,
    readonly queues: JobQueues,
    readonly metrics: BerthMetrics,
    readonly runtime: WorkerRuntime,
    readonly renderer: ManifestRenderer,
    /** Token checks of the worker's HTTP port (/metrics when BERTH_METRICS_REQUIRE_AUTH is set). */
    readonly auth: Authentication,
    /** Stops counting the adapters' requests into `metrics` (several workers in one test process). */
    private readonly stopCounting: () => void,
  ) {}

  static async open(
    config: BerthConfig,
    options: { clusters?: ClusterResolver } = {},
  ): Promise<WorkerContext> {
    const dataSource = createDataSource(config.databaseUrl, { applicationName: 'berth-worker' });
    await dataSource.initialize();
    await assertMigrated(dataSource, config.databaseUrl);
    const logger = new Logger('auth');
    const auth = await Authentication.open({
      config,
      dataSource,
      log: (level, message) => logger[level](message),
    });
    const metrics = new BerthMetrics('worker');
    const store = new PostgresEventStore(dataSource);
    store.onAppended((n, seconds) => {
      metrics.eventsAppended.inc(n);
      metrics.eventAppendDuration.observe(seconds);
    });
    const stopCounting = countAdapterRequests(metrics);
    const redis = createRedis(config.redis, 'berth-worker');
    const queues = new JobQueues(redis, config.queuePrefix);
    const box = SecretBox.fromConfig(config);
    const credentials = new RepositoryCredentialStore(dataSource, box);
    const git = new GitMirrorCache({
      cacheDir: gitCacheDirOf(config),
      allowFileUrls: config.allowFileRepos,
      allowHttp: config.allowHttpRepos,
      // No default credentials: each render gets those its app's project may use (desired-state.ts).
      refsMaxAgeMs: config.gitRefsMaxAgeSeconds * 1000,
      // No git or helm connection to link-local / cloud metadata hosts unless BERTH_OUTBOUND_ALLOW says so.
      outbound: OutboundGuard.fromAllowList(config.outboundAllow),
    });
    const renderer = new ManifestRenderer({
      git,
      cache: new RedisManifestCache(redis, `${config.queuePrefix}:manifests:`),
      // The operator's config management plugins; a bad plugin file stops the start, naming it.
      plugins: config.pluginsDir ? await loadConfigManagementPlugins(config.pluginsDir) : [],
    });
    const healthChecks = config.resourceCustomizationsDir
      ? await loadHealthChecks(config.resourceCustomizationsDir)
      : undefined;
    const deps: WorkerDeps = {
      // Which worker process appended an event: the audit log can tell a resumed operation's workers apart.
      source: `worker:${hostname()}:${process.pid}`,
      dataSource,
      store,
      commands: createCommandHandler(dataSource, store),
      applications: new ApplicationsRepository(dataSource),
      projects: new ProjectsRepository(dataSource),
      registeredClusters: new ClustersRepository(dataSource),
      renderer,
      git,
      clusters:
        options.clusters ??
        new RegisteredClusterResolver(
          new ClustersRepository(dataSource),
          box,
          InClusterResolver.fromConfig(config),
          OutboundGuard.fromAllowList(config.outboundAllow),
          clientOptionsOf(config),
        ),
      credentials,
      queues,
      now: () => new Date(),
      timings: DEFAULT_TIMINGS,
      compareOptions: config.compareOptions,
      ...(config.liveState.enabled
        ? {
            liveState: new LiveStateCaches({
              redis,
              prefix: config.queuePrefix,
              queues,
              debounceMs: config.liveState.debounceMs,
              watchTimeoutSeconds: config.liveState.watchTimeoutSeconds,
              metrics: metrics.argocd,
              ...(healthChecks ? { healthChecks } : {}),
            }),
          }
        : {}),
      ...(healthChecks ? { healthChecks } : {}),
    };
    const runtime = new WorkerRuntime(deps, {
      redisUrl: config.redis,
      prefix: config.queuePrefix,
      concurrency: config.workerConcurrency,
      metrics,
    });
    return new WorkerContext(
      config,
      dataSource,
      redis,
      queues,
      metrics,
      runtime,
      renderer,
      auth,
      stopCounting,
    );
  }

  async close(): Promise<void> {
    this.stopCounting();
    await this.auth.close();
    await this.runtime.close();
    await this.queues.close();
    this.redis.disconnect();
    await this.dataSource.destroy();
  }
}

/** Argo CD `health.lua` customizations, run with wasmoon, checked before the built-in health checks. */
async function loadHealthChecks(dir: string): Promise<HealthCheckRegistry> {
  return LuaHealthRunner.create().register(new HealthCheckRegistry(), await loadHealthCustomizations(dir));
}

/** Where a worker keeps its git mirrors and trees (under BERTH_DATA_DIR); /readyz checks it is writable. */
export function gitCacheDirOf(config: BerthConfig): string {
  return join(resolve(config.dataDir), 'git');
}
