import { Logger } from '@nestjs/common';
import { checkRedisBeforeServing, listenThenAwaitPostgres, runProcess, stopOnSignals } from '@berth/runtime';
import { createSchedulerApp } from './create-scheduler-app';
import { ensureAdminPassword } from './accounts/admin-password';

/**
 * Starts the scheduler (docs/dependency-failures.md). Fatal, one line and exit code 1: a bad
 * setting, the port in use, Postgres refusing the credentials, a missing or unmigrated database,
 * Redis refusing the credentials. Not fatal: Postgres unreachable or starting (the port answers
 * /healthz, /readyz says what it waits for, and it retries with backoff), Redis unreachable (the
 * API starts, /readyz says so, writes answer 503).
 */
runProcess('scheduler', async (config) => {
  const logger = new Logger('scheduler');
  const server = await listenThenAwaitPostgres('scheduler', config, config.schedulerPort, 'SCHEDULER_PORT');
  await checkRedisBeforeServing(server, 'scheduler', config.redis, '/readyz answers 503 until it is back');
  const { app, ctx } = await createSchedulerApp(config);
  await ensureAdminPassword(ctx);
  await server.serve(app);
  logger.log(`Berth scheduler listening on ${config.bindAddress}:${server.port}`);
  stopOnSignals(
    async () => {
      await server.close();
      await app.close();
      await ctx.close();
    },
    { redisDown: () => ctx.redis.status !== 'ready' },
  );
});
