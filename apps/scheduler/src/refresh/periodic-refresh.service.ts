import { createHash } from 'node:crypto';
import { parseDuration, requeueAfterSecondsOf } from '@berth/domain';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createRedis, PERIODIC_REFRESH_TICKS, SharedTicker } from '@berth/queues';
import type { RedisClient } from '@berth/infra';
import { SchedulerContext } from '../scheduler.context';

/**
 * Per-app refresh interval, a Go duration (`30s`, `10m`; `0` = no periodic refresh), overriding
 * REFRESH_INTERVAL_SECONDS for that app. Argo CD has only the global `timeout.reconciliation`.
 */
export const REFRESH_INTERVAL_ANNOTATION = 'berth.dev/refresh-interval';

/**
 * Periodic refresh, like Argo CD's `timeout.reconciliation` (120 s) plus jitter (60 s): every app
 * is compared again once its last refresh is older than interval + its own jitter. The jitter is
 * derived from the app's name, so apps spread out evenly and a restart does not bunch them up.
 * No leader: the rounds come from a timer shared through Redis (one tick per round, taken by one
 * replica), and each refresh a round asks for has a job id naming the comparison it follows, so a
 * round repeated by another replica asks for the same jobs (docs/adr/0004-periodic-refresh-without-leader.md).
 */
@Injectable()
export class PeriodicRefreshService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('periodic-refresh');
  private ticker: SharedTicker | undefined;
  private connection: RedisClient | undefined;
  private ticking = false;
  /** The last round failed: the next failure is not logged again, a success is (once). */
  private failing = false;

  constructor(private readonly ctx: SchedulerContext) {}

  onApplicationBootstrap(): void {
    if (this.ctx.config.refreshIntervalSeconds === 0) return; // disabled
    // A round every quarter of the interval (0.5 s to 10 s): an app is refreshed at most that late.
    const everyMs = Math.min(10_000, Math.max(500, this.ctx.config.refreshIntervalSeconds * 250));
    // Its own connection: BullMQ blocks on it, and the API's connection fails fast instead of waiting.
    this.connection = createRedis(this.ctx.config.redis, 'berth-scheduler-ticks');
    this.ticker = new SharedTicker({
      connection: this.connection,
      prefix: this.ctx.config.queuePrefix,
      queue: PERIODIC_REFRESH_TICKS,
      everyMs,
      onTick: async () => {
        await this.tick();
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ticker?.close();
    this.ticker = undefined;
    this.connection?.disconnect();
    this.connection = undefined;
  }

  /** One round; returns how many refreshes it asked for (each is queued once, however many rounds ask). */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    try {
      const { refreshIntervalSeconds: interval, refreshJitterSeconds: jitter } = this.ctx.config;
      // Apps past the global interval, plus apps that set their own (annotation REFRESH_INTERVAL_ANNOTATION).
      const rows = await this.ctx.applications.refreshCandidates(interval, REFRESH_INTERVAL_ANNOTATION);
      const now = Date.now();
      let requested = 0;
      for (const row of rows) {
        const own = row.ownInterval === null ? undefined : parseDuration(row.ownInterval);
        // "0" turns periodic refresh off for that app (webhooks and users still refresh it).
        if (own === 0) continue;
        const appInterval = own === undefined ? interval : own / 1000;
        const appJitter = own === undefined ? jitter : 0;
        const due =
          row.reconciledAt === null
            ? 0
            : row.reconciledAt.getTime() + (appInterval + jitterFor(row.name, appJitter)) * 1000;
        if (due > now) continue;
        await this.ctx.queues.requestPeriodicRefresh(row.name, row.reconciledAt ?? row.createdAt);
        requested++;
      }
      // ApplicationSets requeue themselves after each reconciliation; asking here too keeps a set going
      // when its delayed job was lost (Redis flushed, a worker killed mid-job). One job per set and period.
      for (const set of await this.ctx.applicationSets.list()) {
        const seconds = requeueAfterSecondsOf(set.manifest);
        if (seconds !== undefined && seconds > 0)
          await this.ctx.queues.requestApplicationSetReconcile(set.name, 'periodic', seconds * 1000);
      }
      if (this.failing) this.logger.log('periodic refresh rounds run again');
      this.failing = false;
      return requested;
    } catch (error) {
      // Postgres or Redis away: the next round tries again; one line per outage, not one per round.
      if (!this.failing)
        this.logger.warn(
          `periodic refresh round failed (${(error as Error).message}); retrying every round until it succeeds`,
        );
      this.failing = true;
      return 0;
    } finally {
      this.ticking = false;
    }
  }
}

/** A stable number of seconds in [0, maxJitter) for one app. */
export function jitterFor(name: string, maxJitterSeconds: number): number {
  if (maxJitterSeconds <= 0) return 0;
  const n = createHash('sha1').update(name).digest().readUInt32BE(0);
  return n % maxJitterSeconds;
}
