import { Logger } from '@nestjs/common';
import { describeRedis, type BerthConfig } from '@berth/infra';
import type { RedisTarget } from '@berth/queues';
import { waitForPostgres } from './postgres-wait';
import { ProcessHttpServer } from './process-http-server';
import { checkRedisAtStart, settingsOf } from './startup-failure';

/**
 * The first steps of every Berth process: take its HTTP port (a port in use ends the start at once),
 * then wait for Postgres, logging one line per attempt while /healthz answers 200 and /readyz 503
 * naming Postgres. Resolves with the port's server once Postgres answers; the process opens its
 * connections and hands the server its app (`serve`).
 */
export async function listenThenAwaitPostgres(
  name: string,
  config: BerthConfig,
  port: number,
  portVariable: string,
): Promise<ProcessHttpServer> {
  const logger = new Logger(name);
  const server = await ProcessHttpServer.listen(name, port, config.bindAddress, portVariable);
  server.waiting('postgres', `${name} is starting: connecting to Postgres`);
  await waitForPostgres(config.databaseUrl, {
    onWaiting: (line) => {
      logger.warn(line);
      server.waiting('postgres', `${name} is starting: ${line}`);
    },
  });
  return server;
}

/**
 * Checks Redis before the process serves: refusing the credentials ends the start (StartupError);
 * unreachable does not (one warning: `Redis is unreachable (...): starting not ready; <meanwhile>`),
 * the process serves and /readyz names Redis until it is back. While the check runs (up to 2 s when
 * nobody answers), /readyz and the API's 503 name Redis.
 */
export async function checkRedisBeforeServing(
  server: ProcessHttpServer,
  name: string,
  redis: RedisTarget,
  meanwhile: string,
): Promise<void> {
  const where = describeRedis(settingsOf(redis));
  server.waiting('redis', `${name} is starting: connecting to Redis at ${where} (REDIS_URL)`);
  const down = await checkRedisAtStart(redis);
  if (!down) return server.waiting(undefined, `${name} is starting: opening its connections`);
  new Logger(name).warn(`Redis is unreachable (${down}): starting not ready; ${meanwhile}`);
  server.waiting(
    'redis',
    `Redis at ${where} is not reachable (${down}): start it or fix REDIS_URL; ${name} is starting`,
  );
}
