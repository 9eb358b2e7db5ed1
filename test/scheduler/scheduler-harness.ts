import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@berth/infra';
import { createTestDatabase, type TestDatabase } from '../../libs/event-store/src/testing/test-database';
import { createSchedulerApp } from '../../apps/scheduler/src/create-scheduler-app';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';

export interface TestScheduler {
  db: TestDatabase;
  app: NestExpressApplication;
  ctx: SchedulerContext;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * A scheduler on its own fresh database and queue prefix, with periodic refresh off (tests call
 * it directly). `env` adds or overrides configuration.
 */
export async function startTestScheduler(env: Record<string, string> = {}): Promise<TestScheduler> {
  const db = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: db.url,
    BERTH_QUEUE_PREFIX: `berth-e2e-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'error',
    REFRESH_INTERVAL_SECONDS: '0',
    // Specs that store credentials set the key for the whole file (their workers and scripts read it too).
    ...(process.env['BERTH_SECRET_KEY'] ? { BERTH_SECRET_KEY: process.env['BERTH_SECRET_KEY'] } : {}),
    ...env,
  });
  const { app, ctx } = await createSchedulerApp(config);
  await app.init();
  return {
    db,
    app,
    ctx,
    http: request(app.getHttpServer()),
    async close() {
      await ctx.queues.refresh.obliterate({ force: true });
      await ctx.queues.sync.obliterate({ force: true });
      await app.close();
      await ctx.close();
      await db.drop();
    },
  };
}
