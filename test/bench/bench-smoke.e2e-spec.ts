import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type BenchReport, SCENARIOS } from '../../libs/bench/src/index';

const results = mkdtempSync(join(tmpdir(), 'berth-bench-smoke-'));
afterAll(() => rmSync(results, { recursive: true, force: true }));

/**
 * `npm run bench` at toy size: it starts everything, runs every scenario, tears down and writes the
 * JSON. It checks that the harness works, not how fast Berth is. Needs `npm run build` first.
 */
describe('npm run bench (smoke, 20 apps)', () => {
  it('runs every scenario and writes every figure to the JSON file', () => {
    expect(existsSync('dist/libs/bench/src/cli.js')).toBe(true);
    const run = spawnSync(
      process.execPath,
      [
        'scripts/bench.mjs',
        ...['--apps', '20', '--workers', '2', '--scaling-workers', '2', '--notify-burst', '10'],
        ...['--audit-events', '20000', '--refresh-interval', '3', '--self-heal-refresh', '2'],
        ...['--timeout', '40', '--no-progress'],
        ...['--results', results],
      ],
      { encoding: 'utf8', timeout: 110_000 },
    );
    const files = readdirSync(results).filter((f) => f.endsWith('.json'));
    expect({ status: run.status, files: files.length, stderr: run.stderr.slice(-2000) }).toMatchObject({
      files: 1,
    });
    const report = JSON.parse(readFileSync(join(results, files[0]!), 'utf8')) as BenchReport;
    expect(report.scenarios.map((s) => s.scenario)).toEqual([...SCENARIOS]);
    // The scenarios that need no worker must produce figures; the fleet ones either do or say why not.
    for (const s of report.scenarios) {
      if (['limits', 'audit', 'notifier'].includes(s.scenario))
        expect({ s: s.scenario, status: s.status, reason: s.reason }).toEqual({
          s: s.scenario,
          status: 'ok',
          reason: s.reason,
        });
      else if (s.status !== 'ok') expect(s.reason).toMatch(/\w+/);
      if (s.status === 'ok') expect(s.figures.length).toBeGreaterThan(0);
    }
    const limits = report.figures.filter((f) => f.key?.startsWith('limit.'));
    expect(limits.length).toBeGreaterThanOrEqual(7);
    for (const f of limits) expect(f.value).toBeGreaterThan(0);
    expect(report.figures.some((f) => f.ratio !== undefined && f.ratio > 0)).toBe(true);
    expect(run.stdout).toContain('| scenario | figure | value | limit (bare) | ratio to limit |');
    expect(run.status).toBe(report.scenarios.some((s) => s.status === 'failed') ? 1 : 0);
  }, 120_000);
});
