import { LUA_REGISTRYINDEX, type LuaApi, LuaStatus, type LuaStatePointer, LuaType } from './lua-api';
import { SANDBOX_PRELUDE } from './lua-sandbox.prelude';
import { LuaInputError, pushJson, readJson } from './lua-values';

/**
 * A script and the name its errors carry (`cert-manager.io/Certificate/health.lua:12: ...`). A state
 * compiles a script object once: keep the object for as long as it is run.
 */
export interface LuaScript {
  name: string;
  source: string;
}

/** Bounds of one run. */
export interface LuaLimits {
  /** Wall time the script may run; checked every 1,000 VM instructions. */
  timeoutMs: number;
  /** Memory the script may allocate on top of what the state holds when it starts. */
  memoryBytes: number;
}

export type LuaRunResult =
  | { outcome: 'returned'; value: unknown }
  | { outcome: 'failed'; message: string }
  | { outcome: 'timedOut' }
  | { outcome: 'outOfMemory' }
  | { outcome: 'crashed'; message: string };

/** The error value the time limit raises; the prelude keeps `pcall` from catching it. */
const TIMEOUT_MARKER = '\u0000berth: Lua time limit\u0000';
const HOOK_INSTRUCTIONS = 1000;
/**
 * Compiled once per script: the script body becomes a vararg chunk whose first statement makes the
 * runner's fresh environment its globals. Same line, so error line numbers are the script's own.
 */
const CHUNK_PREFIX = 'local _ENV = ...; ';

/**
 * One Lua 5.4 state in a wasmoon module, with the sandbox prelude loaded, its own allocator (the memory
 * bound) and count hook (the time bound), and the scripts compiled into it. Runs are synchronous and
 * leave the stack as they found it. An exception out of `run` means the state cannot be trusted: the
 * caller drops it (LuaSandbox).
 */
export class LuaState {
  private memoryUsed = 0;
  /** 0: unbounded (while Berth itself builds tables); set only around a script's run. */
  private memoryMax = 0;
  private deadline = 0;
  /** True from the start of a run until it returns: still true later means an exception cut it short. */
  private running = false;
  /** By script object: its checks hold it for good, and a long source is not hashed on every run. */
  private readonly chunks = new WeakMap<LuaScript, number | { error: string }>();
  private readonly L: LuaStatePointer;
  private readonly runner: number;
  private readonly allocator: number;
  private readonly hook: number;

