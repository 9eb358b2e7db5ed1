import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendWithin } from '../security/testing/berth-process';
import { type BerthKind, FaultStack, type RunningBerth, unreachableRepoApp } from './testing/fault-stack';

/**
 * Fault: Postgres stops under running processes (shut down, not restarted yet). Readiness must tell
 * the truth within 2 s on every process, naming Postgres; an API write answers 503 within 5 s saying
 * Postgres is down and nothing was recorded; nothing exits; once Postgres is back every process is
 * ready again by itself and the same write is recorded. docs/dependency-failures.md
 */

const KINDS: BerthKind[] = ['scheduler', 'worker', 'notifier'];

let stack: FaultStack;
const processes = new Map<BerthKind, RunningBerth>();

beforeAll(async () => {
  stack = await FaultStack.start('pg_down');
  for (const kind of KINDS) processes.set(kind, await stack.startProcess(kind));
  await Promise.all([...processes.values()].map((p) => p.awaitReady()));
  // Logged in while Postgres is up: the outage tests use this session.
  await processes.get('scheduler')!.token();
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('fault: Postgres stopped under running processes', () => {
  it('every /readyz answers 503 within 2 s naming Postgres (and only Postgres)', async () => {
    await stack.pg.stop('fast');
    for (const proc of processes.values()) {
      const ready = await proc.readyz();
      expect({ kind: proc.kind, status: ready.status, down: Object.keys(ready.down) }).toEqual({
        kind: proc.kind,
        status: 503,
        down: ['postgres'],
      });
      expect(ready.ms).toBeLessThan(2_000);
      expect(ready.down['postgres']).toContain(`127.0.0.1:${stack.pg.port}`);
    }
  });

  it('an API write answers 503 within 5 s naming Postgres and saying it was not recorded', async () => {
    const answer = await sendWithin(
      'POST',
      `${processes.get('scheduler')!.url}/api/v1/applications`,
      unreachableRepoApp('during-outage'),
      5_000,
      await processes.get('scheduler')!.token(),
    );
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(5_000);
    expect(answer.body).toMatchObject({ error: 'Unavailable', dependency: 'postgres' });
    expect((answer.body as { message: string }).message).toContain('not recorded');
  });

  it('Postgres back: every process is ready again by itself, and the same write is recorded', async () => {
    await stack.pg.start();
    const ms = await Promise.all([...processes.values()].map((p) => p.awaitReady(20_000)));
    console.log(
      `Postgres stopped then started: ready again after ${ms.join(' / ')} ms (scheduler / worker / notifier)`,
    );
    const answer = await sendWithin(
      'POST',
      `${processes.get('scheduler')!.url}/api/v1/applications`,
      unreachableRepoApp('during-outage'),
      5_000,
      await processes.get('scheduler')!.token(),
    );
    expect(answer.status).toBe(200);
    const read = await fetch(`${processes.get('scheduler')!.url}/api/v1/applications/during-outage`, {
      headers: { Authorization: `Bearer ${await processes.get('scheduler')!.token()}` },
    });
    expect(read.status).toBe(200);
    stack.expectNoProcessDiedOrBugged();
  }, 40_000);
});
