import { beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LuaFactory } from 'wasmoon';
import { LuaApi } from './lua-api';
import { LuaSandbox } from './lua-sandbox';
import { type LuaLimits, type LuaRunResult, LuaState } from './lua-state';

const testdata = join(process.cwd(), 'libs/infra/src/lua/testdata');
const certificateScript = {
  name: 'cert-manager.io/Certificate/health.lua',
  source: readFileSync(
    join(testdata, 'resource_customizations/cert-manager.io/Certificate/health.lua'),
    'utf8',
  ),
};
const liveCertificate = parse(
  readFileSync(join(testdata, 'objects', 'certificate-with-nulls.yaml'), 'utf8'),
) as Record<string, unknown>;
const GOOD: LuaRunResult = {
  outcome: 'returned',
  value: { status: 'Healthy', message: 'Certificate is up to date and has not expired' },
};
const limits: LuaLimits = { timeoutMs: 2000, memoryBytes: 8 * 1024 * 1024 };
/** For the endless loops: the time limit is what ends them. */
const short: LuaLimits = { ...limits, timeoutMs: 40 };

const nested = (levels: number): unknown => {
  let value: unknown = { leaf: true };
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
};

/** Scripts that run until a limit stops them: fewer repetitions keep the spec quick. */
const exhausting = (source: string) => /while true|math.huge|rep\(|f\(\)/.test(source);

/** What a misbehaving script or input does to one run; N of them in a row must not change the next. */
const BAD_RUNS: Array<[string, string, unknown, Partial<LuaRunResult>]> = [
  ['error()', 'error("no status block")', liveCertificate, { outcome: 'failed' }],
  ['an error that is a table', 'error({})', liveCertificate, { outcome: 'failed' }],
  ['indexing a missing metadata', 'return obj.metadata.name', {}, { outcome: 'failed' }],
  ['a syntax error', 'return {', liveCertificate, { outcome: 'failed' }],
  [
    // The Lua stack outgrows the memory bound before Lua's own stack limit.
    'unbounded recursion',
    'local function f() return 1 + f() end return f()',
    {},
    { outcome: 'outOfMemory' },
  ],
  [
    'C-stack recursion through a metamethod',
    'local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x',
    {},
    { outcome: 'failed' },
  ],
  ['an endless loop', 'while true do end', {}, { outcome: 'timedOut' }],
  [
    'an endless loop that catches the timeout with pcall',
    'while true do pcall(function() while true do end end) end',
    {},
    { outcome: 'timedOut' },
  ],
  [
    'an endless loop inside a coroutine inside pcall',
    'while true do pcall(coroutine.wrap(function() while true do end end)) end',
    {},
    { outcome: 'timedOut' },
  ],
  [
    'a table that grows without end',
    'local t = {} for i = 1, math.huge do t[i] = i end',
    {},
    { outcome: 'outOfMemory' },
  ],
  ['one huge string', 'return ("x"):rep(2^28)', {}, { outcome: 'outOfMemory' }],
  [
    'a __gc finalizer',
    'setmetatable({}, {__gc = function() while true do end end})',
    {},
    { outcome: 'failed' },
  ],
  ['stopping the collector', 'collectgarbage("stop")', {}, { outcome: 'failed' }],
  ['an input nested too deeply', 'return {status = "Healthy"}', nested(150), { outcome: 'failed' }],
  [
    'an object full of nulls (issue #14: failed, then broke the engine)',
    'return {status = "Healthy", message = tostring(obj.a) .. tostring(obj.b.c) .. #obj.list}',
    { a: null, b: { c: null, d: [null] }, list: [null, null], metadata: { creationTimestamp: null } },
    { outcome: 'returned', value: { status: 'Healthy', message: 'nilnil0' } },
  ],
];

describe('LuaSandbox: one bad run never poisons the next (real wasmoon)', () => {
  let sandbox: LuaSandbox;
  beforeEach(async () => {
    sandbox = await LuaSandbox.create();
  });

  it.each(BAD_RUNS)('%s, again and again, then a good script', (_name, source, input, expected) => {
    const script = { name: 'bad/health.lua', source };
    const endless = source.includes('while true');
    for (let i = 0; i < (exhausting(source) ? 5 : 25); i++) {
      expect(sandbox.run(script, input, endless ? short : limits)).toMatchObject(expected);
      expect(sandbox.stackDepth()).toBe(0);
    }
    expect(sandbox.run(certificateScript, liveCertificate, limits)).toEqual(GOOD);
    expect(sandbox.restarts).toBe(0);
  });

  it('keeps the Lua stack empty over thousands of runs of every kind', () => {
    const quick = BAD_RUNS.filter(([, source]) => !exhausting(source)).map(
      ([, source, input]) => [{ name: 'mix/health.lua', source }, input] as const,
    );
    for (let i = 0; i < 200; i++) {
      for (const [script, input] of quick) sandbox.run(script, input, limits);
      sandbox.run(certificateScript, liveCertificate, limits);
    }
    expect(sandbox.stackDepth()).toBe(0);
    expect(sandbox.run(certificateScript, liveCertificate, limits)).toEqual(GOOD);
  });

  it('reports the error a script raised, with its name and line', () => {
    expect(
      sandbox.run({ name: 'x.io/Y/health.lua', source: 'local a = 1\nerror("boom")' }, {}, limits),
    ).toEqual({
      outcome: 'failed',
      message: 'x.io/Y/health.lua:2: boom',
    });
  });

  it('recovers from a failure in the middle of handing an object over: the next run gets a fresh engine', async () => {
    // A value that throws while it is being copied into Lua: the half-built tables are left behind in a
    // state Berth can no longer vouch for, which is what a WebAssembly trap leaves too.
    const exploding = {
      metadata: { name: 'x' },
      get status(): unknown {
        throw new Error('read failed');
      },
    };
    for (let i = 0; i < 5; i++) {
      expect(sandbox.run(certificateScript, exploding, limits)).toEqual({
        outcome: 'crashed',
        message: 'Error: read failed',
      });
      expect(sandbox.run(certificateScript, liveCertificate, limits)).toEqual(GOOD);
    }
    expect(sandbox.restarts).toBe(5);
    await sandbox.settled();
    // On the replacement WebAssembly module.
    expect(sandbox.run(certificateScript, liveCertificate, limits)).toEqual(GOOD);
  });

  it('marks a state whose run an exception cut short, so the sandbox never reuses it', async () => {
    const state = new LuaState(new LuaApi(await new LuaFactory().getLuaModule()));
    expect(state.run(certificateScript, liveCertificate, limits)).toEqual(GOOD);
    expect(state.interrupted).toBe(false);
    const exploding = {
      get metadata(): unknown {
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    expect(() => state.run(certificateScript, exploding, limits)).toThrow(RangeError);
    expect(state.interrupted).toBe(true);
  });
});