  constructor(private readonly api: LuaApi) {
    const c = api.c;
    this.allocator = c.addFunction(
      (_ud: number, pointer: number, oldSize: number, newSize: number) =>
        this.allocate(pointer, oldSize, newSize),
      'iiiii',
    );
    this.hook = c.addFunction((L: number) => this.onHook(L), 'vii');
    this.L = c._lua_newstate(this.allocator, 0);
    if (!this.L) {
      this.releaseFunctions();
      throw new Error('lua_newstate failed: out of memory');
    }
    try {
      c._luaL_openlibs(this.L);
      api.setCountHook(this.L, this.hook, HOOK_INSTRUCTIONS);
      if (api.load(this.L, SANDBOX_PRELUDE, 'berth/sandbox.lua') !== LuaStatus.Ok)
        throw new Error(`the sandbox prelude does not compile: ${api.readString(this.L, -1)}`);
      api.pushString(this.L, TIMEOUT_MARKER);
      if (c._lua_pcallk(this.L, 1, 1, 0, 0, 0) !== LuaStatus.Ok)
        throw new Error(`the sandbox prelude failed: ${api.readString(this.L, -1)}`);
      this.runner = c._luaL_ref(this.L, LUA_REGISTRYINDEX);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /**
   * A run was cut short by an exception, possibly where no catch block could run any more (a JavaScript
   * stack overflow): the state may be half-way through a Lua call and must not be used again.
   */
  get interrupted(): boolean {
    return this.running;
  }

  /** Runs `script` with the global `obj` set to `input` (a JSON value). */
  run(script: LuaScript, input: unknown, limits: LuaLimits): LuaRunResult {
    const { api, L } = this;
    const c = api.c;
    this.running = true;
    const base = c._lua_gettop(L);
    try {
      const chunk = this.compile(script);
      if (typeof chunk !== 'number') {
        this.running = false;
        return { outcome: 'failed', message: chunk.error };
      }
      if (!c._lua_checkstack(L, 3)) throw new Error('the Lua stack cannot grow');
      c._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.runner));
      c._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(chunk));
      try {
        pushJson(api, L, input);
      } catch (err) {
        if (!(err instanceof LuaInputError)) throw err;
        c._lua_settop(L, base);
        this.running = false;
        return { outcome: 'failed', message: `the object cannot be handed to Lua: ${err.message}` };
      }
      this.memoryMax = this.memoryUsed + limits.memoryBytes;
      this.deadline = Date.now() + limits.timeoutMs;
      const status = c._lua_pcallk(L, 2, 2, 0, 0, 0);
      const timedOut = Date.now() > this.deadline;
      this.deadline = 0;
      this.memoryMax = 0;
      let result: LuaRunResult;
      if (status !== LuaStatus.Ok) {
        result =
          status === LuaStatus.ErrorMemory ? { outcome: 'outOfMemory' } : failure(this.errorAt(-1), timedOut);
      } else if (api.readString(L, -2) === 'error') {
        result = failure(this.errorAt(-1), timedOut);
      } else {
        result = { outcome: 'returned', value: readJson(api, L, -1) };
      }
      c._lua_settop(L, base);
      this.running = false;
      return result;
    } finally {
      this.deadline = 0;
      this.memoryMax = 0;
    }
  }

  /** Values left on the Lua stack between runs: 0 unless a run leaked (the fault behind issue #14). */
  stackDepth(): number {
    return this.api.c._lua_gettop(this.L);
  }

  /** Frees the state and its function-table slots. Only for a state that has not failed. */
  close(): void {
    if (this.L) this.api.c._lua_close(this.L);
    this.releaseFunctions();
  }

  private compile(script: LuaScript): number | { error: string } {
    const cached = this.chunks.get(script);
    if (cached !== undefined) return cached;
    const { api, L } = this;
    let compiled: number | { error: string };
    if (api.load(L, CHUNK_PREFIX + script.source, script.name) === LuaStatus.Ok) {
      compiled = api.c._luaL_ref(L, LUA_REGISTRYINDEX);
    } else {
      compiled = { error: this.errorAt(-1) };
      api.c._lua_settop(L, -2);
    }
    this.chunks.set(script, compiled);
    return compiled;
  }

  private errorAt(index: number): string {
    return this.api.c._lua_type(this.L, index) === LuaType.String
      ? this.api.readString(this.L, index)
      : 'the script raised an error that is not a string';
  }

  /** lua_Alloc. When the pointer is null, oldSize is a type tag, not a size. */
  private allocate(pointer: number, oldSize: number, newSize: number): number {
    const c = this.api.c;
    if (newSize === 0) {
      if (pointer) {
        this.memoryUsed -= oldSize;
        c._free(pointer);
      }
      return 0;
    }
    const delta = pointer ? newSize - oldSize : newSize;
    if (delta > 0 && this.memoryMax && this.memoryUsed + delta > this.memoryMax) return 0;
    const moved = c._realloc(pointer, newSize);
    if (moved) this.memoryUsed += delta;
    return moved;
  }

  /** lua_Hook, every HOOK_INSTRUCTIONS instructions of any coroutine of this state. */
  private onHook(L: LuaStatePointer): void {
    if (this.deadline && Date.now() > this.deadline) {
      this.api.pushString(L, TIMEOUT_MARKER);
      this.api.c._lua_error(L);
    }
  }

  private releaseFunctions(): void {
    this.api.c.removeFunction(this.allocator);
    this.api.c.removeFunction(this.hook);
  }
}

function failure(message: string, timedOut: boolean): LuaRunResult {
  if (timedOut || message.includes(TIMEOUT_MARKER)) return { outcome: 'timedOut' };
  if (message === 'not enough memory') return { outcome: 'outOfMemory' };
  return { outcome: 'failed', message };
}
