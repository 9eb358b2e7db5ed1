import { describe, expect, it } from '@jest/globals';
import { diffCounters, type PostgresCounters } from './postgres-meter';

const counters = (cpu: Array<[number, number]>): PostgresCounters => ({
  transactions: 0,
  rowsWritten: 0,
  rowsRead: 0,
  backendCpuSeconds: cpu.reduce((a, [, s]) => a + s, 0),
  backendCpuByPid: new Map(cpu),
  events: 0,
});

describe('diffCounters', () => {
  it('counts what each backend used in between, never less than zero when a busy backend closed', () => {
    // pid 1 ran 5 s then closed; pid 2 used 0.5 s more; pid 3 started and used 0.25 s.
    const before = counters([
      [1, 5],
      [2, 1],
    ]);
    const after = counters([
      [2, 1.5],
      [3, 0.25],
    ]);
    expect(diffCounters(after, before).backendCpuSeconds).toBeCloseTo(0.75);
  });
});
