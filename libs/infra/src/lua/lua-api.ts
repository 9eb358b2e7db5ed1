import type { LuaWasm } from 'wasmoon';

/** A `lua_State *` in the WebAssembly module's memory. */
export type LuaStatePointer = number;

/** Lua's value types (lua.h LUA_T*). */
export const LuaType = {
  Nil: 0,
  Boolean: 1,
  Number: 3,
  String: 4,
  Table: 5,
} as const;

/** lua.h status codes Berth tells apart. */
export const LuaStatus = { Ok: 0, ErrorMemory: 4 } as const;

export const LUA_REGISTRYINDEX = -1_001_000;
const LUA_MASKCOUNT = 8;

/**
 * The Lua 5.4 C functions the module exports, called directly: wasmoon's wrappers convert strings on the
 * emscripten stack and push objects through type extensions (the path that failed on JSON nulls).
 * lua_Integer arguments are i64, hence bigint.
 */
interface LuaExports {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
  removeFunction(pointer: number): void;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _realloc(pointer: number, size: number): number;
  _lua_newstate(alloc: number, ud: number): LuaStatePointer;
  _lua_close(L: LuaStatePointer): void;
  _luaL_openlibs(L: LuaStatePointer): void;
  _lua_gettop(L: LuaStatePointer): number;
  _lua_settop(L: LuaStatePointer, index: number): void;
  _lua_checkstack(L: LuaStatePointer, n: number): number;
  _lua_pushnil(L: LuaStatePointer): void;
  _lua_pushboolean(L: LuaStatePointer, b: number): void;
  _lua_pushinteger(L: LuaStatePointer, n: bigint): void;
  _lua_pushnumber(L: LuaStatePointer, n: number): void;
  _lua_pushlstring(L: LuaStatePointer, s: number, len: number): number;
  _lua_pushvalue(L: LuaStatePointer, index: number): void;
  _lua_createtable(L: LuaStatePointer, narr: number, nrec: number): void;
  _lua_rawset(L: LuaStatePointer, index: number): void;
  _lua_rawseti(L: LuaStatePointer, index: number, n: bigint): void;
  _lua_rawgeti(L: LuaStatePointer, index: number, n: bigint): number;
  _lua_next(L: LuaStatePointer, index: number): number;
  _lua_type(L: LuaStatePointer, index: number): number;
  _lua_toboolean(L: LuaStatePointer, index: number): number;
  _lua_tonumberx(L: LuaStatePointer, index: number, isnum: number): number;
  _lua_tolstring(L: LuaStatePointer, index: number, len: number): number;
  _lua_pcallk(
    L: LuaStatePointer,
    nargs: number,
    nresults: number,
    msgh: number,
    ctx: number,
    k: number,
  ): number;
  _lua_error(L: LuaStatePointer): number;
  _lua_sethook(L: LuaStatePointer, hook: number, mask: number, count: number): void;
  _luaL_loadbufferx(L: LuaStatePointer, buffer: number, size: number, name: number, mode: number): number;
  _luaL_ref(L: LuaStatePointer, table: number): number;
}

/**
 * Berth's door to one Lua WebAssembly module: the raw C API plus UTF-8 strings through one reusable
 * buffer (a Kubernetes object's strings are copied in without a JavaScript-side allocation each).
 */
export class LuaApi {
  readonly c: LuaExports;
  private buffer = 0;
  private bufferSize = 0;
  /** A view of the buffer; replaced when the module's memory grows (the old one is then detached). */
  private view: Uint8Array = new Uint8Array(0);
  private readonly lengthSlot: number;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(readonly module: LuaWasm) {
    this.c = module.module as unknown as LuaExports;
    this.lengthSlot = this.c._malloc(8);
    this.reserve(64 * 1024);
  }

  /**
   * Copies `text` as UTF-8 plus a NUL into the scratch buffer; returns its byte length. Most strings
   * of a Kubernetes object are short ASCII: those are copied code unit by code unit, without encoding.
   */
  private write(text: string): number {
    const length = text.length;
    if (length < this.bufferSize) {
      const view = this.scratch();
      let i = 0;
      for (; i < length; i++) {
        const code = text.charCodeAt(i);
        if (code > 0x7f) break;
        view[i] = code;
      }
      if (i === length) {
        view[length] = 0;
        return length;
      }
    }
    this.reserve(length * 3 + 1);
    const view = this.scratch();
    const { written } = this.encoder.encodeInto(text, view.subarray(0, view.length - 1));
    view[written] = 0;
    return written;
  }

  private reserve(size: number): void {
    if (size <= this.bufferSize) return;
    if (this.buffer) this.c._free(this.buffer);
    this.bufferSize = Math.max(size, 64 * 1024);
    this.buffer = this.c._malloc(this.bufferSize);
    if (!this.buffer) throw new Error(`Lua module could not allocate ${this.bufferSize} bytes`);
    this.view = new Uint8Array(0);
  }

  private scratch(): Uint8Array {
    if (this.view.byteLength === 0) {
      this.view = new Uint8Array(this.c.HEAPU8.buffer, this.buffer, this.bufferSize);
    }
    return this.view;
  }

  pushString(L: LuaStatePointer, text: string): void {
    const length = this.write(text);
    this.c._lua_pushlstring(L, this.buffer, length);
  }

  /** The string at `index` (a string value; a number is converted in place, as lua_tolstring does). */
  readString(L: LuaStatePointer, index: number): string {
    const pointer = this.c._lua_tolstring(L, index, this.lengthSlot);
    if (!pointer) return '';
    const length = this.c.HEAPU32[this.lengthSlot >> 2] ?? 0;
    return this.decoder.decode(this.c.HEAPU8.subarray(pointer, pointer + length));
  }

  /** luaL_loadbufferx in text mode only (precompiled chunks can crash the VM). Returns the status. */
  load(L: LuaStatePointer, source: string, chunkName: string): number {
    const name = this.c._malloc(chunkName.length * 3 + 3);
    const mode = this.c._malloc(2);
    try {
      const nameBytes = this.encoder.encode(`=${chunkName}`);
      this.c.HEAPU8.set(nameBytes, name);
      this.c.HEAPU8[name + nameBytes.length] = 0;
      this.c.HEAPU8.set([0x74, 0], mode); // "t"
      const length = this.write(source);
      return this.c._luaL_loadbufferx(L, this.buffer, length, name, mode);
    } finally {
      this.c._free(name);
      this.c._free(mode);
    }
  }

  /** Installs `hook` as a count hook, called every `instructions` VM instructions. */
  setCountHook(L: LuaStatePointer, hook: number, instructions: number): void {
    this.c._lua_sethook(L, hook, LUA_MASKCOUNT, instructions);
  }
}
