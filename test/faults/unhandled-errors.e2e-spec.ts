import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, REPO_ROOT } from '../e2e/built-entrypoints';
import { BerthProcess } from '../security/testing/berth-process';

/**
 * Fault: a bug in a running process (a promise nobody awaits rejects; an emitter's 'error' has no
 * listener, as the periodic-refresh leader's pg session had in issue #24). Each is one `BUG:` line,
 * never Node's crash report: a rejection leaves the process running, an uncaught exception ends it
 * with exit code 70. docs/dependency-failures.md, "Bugs".
 */

const PASSWORD = 'guard-pw-1234';
const RUNTIME = join(REPO_ROOT, 'dist/libs/runtime/src/index.js');

/** Starts through runProcess as a main.ts does; once started, rejects a promise, then emits an unheard 'error'. */
const SCRIPT = `
const { EventEmitter } = require('node:events');
const { runProcess } = require(${JSON.stringify(RUNTIME)});
runProcess('probe', async () => {
  process.on('unhandledRejection', () =>
    setImmediate(() => {
      console.log('still running after the rejection');
      new EventEmitter().emit('error', new Error('nobody listens to ' + process.env.DATABASE_URL));
    }),
  );
  setImmediate(() => void Promise.reject(new Error('forgot to await')));
});
`;

let dir: string;

beforeAll(async () => {
  assertBuilt(['dist/libs/runtime/src/index.js']);
  dir = await mkdtemp(join(tmpdir(), 'berth-unhandled-'));
  await writeFile(join(dir, 'probe.cjs'), SCRIPT);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fault: an error nobody handles in a running process', () => {
  it('a rejection is one BUG: line and the process goes on; an uncaught exception is one BUG: line and exit code 70', async () => {
    const proc = BerthProcess.start(join(dir, 'probe.cjs'), {
      DATABASE_URL: `postgres://berth:${PASSWORD}@127.0.0.1:5432/berth`,
    });
    const exit = await proc.exitWithin(10_000);
    const context = proc.output();
    expect({ context, code: exit.code }).toEqual({ context, code: 70 });
    expect(proc.stderrLines()).toEqual([
      expect.stringMatching(
        /^BUG: probe: unhandled rejection: Error: forgot to await \(at .+probe\.cjs:\d+:\d+\)$/,
      ),
      expect.stringMatching(
        /^BUG: probe: uncaught exception, exiting: Error: nobody listens to postgres:\/\/berth:\*\*\*@/,
      ),
    ]);
    expect(proc.stdout).toContain('still running after the rejection');
    expect(proc.stderr + proc.stdout).not.toContain(PASSWORD);
  });
});
