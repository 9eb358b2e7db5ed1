import { Logger } from '@nestjs/common';
import { checkRedisBeforeServing, listenThenAwaitPostgres, runProcess, stopOnSignals } from '@berth/runtime';
import { createWorkerApp } from './create-worker-app';

/**
 * Starts a worker. Fatal, one line and exit code 1: as for the scheduler (docs/dependency-failures.md).
 * Not fatal: Postgres unreachable (it waits, not ready), Redis unreachable (the worker starts not
 * ready and takes jobs once Redis is back).
 */
runProcess('worker', async (config) => {
  const logger = new Logger('worker');
  const server = await listenThenAwaitPostgres('worker', config, config.workerPort, 'WORKER_PORT');
  await checkRedisBeforeServing(server, 'worker', config.redis, 'jobs run once it is back');
  const { app, ctx } = await createWorkerApp(config);
  await server.serve(app);
  ctx.runtime.start();
  logger.log(
    `Berth worker: ${config.workerConcurrency} jobs per queue; health and metrics on :${server.port}`,
  );
  stopOnSignals(
    async () => {
      logger.log('stopping: no new jobs; waiting for running ones to finish');
      // Running syncs finish (or, if killed anyway, resume elsewhere from the event log).
      await ctx.runtime.close();
      await server.close();
      await app.close();
      await ctx.close();
    },
    { redisDown: () => ctx.redis.status !== 'ready' },
  );
});
