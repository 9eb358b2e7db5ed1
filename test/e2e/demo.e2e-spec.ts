import { afterAll, describe, expect, it } from '@jest/globals';
import { testServerUrl } from '@berth/event-store/testing/test-database';
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { assertBuilt, REPO_ROOT } from './built-entrypoints';

const TIMEOUT_MS = 170_000;
// DEMO_E2E_DATABASE: another name when two runs of this file share a Postgres server.
const DATABASE = process.env['DEMO_E2E_DATABASE'] ?? 'berth_demo_e2e';
/** The heal must beat the default refresh interval (120 s) by far: only a watch can do that. */
const HEAL_BOUND_SECONDS = 30;

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
        // What a shell may hold: the demo must not pass it on to Berth (it shows the defaults).
        REFRESH_INTERVAL_SECONDS: '5',
        REFRESH_JITTER_SECONDS: '1',
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

      // Berth's processes ran with the default refresh settings: the shell's override was dropped, and
      // the line built from each child's real environment says none was set.
      expect(output).toContain('REFRESH_INTERVAL_SECONDS=5 from your environment is not passed on');
      expect(output).toMatch(/^ {2}refresh: Berth's defaults in every process \(REFRESH_INTERVAL_SECONDS, /m);
      expect(output).not.toContain("refresh: NOT Berth's defaults");
      // ...and self-heal still reverted the drift within seconds (a live-state watch, not the refresh).
      const healed = /^ {2}SELF-HEAL took (\d+\.\d) s from the scale/m.exec(output);
      expect(healed).not.toBeNull();
      expect(Number(healed?.[1])).toBeLessThan(HEAL_BOUND_SECONDS);

      // Under each API action, the berth command for it (checked against the CLI in demo-helpers.spec.ts).
      for (const line of [
        /^ {4}\$ berth login 127\.0\.0\.1:\d+ --plaintext --username admin --password "\$ADMIN_PASSWORD" --name admin$/m,
        /^ {4}\$ berth account update-password --account dana /m,
        /^ {4}\$ berth app create -f api-dev\.yaml --argocd-context dana$/m,
        /^ {4}\$ berth app wait api-dev api-staging --sync --health --timeout 60$/m,
        /^ {4}\$ berth app events api-dev --follow$/m,
        /^ {4}\$ berth app sync api-prod --prune --argocd-context alice$/m,
        /^ {4}\$ berth audit --since \d+m$/m,
        /^ {4}\$ berth app list -o wide$/m,
      ])
        expect(output).toMatch(line);
      for (const step of ['a', 'b', 'c', 'd', 'e', 'f']) {
        const body = output.split(`== STEP ${step}: `)[1]?.split(/^STEP \w OK/m)[0] ?? '';
        expect(body).toMatch(/^ {4}\$ berth /m);
      }
    },
    TIMEOUT_MS,
  );
});
