import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  assertMigrated,
  checkRedisBeforeServing,
  listenThenAwaitPostgres,
  runProcess,
  stopOnSignals,
} from '@berth/runtime';
import { Authentication, openAuthorization } from '@berth/auth';
import { createDataSource } from '@berth/event-store';
import { notificationSecrets } from './notification-secret.store';
import { DEFAULT_CONFIG_FILE } from './notifications-config.source';
import { configureNotifierApp, NotifierModule } from './notifier.module';
import { NotifierRuntime } from './notifier.runtime';

/**
 * Starts the notifier. Fatal, one line and exit code 1: as for the scheduler (docs/dependency-failures.md).
 * Not fatal: Postgres unreachable (it waits, not ready), Redis unreachable (it follows the event log
 * and sends once Redis is back).
 */
runProcess('notifier', async (config) => {
  const logger = new Logger('notifier');
  const configFile =
    config.notificationsConfigFile ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const server = await listenThenAwaitPostgres('notifier', config, config.notifierPort, 'NOTIFIER_PORT');
  await checkRedisBeforeServing(server, 'notifier', config.redisUrl, 'deliveries go out once it is back');
  const dataSource = createDataSource(config.databaseUrl, { applicationName: 'berth-notifier' });
  await dataSource.initialize();
  await assertMigrated(dataSource, config.databaseUrl);
  const auth = await Authentication.open({
    config,
    dataSource,
    log: (level, message) => logger[level](message),
  });
  const { authorizer } = await openAuthorization({
    config,
    dataSource,
    auth,
    log: (level, message) => logger[level](message),
  });
  const runtime = new NotifierRuntime({
    dataSource,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    queuePrefix: config.queuePrefix,
    configFile,
    secrets: notificationSecrets(config.notificationSecrets),
    concurrency: config.workerConcurrency,
    outboundAllow: config.outboundAllow,
    renderBudget: config.notificationRender,
    log: (level, message) => (level === 'debug' ? logger.debug(message) : logger[level](message)),
  });
  await runtime.start();
  const app = configureNotifierApp(
    await NestFactory.create<NestExpressApplication>(NotifierModule.forRuntime(runtime, auth, authorizer), {
      logger: [config.logLevel, 'error', 'warn'],
      abortOnError: false,
    }),
  );
  await server.serve(app);
  logger.log(
    `Berth notifier listening on ${config.bindAddress}:${server.port} (config: ${configFile ?? 'database only'})`,
  );
  stopOnSignals(
    async () => {
      // app.close() runs NotifierModule.onApplicationShutdown: stop following the log, finish jobs in flight.
      await server.close();
      await app.close();
      await auth.close();
      await dataSource.destroy();
    },
    { redisDown: async () => (await runtime.readiness()).redis.status === 'down' },
  );
});
