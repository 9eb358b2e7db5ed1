import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { assertMigrated, checkRedisBeforeServing, listenThenAwaitPostgres, runProcess } from '@berth/runtime';
import { createWorkerApp } from './create-worker-app';

/** How long a stopping worker waits for Redis to finish its jobs' bookkeeping before it gives up. */
const STOP_WITHOUT_REDIS_MS = 5_000;

/**
 * Starts a worker. Fatal, one line and exit code 1: as for the scheduler (docs/dependency-failures.md).
 * Not fatal: Postgres unreachable (it waits, not ready), Redis unreachable (the worker starts not
 * ready and takes jobs once Redis is back).
 */
runProcess('worker', async (config) => {
  const logger = new Logger('worker');
  const server = await listenThenAwaitPostgres('worker', config, config.workerPort, 'WORKER_PORT');
  await checkRedisBeforeServing(server, 'worker', config.redisUrl, 'jobs run once it is back');
  const { app, ctx } = await createWorkerApp(config);
  await assertMigrated(ctx.dataSource, config.databaseUrl);
  await server.serve(app);
  ctx.runtime.start();
  logger.log(
    `Berth worker: ${config.workerConcurrency} jobs per queue; health and metrics on :${server.port}`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.log('stopping: no new jobs; waiting for running ones to finish');
    // Running syncs finish (or, if killed anyway, resume elsewhere from the event log). Closing a
    // BullMQ worker needs Redis: while Redis is away nothing could be recorded there anyway, so
    // the worker stops without it (its jobs are handed to another worker once Redis is back).
    const closed = (async () => {
      await ctx.runtime.close();
      await server.close();
      await app.close();
      await ctx.close();
    })();
    const redisAway = unreachableFor(ctx.redis, STOP_WITHOUT_REDIS_MS).then(() =>
      logger.warn('Redis is unreachable: stopping without it; running jobs resume on another worker'),
    );
    await Promise.race([
      closed.catch((error: unknown) => logger.error(`stopping failed: ${(error as Error).message}`)),
      redisAway,
    ]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
});

/** Resolves once `redis` has been without a connection for `ms` in a row. */
function unreachableFor(redis: Redis, ms: number): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (!timer && redis.status !== 'ready') timer = setTimeout(resolve, ms);
    };
    redis.on('close', arm);
    redis.on('ready', () => {
      clearTimeout(timer);
      timer = undefined;
    });
    arm();
  });
}
