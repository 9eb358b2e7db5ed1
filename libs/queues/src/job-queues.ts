import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import { DependencyUnavailableError, redisDown, redisUnavailable, type RedisClient } from '@berth/infra';
import { lastRedisError, readyWithin, redisEndpoint } from './redis-connection';
import {
  approvalExpiryJobId,
  laterRefreshDedupId,
  periodicRefreshJobId,
  QUEUE,
  refreshDedupId,
  syncJobId,
  applicationSetLockKey,
  type ApplicationSetJob,
  type JobPayloads,
  type RefreshJob,
  type SyncJob,
} from './queue-names';

/** Completed jobs are kept briefly for inspection; their ids then become free for the next request. */
const KEEP: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 24 * 3600, count: 5000 },
};

/** How long a call waits for a connection attempt in flight (at start, or a reconnect) before it fails. */
const FAIL_FAST_WAIT_MS = 2_000;

/**
 * The producer side of Berth's queues. On a fail-fast connection (createFailFastRedis: the API's)
 * every call fails within a bounded time with DependencyUnavailableError while Redis is away; on a
 * worker's connection calls wait for Redis to come back.
 */
export class JobQueues {
  readonly refresh: Queue<RefreshJob>;
  readonly sync: Queue<SyncJob>;
  readonly applicationSet: Queue<ApplicationSetJob>;
  private readonly failFast: boolean;

  constructor(
    private readonly connection: RedisClient,
    private readonly prefix: string,
  ) {
    this.refresh = new Queue<RefreshJob>(QUEUE.refresh, { connection, prefix });
    this.sync = new Queue<SyncJob>(QUEUE.sync, { connection, prefix });
    this.applicationSet = new Queue<ApplicationSetJob>(QUEUE.applicationset, { connection, prefix });
    // The connection's own listener logs an outage once; BullMQ would print every reconnect attempt.
    for (const queue of [this.refresh, this.sync, this.applicationSet]) queue.on('error', () => undefined);
    this.failFast = connection.options.enableOfflineQueue === false;
  }

  /**
   * Throws DependencyUnavailableError at once when Redis cannot take a job now. The API calls it
   * before it records a request whose work goes through a queue, so a request refused for Redis
   * leaves nothing behind: the caller can repeat it as it was.
   */
  async assertAvailable(): Promise<void> {
    const refuse = (detail: string) =>
      new DependencyUnavailableError(
        'redis',
        `Redis (the job queues) at ${redisEndpoint(this.connection)} is unreachable (${detail}); nothing was recorded: retry the request once GET /readyz answers 200`,
      );
    if (!(await readyWithin(this.connection, FAIL_FAST_WAIT_MS)))
      throw refuse(lastRedisError(this.connection) ?? `connection ${this.connection.status}`);
    try {
      await this.connection.ping();
    } catch (error) {
      throw refuse((error as Error).message);
    }
  }

  /**
   * Runs a Redis call, failing fast on a fail-fast connection: BullMQ waits for the first 'ready'
   * before its first command, whatever the connection's options, so a queue whose Redis was never
   * reachable would otherwise hang every caller.
   */
  private async guarded<T>(call: () => Promise<T>): Promise<T> {
    if (!this.failFast) return call();
    const where = redisEndpoint(this.connection);
    if (!(await readyWithin(this.connection, FAIL_FAST_WAIT_MS)))
      throw redisDown(where, lastRedisError(this.connection) ?? `connection ${this.connection.status}`);
    try {
      return await call();
    } catch (error) {
      throw redisUnavailable(error, where) ?? error;
    }
  }

