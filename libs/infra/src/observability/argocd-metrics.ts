import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The metrics Argo CD's dashboards and alerts query, with Argo CD's names, labels and buckets
 * (controller/metrics/metrics.go, reposerver/metrics/metrics.go). Which ones Berth serves and from
 * which process: docs/metrics.md.
 */
export class ArgoCdMetrics {
  /** One series per Application (scheduler; refreshed from the read model at each scrape). */
  readonly appInfo: Gauge;
  readonly appSync: Counter;
  readonly appReconcile: Histogram;
  readonly appK8sRequest: Counter;
  readonly kubectlExec: Counter;
  readonly gitRequest: Counter;
  readonly gitRequestDuration: Histogram;
  readonly gitFetchFail: Counter;
  /** The workers' watch-fed cluster caches (docs/live-state.md), per cluster server URL. */
  readonly clusterApiResourceObjects: Gauge;
  readonly clusterApiResources: Gauge;
  readonly clusterEvents: Counter;
  readonly clusterCacheAge: Gauge;

  constructor(registers: Registry[]) {
    this.appInfo = new Gauge({
      name: 'argocd_app_info',
      help: 'Information about application.',
      labelNames: [
        'namespace',
        'name',
        'project',
        'autosync_enabled',
        'repo',
        'dest_server',
        'dest_namespace',
        'sync_status',
        'health_status',
        'operation',
      ],
      registers,
    });
    this.appSync = new Counter({
      name: 'argocd_app_sync_total',
      help: 'Number of application syncs.',
      labelNames: ['namespace', 'name', 'project', 'dest_server', 'phase', 'dry_run'],
      registers,
    });
    this.appReconcile = new Histogram({
      name: 'argocd_app_reconcile',
      help: 'Application reconciliation performance in seconds.',
      labelNames: ['namespace', 'dest_server'],
      // Argo CD's buckets, chosen after observing a ~2100 ms mean reconcile time.
      buckets: [0.25, 0.5, 1, 2, 4, 8, 16],
      registers,
    });
    this.appK8sRequest = new Counter({
      name: 'argocd_app_k8s_request_total',
      help: 'Number of kubernetes requests executed during application reconciliation.',
      labelNames: [
        'namespace',
        'name',
        'project',
        'server',
        'response_code',
        'verb',
        'resource_kind',
        'resource_namespace',
        'dry_run',
      ],
      registers,
    });
    this.kubectlExec = new Counter({
      name: 'argocd_kubectl_exec_total',
      help: 'Number of kubectl executions',
      labelNames: ['hostname', 'command'],
      registers,
    });
    this.gitRequest = new Counter({
      name: 'argocd_git_request_total',
      help: 'Number of git requests performed by repo server',
      labelNames: ['repo', 'request_type'],
      registers,
    });
    this.gitRequestDuration = new Histogram({
      name: 'argocd_git_request_duration_seconds',
      help: 'Git requests duration seconds.',
      labelNames: ['repo', 'request_type'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 10, 20],
      registers,
    });
    this.clusterApiResourceObjects = new Gauge({
      name: 'argocd_cluster_api_resource_objects',
      help: 'Number of k8s resource objects in the cache.',
      labelNames: ['server'],
      registers,
    });
    this.clusterApiResources = new Gauge({
      name: 'argocd_cluster_api_resources',
      help: 'Number of monitored kubernetes API resources.',
      labelNames: ['server'],
      registers,
    });
    this.clusterEvents = new Counter({
      name: 'argocd_cluster_events_total',
      help: 'Number of processes k8s resource events.',
      labelNames: ['server', 'group', 'kind'],
      registers,
    });
    this.clusterCacheAge = new Gauge({
      name: 'argocd_cluster_cache_age_seconds',
      help: 'Cluster cache age in seconds.',
      labelNames: ['server'],
      registers,
    });
    this.gitFetchFail = new Counter({
      name: 'argocd_git_fetch_fail_total',
      help: 'Number of git fetch requests failures by repo server',
      labelNames: ['repo', 'revision'],
      registers,
    });
  }
}

/** One row of `argocd_app_info`: the labels Argo CD gives an Application. */
export interface AppInfoLabels {
  namespace: string;
  name: string;
  project: string;
  autosync_enabled: 'true' | 'false';
  repo: string;
  dest_server: string;
  dest_namespace: string;
  sync_status: string;
  health_status: string;
  /** `sync` while an operation runs, `delete` while the app is being deleted, else empty. */
  operation: string;
}
