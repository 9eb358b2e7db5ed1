import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { BerthConfig } from '@berth/infra';
import { BerthLogger, logLevelsFor } from '@berth/runtime';
import type { ClusterResolver } from '@berth/kube';
import { WorkerContext } from './worker.context';
import { WorkerModule } from './worker.module';

/** The worker process minus listening and signals: connections, processors, and the health/metrics app. */
export async function createWorkerApp(
  config: BerthConfig,
  options: { clusters?: ClusterResolver } = {},
): Promise<{ app: INestApplication; ctx: WorkerContext }> {
  const ctx = await WorkerContext.open(config, options);
  const app = await NestFactory.create(WorkerModule.forContext(ctx), {
    logger: new BerthLogger('worker', config.logFormat, logLevelsFor(config.logLevel)),
    // A failed start is reported by main (one line, exit 1); Nest's default is process.abort().
    abortOnError: false,
  });
  return { app, ctx };
}