  /**
   * Two refresh requests for one app while one waits collapse into one job. A request that
   * arrives while a refresh runs is kept (latest wins) and runs right after it, so a commit pushed
   * during a refresh is never missed, and one app is never refreshed twice at once.
   * `whileRunning: 'skip'` drops the request instead when a refresh is already queued or running:
   * periodic refreshes use it, so a slow worker pool is never handed a second round on top of the first.
   * A request for later (`delayMs` > 0) collapses only with other requests for later: BullMQ drops a
   * request whose deduplication id a delayed job holds, so a refresh waiting out a self-heal backoff
   * (up to 5 minutes) held back every webhook, user and periodic refresh of the app until it ran.
   * A request somebody waits for that collapses into a waiting background refresh (periodic) takes it
   * out of the background: it no longer waits behind every other foreground refresh.
   */
  async requestRefresh(
    job: RefreshJob,
    delayMs = 0,
    whileRunning: 'queue-after' | 'skip' = 'queue-after',
  ): Promise<void> {
    await this.guarded(async () => {
      const added = await this.refresh.add('refresh', job, {
        ...KEEP,
        delay: delayMs,
        ...backgroundPriority(job.reason),
        deduplication: {
          id: delayMs > 0 ? laterRefreshDedupId(job.application) : refreshDedupId(job.application),
          ...(whileRunning === 'queue-after' ? { keepLastIfActive: true } : {}),
        },
      });
      // Collapsed into a background refresh (a periodic one) that waits: somebody waits for it now.
      // BullMQ answers a repeat with the job it repeats; only a prioritized one moves (changePriority
      // would send a waiting job to the back of the line).
      if (delayMs === 0 && !BACKGROUND_REFRESH_REASONS.has(job.reason))
        if ((await added.getState()) === 'prioritized') await added.changePriority({ priority: 0 });
    });
  }

  /**
   * The periodic refresh of an app due since its comparison at `since` (reconciled_at, or created_at
   * before the first one). Its job id names that comparison, so the same request from several ticks
   * or scheduler replicas is one job; dropped, like `whileRunning: 'skip'`, while any refresh of the
   * app waits or runs. A failed one is removed at once: its id must not stop the next tick from
   * asking again.
   */
  async requestPeriodicRefresh(application: string, since: Date): Promise<void> {
    await this.guarded(() =>
      this.refresh.add(
        'refresh',
        { application, hard: false, reason: 'periodic' },
        {
          removeOnComplete: KEEP.removeOnComplete,
          removeOnFail: true,
          ...backgroundPriority('periodic'),
          jobId: periodicRefreshJobId(application, since),
          deduplication: { id: refreshDedupId(application) },
        },
      ),
    );
  }

  /**
   * Look at an app again in a moment, because it is still changing (a rollout in progress). Berth
   * does not watch the cluster, so without this a Progressing app would wait for the next periodic
   * refresh. Its own deduplication id: it may be queued from inside the app's running refresh, and
   * repeated rechecks of one app collapse into one.
   */
  async requestRecheck(application: string, delayMs: number, reason = 'progressing'): Promise<void> {
    await this.guarded(() =>
      this.refresh.add(
        'refresh',
        { application, hard: false, reason },
        { ...KEEP, delay: delayMs, deduplication: { id: `recheck__${application}` } },
      ),
    );
  }

  /**
   * The refresh that records the expiry of a sync waiting for approval (docs/approvals.md), due `delayMs`
   * from now. One job per waiting operation: the scheduler asks when the sync is requested, each refresh
   * while it waits asks again, and all of them are this one job.
   */
  async requestApprovalExpiry(application: string, operationId: string, delayMs: number): Promise<void> {
    await this.guarded(() =>
      this.refresh.add(
        'refresh',
        { application, hard: false, reason: 'approval-expiry' },
        { ...KEEP, delay: Math.max(0, delayMs) + 50, jobId: approvalExpiryJobId(application, operationId) },
      ),
    );
  }

  /** One job per operation: enqueueing the same operation again (e.g. after Redis lost it) is harmless. */
  async requestSync(job: SyncJob, delayMs = 0): Promise<void> {
    await this.guarded(() =>
      this.sync.add('sync', job, {
        ...KEEP,
        delay: delayMs,
        jobId: syncJobId(job.application, job.operationId),
        attempts: 1,
      }),
    );
  }

  /**
   * Reconcile an ApplicationSet now (`delayMs` 0) or later (its periodic requeue, Argo CD's
   * `requeueAfterSeconds`). Requests for now collapse while one waits and a request that arrives while
   * one runs is kept for after it (as refreshes); requests for later in the same period are one job, so
   * each set has at most two periodic requeues pending.
   */
  async requestApplicationSetReconcile(name: string, reason: string, delayMs = 0): Promise<void> {
    const data = { application: applicationSetLockKey(name), applicationSet: name, reason };
    await this.guarded(() =>
      delayMs > 0
        ? // Named after the period it falls in: requests for the same period are one job, and the job of a
          // period can ask for the next one while it runs (a deduplication id would still be its own).
          this.applicationSet.add('applicationset', data, {
            ...KEEP,
            delay: delayMs,
            jobId: `applicationset-periodic__${name}__${Math.ceil((Date.now() + delayMs) / delayMs)}`,
          })
        : this.applicationSet.add('applicationset', data, {
            ...KEEP,
            deduplication: { id: `applicationset__${name}`, keepLastIfActive: true },
          }),
    );
  }

