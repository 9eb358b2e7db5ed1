import { Logger } from '@nestjs/common';
import { loadConfigOrExit, stopOnSignals } from '@berth/infra';
import { createSchedulerApp } from './create-scheduler-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const { app, ctx } = await createSchedulerApp(config);
  await app.listen(config.schedulerPort, '0.0.0.0');
  new Logger('scheduler').log(`Berth scheduler listening on :${config.schedulerPort}`);
  stopOnSignals(async () => {
    await app.close();
    await ctx.close();
  });
}

void main();
