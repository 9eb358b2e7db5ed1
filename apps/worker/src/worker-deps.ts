import type { HealthCheckRegistry, JqPathEvaluator } from '@berth/domain';
import { JqWasmPathEvaluator } from '@berth/infra';
import type {
  ApplicationsRepository,
  ClustersRepository,
  CommandHandler,
  PostgresEventStore,
  ProjectsRepository,
  RepositoryCredentialStore,
} from '@berth/event-store';
import type { JobQueues } from '@berth/queues';
import type { ManifestRenderer } from '@berth/render';
import type { GitMirrorCache } from '@berth/sources';
import type { DataSource } from 'typeorm';
import type { ClusterResolver } from '@berth/kube';
import type { LiveStateCaches } from './live-state.caches';
import { PredictedLiveCache } from './predicted-live';

/** Tunables with Argo CD's defaults; tests shorten them. */
export interface WorkerTimings {
  /** How often a sync polls the cluster while it waits for a wave to become healthy. Default 1 s. */
  healthPollMs: number;
  /** A wave that is not healthy after this fails the sync. Default 10 min. */
  waveHealthTimeoutMs: number;
  /** Self-heal backoff per attempt; default Argo CD's 2 s × 3ⁿ, at most 5 min. */
  selfHealBackoff?: (attempt: number) => number;
  /**
   * A Progressing app is compared again after this long. Default 5 s; 0 = off. With the live-state cache a
   * change of its objects requests a refresh too; this recheck stays for a cluster the cache cannot watch.
   */
  progressingRecheckMs?: number;
}

export const DEFAULT_TIMINGS: WorkerTimings = { healthPollMs: 1000, waveHealthTimeoutMs: 10 * 60_000 };

/** Everything the refresh and sync processors need, passed in so tests can build it without Nest. */
export interface WorkerDeps {
  dataSource: DataSource;
  /** For reading the log (events endpoint, cascade); writes go through `commands`. */
  store: PostgresEventStore;
  /** The one command path (snapshots, read models). */
  commands: CommandHandler;
  applications: ApplicationsRepository;
  /** AppProjects: their sync windows gate every sync this worker starts or runs (sync-windows.source.ts). */
  projects: ProjectsRepository;
  /** Registered clusters, so a sync window naming a cluster by name or server finds it either way. */
  registeredClusters: ClustersRepository;
  renderer: ManifestRenderer;
  git: GitMirrorCache;
  clusters: ClusterResolver;
  /**
   * Registered repositories' credentials, handed to each render scoped to the app's project
   * (`forApplication`). Absent = the git cache's own provider (none in production: public repositories only).
   */
  credentials?: RepositoryCredentialStore;
  queues: JobQueues;
  healthChecks?: HealthCheckRegistry;
  /**
   * Global compare options (BerthConfig `compareOptions`): Argo CD's `resource.compareoptions`
   * (ignoreAggregatedRoles) and `controller.diff.server.side` (serverSideDiff, an app's compare-options
   * annotation overrides it).
   */
  compareOptions?: { ignoreAggregatedRoles?: boolean; serverSideDiff?: boolean };
  /**
   * Watch-fed caches of the clusters (docs/adr/0005): refreshes read live state from them and live
   * changes request refreshes. Absent = one GET per resource, as before (BERTH_LIVE_STATE_CACHE=false).
   */
  liveState?: LiveStateCaches;
  /** Server-side diff's dry-run answers kept between refreshes. Default: one cache per worker process. */
  predictedLive?: PredictedLiveCache;
  /** Runs ignoreDifferences jqPathExpressions. Default: jq-wasm (jqEvaluatorOf). */
  jq?: JqPathEvaluator;
  /** The clock; decisions get time passed in. */
  now: () => Date;
  timings: WorkerTimings;
  /** Name in event metadata `source`. Default `worker`. */
  source?: string;
}

const wasmJq = new JqWasmPathEvaluator();
const processPredictions = new PredictedLiveCache();

/** The cache of server-side diff's dry runs the refresh uses. */
export function predictedLiveCacheOf(deps: Pick<WorkerDeps, 'predictedLive'>): PredictedLiveCache {
  return deps.predictedLive ?? processPredictions;
}

/** The jq the processors run ignoreDifferences jqPathExpressions with. */
export function jqEvaluatorOf(deps: Pick<WorkerDeps, 'jq'>): JqPathEvaluator {
  return deps.jq ?? wasmJq;
}
