import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@berth/testing';
import { sendWithin } from '../security/testing/berth-process';
import { type BerthKind, FaultStack, type RunningBerth, unreachableRepoApp } from './testing/fault-stack';

/**
 * Fault: Postgres is down when the processes start (a node reboot, `docker compose up` racing the
 * database). No process may crash-loop: each takes its port at once, answers /healthz 200 (alive)
 * and /readyz 503 naming Postgres, refuses API calls with 503, logs one line per attempt
 * (`waiting for Postgres at host:port/db: connection refused; next attempt in ...`), and is ready
 * within seconds of Postgres coming up. docs/dependency-failures.md
 */

const KINDS: BerthKind[] = ['scheduler', 'worker', 'notifier'];

let stack: FaultStack;
const processes = new Map<BerthKind, RunningBerth>();

beforeAll(async () => {
  stack = await FaultStack.start('pg_down_at_start');
  await stack.pg.stop('fast');
  for (const kind of KINDS) processes.set(kind, await stack.startProcess(kind));
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('fault: Postgres down while the processes start', () => {
  it.each(KINDS)(
    'the %s is alive, not ready (503 naming Postgres within 2 s), and says what it waits for',
    async (kind) => {
      const proc = processes.get(kind)!;
      const ready = await proc.readyz();
      expect(ready.status).toBe(503);
      expect(ready.ms).toBeLessThan(2_000);
      expect(Object.keys(ready.down).sort()).toEqual(['postgres', 'startup']);
      expect(ready.down['postgres']).toContain(`127.0.0.1:${stack.pg.port}`);
      expect(await proc.alive()).toBe(true);
      await eventually(
        () =>
          expect(proc.process.stdout + proc.process.stderr).toMatch(
            new RegExp(
              `waiting for Postgres at 127\\.0\\.0\\.1:${stack.pg.port}/\\w+: connection refused; next attempt in`,
            ),
          ),
        { timeout: 5_000, what: `the ${kind}'s waiting line` },
      );
      // One line per attempt, no stack trace.
      expect(proc.process.stdout + proc.process.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it('an API write answers 503 at once, naming Postgres, saying nothing was recorded', async () => {
    const answer = await sendWithin(
      'POST',
      `${processes.get('scheduler')!.url}/api/v1/applications`,
      unreachableRepoApp('early'),
      5_000,
    );
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe('5');
    expect(answer.body).toMatchObject({ error: 'Unavailable', dependency: 'postgres' });
    expect((answer.body as { message: string }).message).toContain('nothing was recorded');
  });

  it('Postgres comes up: every process is ready within seconds, without a restart, and the write goes through', async () => {
    await stack.pg.start();
    const up = Date.now();
    const ms = await Promise.all([...processes.values()].map((p) => p.awaitReady(20_000)));
    console.log(
      `Postgres down at start: ready ${ms.join(' / ')} ms (scheduler / worker / notifier) after Postgres came up (${Date.now() - up} ms)`,
    );
    const answer = await sendWithin(
      'POST',
      `${processes.get('scheduler')!.url}/api/v1/applications`,
      unreachableRepoApp('early'),
      5_000,
      await processes.get('scheduler')!.token(),
    );
    expect(answer.status).toBe(200);
    stack.expectNoProcessDiedOrBugged();
  }, 40_000);
});
