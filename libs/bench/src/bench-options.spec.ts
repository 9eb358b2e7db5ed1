import { describe, expect, it } from '@jest/globals';
import { BenchOptionsError, parseBenchOptions, SCENARIOS } from './bench-options';

describe('parseBenchOptions', () => {
  it('defaults to every scenario, 1M audit events and 10% drifted apps', () => {
    const o = parseBenchOptions([]);
    expect(o.scenarios).toEqual([...SCENARIOS]);
    expect(o.auditEvents).toBe(1_000_000);
    expect(o.driftApps).toBe(10);
  });

  it.each([
    [['--apps', '1000', '--workers', '2'], { apps: 1000, workers: 2, driftApps: 100 }],
    [['--apps=20', '--workers=1'], { apps: 20, workers: 1, driftApps: 2 }],
    [['--audit-events', '10_000_000'], { auditEvents: 10_000_000 }],
    [['--scaling-workers', '1,2,4,8'], { scalingWorkers: [1, 2, 4, 8] }],
    [['--apps', '3', '--drift-apps', '50'], { driftApps: 3 }],
    [['--no-progress'], { progress: false }],
    [['--refresh-interval', '0'], { refreshIntervalSeconds: 0 }],
    [['--prior-events', '1000'], { priorEvents: 1000 }],
  ])('%j', (argv, expected) => {
    expect(parseBenchOptions(argv)).toMatchObject(expected);
  });

  it('keeps the run order of scenarios whatever order they are named in', () => {
    expect(parseBenchOptions(['--scenario', 'steady,limits,initial']).scenarios).toEqual([
      'limits',
      'initial',
      'steady',
    ]);
  });

  it.each([
    [['--apps', '0'], '--apps "0" must be a whole number from 1'],
    [['--apps'], '--apps needs a value'],
    [['--scenario', 'warmup'], '"warmup" is not a scenario'],
    [['--frobnicate', '1'], 'unknown option --frobnicate'],
    [['--time-scale', '-1'], '--time-scale "-1"'],
    [['stray'], 'unexpected argument "stray"'],
  ])('refuses %j with the fix', (argv, message) => {
    expect(() => parseBenchOptions(argv)).toThrow(BenchOptionsError);
    expect(() => parseBenchOptions(argv)).toThrow(message);
  });
});
