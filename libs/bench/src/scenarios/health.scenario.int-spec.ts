import { describe, expect, it } from '@jest/globals';
import { healthOf } from '@berth/domain';
import { loadHealthBenchSet, measureHealthChecks } from './health.scenario';

describe('health bench set (real fixtures, real wasmoon)', () => {
  it('mixes built-in kinds, Lua scripts and conditions-rule kinds, and every Lua check does real work', async () => {
    const set = await loadHealthBenchSet(process.cwd());
    expect(set.builtin.length).toBeGreaterThan(20);
    expect(set.lua.length).toBeGreaterThanOrEqual(5);
    expect(set.conditions.length).toBeGreaterThanOrEqual(5);
    for (const obj of set.lua) expect(healthOf(obj, set.registry).status).not.toBe('Unknown');
    const rate = measureHealthChecks([...set.builtin, ...set.lua], set.registry, 0.05);
    expect(rate.checks).toBeGreaterThanOrEqual(set.builtin.length + set.lua.length);
    expect(rate.perSecond).toBeGreaterThan(0);
  });
});
