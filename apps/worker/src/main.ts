import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@berth/infra';
import { createWorkerApp } from './create-worker-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = new Logger('worker');
  const { app, ctx } = await createWorkerApp(config);
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
}

void main();
