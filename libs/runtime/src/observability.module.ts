import { Controller, Get, Header, Inject, Module, type DynamicModule } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  TerminusModule,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { Public, PublicMetrics } from '@berth/auth';
import { BerthMetrics, type RedisClient } from '@berth/infra';
import { type DependencyStatus, postgresStatus, redisStatus } from './readiness-checks';

export const READINESS_DEPENDENCIES = Symbol('READINESS_DEPENDENCIES');

/** What /readyz checks: Postgres and Redis reachable, plus any detail a process adds (tool versions). */
export interface ReadinessDependencies {
  dataSource: DataSource;
  redis: RedisClient;
  detail?: () => Promise<Record<string, unknown>>;
  /**
   * More dependencies of this process, by the name /readyz reports them under (the worker's data dir).
   * Each must answer within READINESS_CHECK_TIMEOUT_MS and never throw.
   */
  checks?: Record<string, () => Promise<DependencyStatus>>;
  /** Refreshes gauges (queue depths) just before /metrics is scraped. */
  beforeScrape?: () => Promise<void>;
}

@Controller()
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_DEPENDENCIES) private readonly deps: ReadinessDependencies,
  ) {}

  /** Liveness: the process answers. Never checks dependencies, so a Postgres outage does not restart pods. */
  @Get('healthz')
  @Public()
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 503 naming each dependency that is down and why, within 2 s (each check is bounded
   * and runs on a probe connection of its own). A check never throws: Terminus would answer 500
   * without saying which dependency failed.
   */
  @Get('readyz')
  @Public()
  @HealthCheck()
  readyz() {
    return this.health.check([
      async (): Promise<HealthIndicatorResult> => ({
        postgres: await postgresStatus(this.deps.dataSource),
      }),
      async (): Promise<HealthIndicatorResult> => ({ redis: await redisStatus(this.deps.redis) }),
      ...Object.entries(this.deps.checks ?? {}).map(
        ([name, check]) =>
          async (): Promise<HealthIndicatorResult> => ({ [name]: await check() }),
      ),
      async (): Promise<HealthIndicatorResult> =>
        this.deps.detail ? { detail: { status: 'up', ...(await this.deps.detail()) } } : {},
    ]);
  }
}

@Controller()
class MetricsController {
  constructor(
    private readonly metrics: BerthMetrics,
    @Inject(READINESS_DEPENDENCIES) private readonly deps: ReadinessDependencies,
  ) {}

  @Get('metrics')
  @PublicMetrics()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    await this.deps.beforeScrape?.().catch(() => undefined);
    return this.metrics.registry.metrics();
  }
}

/** /healthz, /readyz and /metrics for every Berth process. */
@Module({})
export class ObservabilityModule {
  static forRoot(metrics: BerthMetrics, deps: ReadinessDependencies): DynamicModule {
    return {
      module: ObservabilityModule,
      // A failed check is told by /readyz and logged once per outage (readiness-checks.ts), not per probe.
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: BerthMetrics, useValue: metrics },
        { provide: READINESS_DEPENDENCIES, useValue: deps },
      ],
      exports: [BerthMetrics],
    };
  }
}
