import { Logger } from '@nestjs/common';
import type { BerthConfig } from '@berth/infra';
import { waitForPostgres } from './postgres-wait';
import { ProcessHttpServer } from './process-http-server';

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
  const server = await ProcessHttpServer.listen(name, port, '0.0.0.0', portVariable);
  server.waiting('postgres', `${name} is starting: connecting to Postgres`);
  await waitForPostgres(config.databaseUrl, {
    onWaiting: (line) => {
      logger.warn(line);
      server.waiting('postgres', `${name} is starting: ${line}`);
    },
  });
  server.waiting('startup', `${name} is starting: opening its connections`);
  return server;
}
