import { Logger } from '@nestjs/common';
import { assertMigrated, assertPortFree, checkRedisAtStart, runProcess } from '@berth/runtime';
import { createWorkerApp } from './create-worker-app';

/**
 * Starts a worker. Fatal, one line and exit code 1: as for the scheduler (docs/dependency-failures.md).
 * Not fatal: Redis unreachable (the worker starts not ready and takes jobs once Redis is back).
 */
runProcess('worker', async (config) => {
  const logger = new Logger('worker');
  const { app, ctx } = await createWorkerApp(config);
  await assertMigrated(ctx.dataSource, config.databaseUrl);
  const redisDown = await checkRedisAtStart(config.redisUrl);
  if (redisDown)
    logger.warn(`Redis is unreachable (${redisDown}): starting not ready; jobs run once it is back`);
  await assertPortFree(config.workerPort, '0.0.0.0', 'WORKER_PORT');
  await app.listen(config.workerPort, '0.0.0.0');
  ctx.runtime.start();
  logger.log(
    `Berth worker: ${config.workerConcurrency} jobs per queue; health and metrics on :${config.workerPort}`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.log('stopping: no new jobs; waiting for running ones to finish');
    // Running syncs finish (or, if killed anyway, resume elsewhere from the event log).
    await ctx.runtime.close();
    await app.close();
    await ctx.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
});
