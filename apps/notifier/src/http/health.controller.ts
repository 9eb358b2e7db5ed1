import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public, PublicMetrics } from '@berth/auth';
import { NotifierRuntime } from '../notifier.runtime';

@Controller()
export class HealthController {
  constructor(
    @Inject(NotifierRuntime) private readonly runtime: NotifierRuntime,
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @Public()
  healthz() {
    return { status: 'ok' };
  }

  /**
   * Readiness: Postgres (event log, outbox) and Redis (notify queue) are reachable. Answers within
   * 2 s, 503 naming each dependency that is down and why.
   */
  @Get('readyz')
  @Public()
  @HealthCheck()
  readyz() {
    const readiness = this.runtime.readiness();
    return this.health.check(
      (['postgres', 'redis'] as const).map((name) => async () => {
        const status = (await readiness)[name];
        const s = this.indicators.check(name);
        return status.status === 'up' ? s.up() : s.down(status.message);
      }),
    );
  }

  @Get('metrics')
  @PublicMetrics()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.runtime.metrics.registry.metrics();
  }
}
