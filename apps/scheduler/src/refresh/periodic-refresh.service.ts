import { createHash } from 'node:crypto';
import { parseDuration } from '@berth/domain';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { SchedulerContext } from '../scheduler.context';

/**
 * Per-app refresh interval, a Go duration (`30s`, `10m`; `0` = no periodic refresh), overriding
 * REFRESH_INTERVAL_SECONDS for that app. Argo CD has only the global `timeout.reconciliation`.
 */
export const REFRESH_INTERVAL_ANNOTATION = 'berth.dev/refresh-interval';

/** Advisory lock key that makes one scheduler replica the leader of periodic refresh. */
const LEADER_LOCK_KEY = 0x62657274; // "bert"

/**
 * Periodic refresh, like Argo CD's `timeout.reconciliation` (120 s) plus jitter (60 s): every app
 * is compared again once its last refresh is older than interval + its own jitter. The jitter is
 * derived from the app's name, so apps spread out evenly and a restart does not bunch them up.
 * Only the replica holding a Postgres advisory lock schedules; the others stand by and take
 * over when its session ends.
 */
@Injectable()
export class PeriodicRefreshService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('periodic-refresh');
  private timer: NodeJS.Timeout | undefined;
  private leaderConnection: PoolClient | undefined;
  private ticking = false;

  constructor(private readonly ctx: SchedulerContext) {}

  onApplicationBootstrap(): void {
    if (this.ctx.config.refreshIntervalSeconds === 0) return; // disabled
    const everyMs = Math.min(10_000, Math.max(500, this.ctx.config.refreshIntervalSeconds * 250));
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.leaderConnection) {
      this.leaderConnection.release(true);
      this.leaderConnection = undefined;
    }
  }

  /** One scheduling round; returns how many refreshes it requested (0 when not the leader). */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    try {
      if (!(await this.isLeader())) return 0;
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
        await this.ctx.queues.requestRefresh(
          { application: row.name, hard: false, reason: 'periodic' },
          0,
          'skip',
        );
        requested++;
      }
      return requested;
    } catch (error) {
      this.logger.warn(`periodic refresh round failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.ticking = false;
    }
  }

  private async isLeader(): Promise<boolean> {
    if (this.leaderConnection) return true;
    const driver = this.ctx.dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } };
    const client = await driver.master.connect();
    const res = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      LEADER_LOCK_KEY,
    ]);
    if (res.rows[0]?.locked) {
      // Keep this session: the lock lives as long as it does.
      this.leaderConnection = client;
      this.logger.log('this scheduler leads periodic refresh');
      return true;
    }
    client.release();
    return false;
  }
}

/** A stable number of seconds in [0, maxJitter) for one app. */
export function jitterFor(name: string, maxJitterSeconds: number): number {
  if (maxJitterSeconds <= 0) return 0;
  const n = createHash('sha1').update(name).digest().readUInt32BE(0);
  return n % maxJitterSeconds;
}
