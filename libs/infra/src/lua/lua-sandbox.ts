import { LuaFactory } from 'wasmoon';
import { LuaApi } from './lua-api';
import { type LuaLimits, type LuaRunResult, type LuaScript, LuaState } from './lua-state';

/**
 * Runs Lua scripts on untrusted input, one synchronous run at a time, and survives them. A script's
 * error, time-out or memory exhaustion is an outcome of its run, not a problem of the sandbox. Anything
 * else thrown out of a run (a WebAssembly trap such as "memory access out of bounds", a JavaScript stack
 * overflow in the middle of a Lua call) leaves the Lua state, and possibly the module's memory, in an
 * unknown condition: that run is reported as `crashed`, the state is dropped unclosed, the next run gets
 * a fresh state at once, and a fresh WebAssembly module is loaded in the background for the states
 * after that. A run cut short where not even a catch block could run (the JavaScript stack exhausted)
 * is noticed at the next run the same way. One bad object therefore costs one check, never the checks
 * after it.
 */
export class LuaSandbox {
  private state: LuaState | undefined;
  private replacement: Promise<void> | undefined;
  private crashes = 0;

  private constructor(private api: LuaApi) {}

  static async create(): Promise<LuaSandbox> {
    return new LuaSandbox(await loadModule());
  }

  /** Runs that crashed (each one replaced the state). */
  get restarts(): number {
    return this.crashes;
  }

  run(script: LuaScript, input: unknown, limits: LuaLimits): LuaRunResult {
    // The previous run ended in an exception that even the catch below could not handle.
    if (this.state?.interrupted) this.crashed();
    let state: LuaState;
    try {
      state = this.state ??= new LuaState(this.api);
    } catch (err) {
      this.crashed();
      return { outcome: 'crashed', message: `the Lua engine could not start: ${messageOf(err)}` };
    }
    try {
      return state.run(script, input, limits);
    } catch (err) {
      this.crashed();
      return { outcome: 'crashed', message: messageOf(err) };
    }
  }

  /** Values left on the current state's stack between runs (0; a diagnostic for tests). */
  stackDepth(): number {
    return this.state?.stackDepth() ?? 0;
  }

  /** Resolves when no replacement module is loading (so tests and shutdown can wait for it). */
  async settled(): Promise<void> {
    await this.replacement;
  }

  close(): void {
    const state = this.state;
    this.state = undefined;
    try {
      state?.close();
    } catch {
      // A state that fails to close is garbage either way.
    }
  }

  private crashed(): void {
    this.crashes++;
    // Not closed: lua_close walks memory that may be inconsistent now.
    this.state = undefined;
    this.replacement ??= loadModule()
      .then((api) => {
        this.close();
        this.api = api;
      })
      .catch(() => {
        // Keep the current module; the next crash tries again.
      })
      .finally(() => {
        this.replacement = undefined;
      });
  }
}

async function loadModule(): Promise<LuaApi> {
  return new LuaApi(await new LuaFactory().getLuaModule());
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return String(err);
  } catch {
    return 'an exception that cannot be shown';
  }
}
