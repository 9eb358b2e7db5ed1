import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@berth/auth';
import { ObservabilityModule, READINESS_CHECK_TIMEOUT_MS } from '@berth/runtime';
import { toolVersions } from '@berth/render';
import { dataDirWritable } from '@berth/sources';
import { gitCacheDirOf, type WorkerContext } from './worker.context';

/** The worker's HTTP surface: /healthz, /readyz (Postgres, Redis, data dir) and /metrics. Jobs run in WorkerRuntime. */
@Module({})
export class WorkerModule {
  static forContext(ctx: WorkerContext): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AuthModule.forRoot(ctx.auth),
        ObservabilityModule.forRoot(ctx.metrics, {
          dataSource: ctx.dataSource,
          redis: ctx.redis,
          // A read-only or full data dir fails every refresh: take the worker out of rotation and say why.
          checks: {
            'data-dir': async () => {
              const probe = await dataDirWritable(gitCacheDirOf(ctx.config), {
                timeoutMs: READINESS_CHECK_TIMEOUT_MS,
              });
              return probe.ok ? { status: 'up' } : { status: 'down', message: probe.message };
            },
          },
          // The rendering binaries this worker runs: a mixed fleet shows up here first.
          detail: async () => ({ tools: await toolVersions() }),
          beforeScrape: async () => {
            const [depths, ages] = await Promise.all([
              ctx.queues.depths(),
              ctx.queues.oldestWaitingAgeSeconds(),
            ]);
            ctx.metrics.setQueueState(depths, ages);
            ctx.metrics.observeManifestCache(ctx.renderer.counters);
          },
        }),
      ],
    };
  }
}
