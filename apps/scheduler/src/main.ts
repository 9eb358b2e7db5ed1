import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@berth/infra';
import { createSchedulerApp } from './create-scheduler-app';

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
  const { app, ctx } = await createSchedulerApp(config);
  await app.listen(config.schedulerPort, '0.0.0.0');
  new Logger('scheduler').log(`Berth scheduler listening on :${config.schedulerPort}`);
  const stop = async () => {
    await app.close();
    await ctx.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

void main();
