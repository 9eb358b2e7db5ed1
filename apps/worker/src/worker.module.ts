import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from '@berth/runtime';
import { toolVersions } from '@berth/render';
import type { WorkerContext } from './worker.context';

/** The worker's HTTP surface: /healthz, /readyz (Postgres, Redis) and /metrics. Jobs run in WorkerRuntime. */
@Module({})
export class WorkerModule {
  static forContext(ctx: WorkerContext): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ObservabilityModule.forRoot(ctx.metrics, {
          dataSource: ctx.dataSource,
          redis: ctx.redis,
          // The rendering binaries this worker runs: a mixed fleet shows up here first.
          detail: async () => ({ tools: await toolVersions() }),
          beforeScrape: async () => {
            const depths = await ctx.queues.depths();
            for (const [queue, n] of Object.entries(depths)) ctx.metrics.queueDepth.set({ queue }, n);
            ctx.metrics.observeManifestCache(ctx.renderer.counters);
          },
        }),
      ],
    };
  }
}
