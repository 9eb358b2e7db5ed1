import { Logger } from '@nestjs/common';
import { assertMigrated, assertPortFree, checkRedisAtStart, runProcess, stopOnSignals } from '@berth/runtime';
import { createSchedulerApp } from './create-scheduler-app';

/**
 * Starts the scheduler (docs/dependency-failures.md). Fatal, one line and exit code 1: a bad
 * setting, Postgres unreachable or refusing the credentials, a missing or unmigrated database, Redis
 * refusing the credentials, the port in use. Not fatal: Redis unreachable (the API starts, /readyz
 * says so, writes answer 503).
 */
runProcess('scheduler', async (config) => {
  const logger = new Logger('scheduler');
  const { app, ctx } = await createSchedulerApp(config);
  await assertMigrated(ctx.dataSource, config.databaseUrl);
  const redisDown = await checkRedisAtStart(config.redisUrl);
  if (redisDown)
    logger.warn(
      `Redis is unreachable (${redisDown}): starting not ready; /readyz answers 503 until it is back`,
    );
  await assertPortFree(config.schedulerPort, '0.0.0.0', 'SCHEDULER_PORT');
  await app.listen(config.schedulerPort, '0.0.0.0');
  logger.log(`Berth scheduler listening on :${config.schedulerPort}`);
  stopOnSignals(async () => {
    await app.close();
    await ctx.close();
  });
});
