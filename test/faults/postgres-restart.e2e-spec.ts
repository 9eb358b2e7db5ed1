import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@berth/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { sendWithin } from '../security/testing/berth-process';
import { FaultStack, type RunningBerth, unreachableRepoApp } from './testing/fault-stack';

/**
 * Fault: Postgres restarts (`pg_ctl restart -m fast`: every session ends with 57P01) under two
 * scheduler replicas and a worker with periodic refresh on. No process may exit, and periodic
 * refresh may neither stop nor split: each app is refreshed periodically once per interval, never
 * twice, whichever replica runs the round (docs/adr/0004-periodic-refresh-without-leader.md).
 */

const INTERVAL_SECONDS = 2;
const APPS = ['alpha', 'beta', 'gamma'];

interface PeriodicRefresh {
  application: string;
  startedAt: number;
}

let stack: FaultStack;
let schedulers: RunningBerth[];
let connection: Redis;
let refresh: Queue;

/** Every periodic refresh that ran to the end, per app, in order. */
async function periodicRefreshes(): Promise<Map<string, number[]>> {
  const jobs = await refresh.getJobs(['completed']);
  const runs: PeriodicRefresh[] = jobs
    .filter((j) => (j.data as { reason: string }).reason === 'periodic' && j.processedOn !== undefined)
    .map((j) => ({
      application: (j.data as { application: string }).application,
      startedAt: j.processedOn!,
    }));
  const byApp = new Map<string, number[]>(APPS.map((a) => [a, []]));
  for (const run of runs.sort((a, b) => a.startedAt - b.startedAt))
    byApp.get(run.application)?.push(run.startedAt);
  return byApp;
}

beforeAll(async () => {
  stack = await FaultStack.start('pg_restart');
  const periodic = { REFRESH_INTERVAL_SECONDS: String(INTERVAL_SECONDS), REFRESH_JITTER_SECONDS: '0' };
  schedulers = await Promise.all([
    stack.startProcess('scheduler', periodic),
    stack.startProcess('scheduler', periodic),
  ]);
  await stack.startProcess('worker', periodic);
  await Promise.all(stack.processes.map((p) => p.awaitReady()));
  for (const name of APPS) {
    const created = await sendWithin(
      'POST',
      `${schedulers[0]!.url}/api/v1/applications`,
      unreachableRepoApp(name),
      5_000,
      await schedulers[0]!.token(),
    );
    expect(created.status).toBe(200);
  }
  connection = new Redis(stack.redis.url(), { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  refresh = new Queue('refresh', { connection, prefix: stack.prefix });
  refresh.on('error', () => undefined);
}, 60_000);

afterAll(async () => {
  await refresh?.close();
  connection?.disconnect();
  await stack?.close();
});

describe('fault: Postgres fast restart under two schedulers and a worker', () => {
  it('no process exits, and every app keeps being refreshed periodically, once per interval', async () => {
    await eventually(
      async () => {
        for (const [app, runs] of await periodicRefreshes())
          expect({ app, runs: runs.length >= 1 }).toEqual({ app, runs: true });
      },
      { timeout: 20_000, interval: 200, what: 'a periodic refresh of every app before the restart' },
    );

    await stack.pg.restart('fast');
    const backAt = Date.now();

    // Readiness is back on every process, and periodic refresh goes on: two rounds of every app after the restart.
    const readyMs = await Promise.all(stack.processes.map((p) => p.awaitReady()));
    await eventually(
      async () => {
        for (const [app, runs] of await periodicRefreshes())
          expect({ app, after: runs.filter((t) => t > backAt).length >= 2 }).toEqual({ app, after: true });
      },
      { timeout: 30_000, interval: 200, what: 'two periodic refreshes of every app after the restart' },
    );
    const firstAfter = Math.min(
      ...[...(await periodicRefreshes()).values()].map((runs) => runs.find((t) => t > backAt)!),
    );
    console.log(
      `Postgres fast restart: ready again on every process after ${Math.max(...readyMs)} ms; first periodic refresh ${firstAfter - backAt} ms after Postgres was back`,
    );

    // Never two periodic refreshes of one app within one interval: no replica ran a round of its own.
    for (const [app, runs] of await periodicRefreshes()) {
      const gaps = runs.slice(1).map((t, i) => t - runs[i]!);
      expect({ app, gaps, tooClose: gaps.filter((g) => g < INTERVAL_SECONDS * 1000 - 250) }).toEqual({
        app,
        gaps,
        tooClose: [],
      });
    }
    // The API writes again: no request is handed a connection that Postgres ended.
    const created = await sendWithin(
      'POST',
      `${schedulers[1]!.url}/api/v1/applications`,
      unreachableRepoApp('delta'),
      5_000,
      await schedulers[1]!.token(),
    );
    expect(created.status).toBe(200);
    stack.expectNoProcessDiedOrBugged();
  }, 60_000);
});
