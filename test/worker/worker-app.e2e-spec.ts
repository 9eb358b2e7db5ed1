import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { loadConfig } from '@berth/infra';
import { InClusterResolver, KubeCluster } from '@berth/kube';
import { createTestDatabase, type TestDatabase } from '@berth/event-store/testing/test-database';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { watchJobs } from '@berth/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  errnoOf,
  makeReadOnly,
  readOnlyFaultAvailable,
  restoreAllReadOnly,
} from '@berth/sources/testing/read-only-dir';
import { mkdir } from 'node:fs/promises';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app';
import type { WorkerContext } from '../../apps/worker/src/worker.context';
import { REDIS_URL } from './worker-harness';
import type { HealthAnswer } from '../testing/api-answer';

describe('worker process: health, metrics and shutdown', () => {
  let db: TestDatabase;
  let sandbox: SandboxCluster;
  let dataDir: string;
  let app: INestApplication<Server>;
  let ctx: WorkerContext;

  beforeAll(async () => {
    db = await createTestDatabase('berth_worker_app_test');
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    dataDir = await mkdtemp(join(tmpdir(), 'berth-worker-app-'));
    const config = loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL,
      BERTH_QUEUE_PREFIX: `berth-worker-app-${randomBytes(4).toString('hex')}`,
      BERTH_DATA_DIR: dataDir,
      BERTH_ALLOW_FILE_REPOS: 'true',
      LOG_LEVEL: 'error',
    });
    ({ app, ctx } = await createWorkerApp(config, {
      clusters: new InClusterResolver(KubeCluster.fromKubeconfig(sandbox.kubeconfig())),
    }));
    await app.init();
    ctx.runtime.start();
  });

  afterAll(async () => {
    await restoreAllReadOnly();
    await app?.close();
    await ctx?.queues.refresh.obliterate({ force: true }).catch(() => undefined);
    await ctx?.close();
    await db?.drop();
    await sandbox?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz and /readyz (Postgres and Redis up)', async () => {
    await request(app.getHttpServer()).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(app.getHttpServer()).get('/readyz').expect(200);
    const { info } = ready.body as HealthAnswer;
    expect(info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
    // The rendering tools are reported, so an operator sees which helm/kustomize a worker runs.
    expect(info?.['detail']?.['tools']).toMatchObject({
      helm: expect.stringMatching(/^v4\./),
      kubectl: expect.stringMatching(/^v1\./),
    });
  });

  const fault = readOnlyFaultAvailable();
  (fault ? it : it.skip)(
    `answers /readyz 503 naming the data dir while it refuses writes (${fault ?? 'no read-only fault here'}), 200 again after`,
    async () => {
      const gitDir = join(dataDir, 'git');
      await mkdir(gitDir, { recursive: true });
      const restore = await makeReadOnly(gitDir);
      let down;
      try {
        down = await request(app.getHttpServer()).get('/readyz').expect(503);
      } finally {
        await restore();
      }
      const { error } = down.body as HealthAnswer;
      expect(error?.['data-dir']).toMatchObject({ status: 'down' });
      const message = String(error?.['data-dir']?.['message']);
      expect(message).toContain(gitDir);
      expect(message).toContain(errnoOf(fault!));
      const back = await request(app.getHttpServer()).get('/readyz').expect(200);
      expect((back.body as HealthAnswer).info).toMatchObject({ 'data-dir': { status: 'up' } });
    },
  );

  it('runs queued jobs and reports them in /metrics', async () => {
    // An app that does not exist: the refresh finds nothing to do and completes.
    const refreshes = await watchJobs(ctx.queues.refresh);
    await ctx.queues.requestRefresh({ application: 'ghost', hard: false, reason: 'test' });
    const ghost = await refreshes.awaitJob((j) => j.data?.application === 'ghost', {
      what: 'the ghost refresh',
    });
    await refreshes.close();
    expect(ghost.outcome).toBe('completed');
    expect(await ctx.queues.refresh.getCompletedCount()).toBe(1);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/berth_job_duration_seconds_count\{[^}]*queue="refresh"[^}]*\} 1/);
    // The manifest cache's hit rate is hit / (hit + miss); both series exist from the first scrape.
    expect(metrics.text).toMatch(/berth_manifest_cache_requests_total\{result="hit"[^}]*\} 0/);
    expect(metrics.text).toMatch(/berth_manifest_cache_requests_total\{result="miss"[^}]*\} 0/);
  });

  it('closes its queue workers on shutdown', async () => {
    expect(await ctx.queues.refresh.getWorkersCount()).toBeGreaterThan(0);
    await ctx.runtime.close();
    // No consumer is connected to the queue any more (BullMQ lists workers by their Redis connections),
    // so nothing can take the job: it stays waiting.
    expect(await ctx.queues.refresh.getWorkersCount()).toBe(0);
    expect(await ctx.queues.sync.getWorkersCount()).toBe(0);
    await ctx.queues.requestRefresh({ application: 'after-close', hard: false, reason: 'test' });
    expect(await ctx.queues.refresh.getWaitingCount()).toBe(1);
  });
});
