import { Logger } from '@nestjs/common';
import {
  type HealthCheckRegistry,
  healthOf,
  type KubeObject,
  type ResourceNodeDetails,
  resourceNodeDetailsOf,
} from '@berth/domain';
import { ClusterCache, type KubeCluster } from '@berth/kube';
import { ClusterLease, type JobQueues, ResourceTreeCache } from '@berth/queues';
import type { ArgoCdMetrics, RedisClient } from '@berth/infra';
import { LiveChangeRefresher } from './live-change-refresher';
import { ResourceTreePublisher } from './resource-tree.publisher';

export interface LiveStateOptions {
  redis: RedisClient;
  /** BullMQ/Redis prefix: the lease keys live under it. */
  prefix: string;
  queues: Pick<JobQueues, 'requestRefresh'>;
  /** Default 250 ms (BERTH_LIVE_STATE_DEBOUNCE_MS). */
  debounceMs?: number;
  /** Default 300 s (BERTH_WATCH_TIMEOUT_SECONDS). */
  watchTimeoutSeconds?: number;
  /** Default 9 s (CLUSTER_LEASE_TTL_MS). Tests shorten it. */
  leaseTtlMs?: number;
  /** Argo CD's cluster cache metrics (`argocd_cluster_*`), kept current while the worker runs. */
  metrics?: Pick<
    ArgoCdMetrics,
    'clusterApiResourceObjects' | 'clusterApiResources' | 'clusterEvents' | 'clusterCacheAge'
  >;
  /** The operator's health checks (resource customizations): the tree's nodes are judged with them. */
  healthChecks?: HealthCheckRegistry;
}

/** How often the cache gauges are set from the caches (a scrape may see them this much behind). */
const GAUGE_INTERVAL_MS = 5_000;

interface ClusterLiveState {
  kube: KubeCluster;
  cache: ClusterCache;
  lease: ClusterLease;
  refresher: LiveChangeRefresher;
}

/**
 * The worker's live state, one watch-fed cache per cluster it compares apps on (docs/adr/0005): opened
 * the first time a refresh reaches the cluster and kept, with that cluster's lease and the refresher
 * that turns changes into refresh requests. Refreshes read through the cache once it has listed a kind,
 * and GET otherwise (KubeCluster.liveObjects).
 */
export class LiveStateCaches {
  private readonly clusters = new Map<string, ClusterLiveState>();
  private readonly logger = new Logger('live-state');
  private gauges: NodeJS.Timeout | undefined;
  /** Each refreshed app's resource tree, built from these caches and published to Redis for the scheduler. */
  readonly trees: ResourceTreePublisher;

  constructor(private readonly options: LiveStateOptions) {
    this.trees = new ResourceTreePublisher(new ResourceTreeCache(options.redis, options.prefix), (obj) =>
      this.detailsOf(obj),
    );
  }

  /** What the resource tree shows of an object beyond its identity, judged with the operator's health checks. */
  private detailsOf(obj: KubeObject): ResourceNodeDetails {
    return resourceNodeDetailsOf(obj, healthOf(obj, this.options.healthChecks));
  }

  /**
   * Sets `argocd_cluster_api_resource_objects`, `argocd_cluster_api_resources` and
   * `argocd_cluster_cache_age_seconds` from every cache.
   */
  recordGauges(now = Date.now()): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    for (const { kube, cache } of this.clusters.values()) {
      metrics.clusterApiResourceObjects.set({ server: kube.url }, cache.size);
      metrics.clusterApiResources.set({ server: kube.url }, cache.watchedKinds().length);
      const listedAt = cache.oldestListAt();
      if (listedAt !== undefined)
        metrics.clusterCacheAge.set({ server: kube.url }, Math.max(0, (now - listedAt) / 1000));
    }
  }

  /** The cache of `kube`'s cluster, started now if it was not (a client re-made for a URL replaces it). */
  attach(kube: KubeCluster): ClusterCache {
    const existing = this.clusters.get(kube.url);
    if (existing?.kube === kube) return existing.cache;
    if (existing) void this.close(existing);
    // One line per cluster every 30 s at most: an API server that is away fails every kind's watch at once.
    let lastWarnedAt = 0;
    const cache = new ClusterCache(kube, {
      // Worked out as each object comes in, while it is whole: the cache keeps only a node of most.
      details: (obj) => this.detailsOf(obj),
      ...(this.options.watchTimeoutSeconds ? { watchTimeoutSeconds: this.options.watchTimeoutSeconds } : {}),
      onError: (type, err, retryInMs) => {
        if (Date.now() - lastWarnedAt < 30_000) return;
        lastWarnedAt = Date.now();
        this.logger.warn(
          `watch of ${type.kind} (${type.apiVersion}) on ${kube.url}: ${(err as Error).message ?? String(err)}; ` +
            `again in ${retryInMs} ms (refreshes read the cluster directly meanwhile; further failures within 30 s not logged)`,
        );
      },
    });
    // The lease calls back into the refresher, which reads the lease: one is made first, then the other.
    const handover = { takeOver: () => {} };
    const lease = new ClusterLease(this.options.redis, this.options.prefix, kube.url, {
      ...(this.options.leaseTtlMs ? { ttlMs: this.options.leaseTtlMs } : {}),
      onAcquired: () => handover.takeOver(),
    });
    const refresher = new LiveChangeRefresher(cache, lease, {
      debounceMs: this.options.debounceMs ?? 250,
      request: (application) =>
        this.options.queues.requestRefresh({ application, hard: false, reason: 'live-change' }),
      onError: (application, err) =>
        this.logger.warn(
          `refresh of ${application} after a live change not requested: ${(err as Error).message}`,
        ),
    });
    handover.takeOver = () => refresher.takeOver();
    kube.useCache(cache);
    const metrics = this.options.metrics;
    if (metrics) {
      cache.onChange(({ resource }) =>
        metrics.clusterEvents.inc({ server: kube.url, group: resource.group, kind: resource.kind }),
      );
      this.gauges ??= setInterval(() => this.recordGauges(), GAUGE_INTERVAL_MS).unref();
    }
    this.clusters.set(kube.url, { kube, cache, lease, refresher });
    cache
      .start()
      .catch((err: unknown) => this.logger.warn(`cluster cache of ${kube.url}: ${(err as Error).message}`));
    lease.start();
    return cache;
  }

  /** Every cache, for tests and metrics. */
  caches(): ClusterCache[] {
    return [...this.clusters.values()].map((c) => c.cache);
  }

  /** Stops every watch and hands every lease over. */
  async stop(): Promise<void> {
    if (this.gauges) clearInterval(this.gauges);
    this.gauges = undefined;
    await Promise.all([...this.clusters.values()].map((c) => this.close(c)));
    this.clusters.clear();
  }

  private async close(state: ClusterLiveState): Promise<void> {
    this.clusters.delete(state.kube.url);
    state.refresher.stop();
    state.cache.stop();
    state.kube.useCache(undefined);
    await state.lease.stop();
  }
}