  /**
   * Records that these repositories (as app specs spell their repoURL) changed now: a push webhook arrived
   * or a user asked for a refresh. Workers reuse one `ls-remote` across refreshes for a few seconds
   * (GIT_REFS_MAX_AGE_SECONDS) but never refs read before this mark, so a refresh a push asked for sees it.
   */
  async markReposChanged(repoUrls: Iterable<string>, at = Date.now()): Promise<void> {
    const keys = [...new Set(repoUrls)].map((url) => this.repoChangedKey(url));
    if (keys.length === 0) return;
    const pipeline = this.connection.pipeline();
    for (const key of keys) pipeline.set(key, String(at), 'EX', 24 * 3600);
    await this.guarded(() => pipeline.exec());
  }

  /** The latest `markReposChanged` time of any of these repositories (0 when none is known). */
  async reposChangedAt(repoUrls: readonly string[]): Promise<number> {
    if (repoUrls.length === 0) return 0;
    const values = await this.guarded(() =>
      this.connection.mget(...repoUrls.map((url) => this.repoChangedKey(url))),
    );
    return Math.max(0, ...values.map((v) => Number(v ?? 0)));
  }

  private repoChangedKey(repoUrl: string): string {
    return `${this.prefix}:repo-changed:${createHash('sha256').update(repoUrl).digest('hex').slice(0, 32)}`;
  }

  async depths(): Promise<Record<keyof JobPayloads, number>> {
    const [refresh, sync, applicationset] = await this.guarded(() =>
      Promise.all([
        this.refresh.getJobCountByTypes('waiting', 'delayed', 'prioritized'),
        this.sync.getJobCountByTypes('waiting', 'delayed', 'prioritized'),
        this.applicationSet.getJobCountByTypes('waiting', 'delayed', 'prioritized'),
      ]),
    );
    return { refresh, sync, notify: 0, applicationset };
  }

  /**
   * Per queue, how long the oldest job that is due (waiting, or prioritized: a delayed job counts once its
   * delay is over) has been due, in seconds; 0 when none is. Autoscaling reads it beside the depth: a
   * deep queue that drains fast needs no more workers, an old head does (docs/scaling.md).
   */
  async oldestWaitingAgeSeconds(now = Date.now()): Promise<Record<keyof JobPayloads, number>> {
    const ageOf = async <T>(queue: Queue<T>) => {
      // The wait list and the priority set each keep their oldest job first when read ascending.
      const [waiting, prioritized] = await Promise.all([
        queue.getJobs(['waiting'], 0, 0, true),
        queue.getJobs(['prioritized'], 0, 0, true),
      ]);
      const due = [...waiting, ...prioritized]
        .filter((job) => job !== undefined)
        .map((job) => job.timestamp + (job.delay ?? 0));
      return due.length === 0 ? 0 : Math.max(0, (now - Math.min(...due)) / 1000);
    };
    const [refresh, sync, applicationset] = await this.guarded(() =>
      Promise.all([ageOf(this.refresh), ageOf(this.sync), ageOf(this.applicationSet)]),
    );
    return { refresh, sync, notify: 0, applicationset };
  }

  async close(): Promise<void> {
    await Promise.all([this.refresh.close(), this.sync.close(), this.applicationSet.close()]);
  }
}

/**
 * Refreshes nobody is waiting for (periodic ones, the first look at a newly created app) yield to
 * those somebody is: after a sync, a rollout in progress, a webhook, a user. BullMQ runs jobs
 * without a priority before prioritized ones. Measured: with 1,000 apps created at once, the
 * refresh each sync asks for waited behind 1,000 first looks, and no app showed Healthy for minutes.
 */
export const BACKGROUND_REFRESH_REASONS = new Set(['periodic', 'spec-changed']);

function backgroundPriority(reason: string): { priority?: number } {
  return BACKGROUND_REFRESH_REASONS.has(reason) ? { priority: 10 } : {};
}
