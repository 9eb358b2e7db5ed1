import { describe, expect, it } from '@jest/globals';
import { type BenchFigure, renderSummaryTable, withRatios } from './bench-report';

const limits: BenchFigure[] = [
  { scenario: 'limits', name: 'BullMQ empty job', key: 'q', value: 5000, unit: 'jobs/s' },
  { scenario: 'limits', name: 'render', key: 'r', value: 50, unit: 'ms' },
];

describe('withRatios', () => {
  it.each([
    [
      {
        scenario: 's',
        name: 'refresh',
        value: 250,
        unit: 'refreshes/s',
        limit: 'q',
        compare: 'rate' as const,
      },
      20,
    ],
    [{ scenario: 's', name: 'per app', value: 400, unit: 'ms', limit: 'r', compare: 'time' as const }, 8],
  ])('says how many times the bare cost Berth pays: %j', (figure, ratio) => {
    expect(withRatios([...limits, figure]).at(-1)?.ratio).toBe(ratio);
  });

  it('leaves a figure without ratio when its limit was not measured in this run', () => {
    const [f] = withRatios([{ scenario: 's', name: 'x', value: 1, unit: 'ms', limit: 'missing' }]);
    expect(f?.ratio).toBeUndefined();
  });
});

describe('renderSummaryTable', () => {
  it('shows the limit next to the figure and the reason of a skipped scenario', () => {
    const figures = withRatios([
      ...limits,
      { scenario: 'steady', name: 'refresh', value: 250, unit: 'refreshes/s', limit: 'q', compare: 'rate' },
    ]);
    const table = renderSummaryTable(
      [
        { scenario: 'steady', status: 'ok', seconds: 1, figures },
        { scenario: 'initial', status: 'skipped', reason: 'worker not available', seconds: 0, figures: [] },
      ],
      figures,
    );
    expect(table).toContain(
      '| steady | refresh | 250.0 refreshes/s | BullMQ empty job: 5,000 jobs/s | 20.0x |',
    );
    expect(table).toContain('| initial | skipped | worker not available |');
  });
});
