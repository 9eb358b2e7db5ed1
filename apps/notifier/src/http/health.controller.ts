import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
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
  healthz() {
    return { status: 'ok' };
  }

  /** Readiness: Postgres (event log, outbox) and Redis (notify queue) are reachable. */
  @Get('readyz')
  @HealthCheck()
  readyz() {
    return this.health.check([
      async () => {
        const ok = (await this.runtime.ping()).postgres;
        const s = this.indicators.check('postgres');
        return ok ? s.up() : s.down('Postgres is not reachable: check DATABASE_URL');
      },
      async () => {
        const ok = (await this.runtime.ping()).redis;
        const s = this.indicators.check('redis');
        return ok ? s.up() : s.down('Redis is not reachable: check REDIS_URL');
      },
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.runtime.metrics.registry.metrics();
  }
}
