import { afterAll, describe, expect, it } from '@jest/globals';
import { testServerUrl } from '@berth/event-store/testing/test-database';
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { assertBuilt, REPO_ROOT } from './built-entrypoints';

const TIMEOUT_MS = 170_000;
const DATABASE = 'berth_demo_e2e';

/** Runs `node scripts/demo.mjs --ci` to the end; SIGTERM then SIGKILL if it overruns. */
function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/demo.mjs', '--ci'], {
      cwd: REPO_ROOT,
      // Its own database, so a user's `berth_demo` is left alone while the tests run.
      env: {
        ...process.env,
        DEMO_DATABASE: DATABASE,
        DEMO_DATABASE_ADMIN_URL: testServerUrl(),
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, TIMEOUT_MS - 15_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run demo', () => {
  // The demo keeps its database for the user to query; the test's copy is of no use afterwards.
  afterAll(async () => {
    const admin = new Client({ connectionString: testServerUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
  });

  it(
    'runs every step to the end: initial sync, webhook commit, self-heal, rollback, manual prod sync, audit log',
    async () => {
      assertBuilt(['dist/apps/scheduler/src/main.js', 'dist/apps/worker/src/main.js']);
      const { code, output } = await runDemo();
      // On failure, the demo's own output says which step did not converge and shows the process logs.
      if (code !== 0) throw new Error(`demo exited ${code}:\n${output.slice(-6000)}`);
      for (const step of ['a', 'b', 'c', 'd', 'e', 'f']) {
        expect(output).toMatch(new RegExp(`^== STEP ${step}: .+ ==$`, 'm'));
        expect(output).toMatch(new RegExp(`^STEP ${step} OK \\(`, 'm'));
      }
      expect(output).toMatch(/ROLLBACK: (automatic rollback|GitOps rollback)/);
      expect(output).toMatch(/^DEMO COMPLETE in /m);
      // Notifications reached the local receiver that stands in for Slack/DingTalk.
      const notifications = Number(/NOTIFICATIONS (\d+) received/.exec(output)?.[1] ?? 0);
      expect(notifications).toBeGreaterThan(0);
      // --ci prints no colour codes.
      expect(output).not.toContain('\u001b[');
      // The audit log names the people who acted through the API.
      expect(output).toMatch(/^\s+\S+\s+alice\s+api-prod\s+SyncRequested/m);
    },
    TIMEOUT_MS,
  );
});
