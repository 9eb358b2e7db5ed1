import { LuaType, type LuaApi, type LuaStatePointer } from './lua-api';

/** A value that cannot be handed to Lua; the state is fine, the run is not made. */
export class LuaInputError extends Error {
  override readonly name = 'LuaInputError';
}

/** Deeper than any Kubernetes object; a bound so a hostile value cannot exhaust the stack. */
const MAX_DEPTH = 100;

/** Fields left out of the object a script sees: big, written by the API server for it, read by no script. */
const SKIPPED_METADATA = new Set(['managedFields']);

/**
 * Pushes a JSON value as the Lua value Argo CD's bridge (util/lua decodeValue on gopher-lua) makes of it:
 * objects and arrays become tables, and `null` becomes nil, so a null field is absent from its table
 * (`obj.metadata.creationTimestamp == nil`) and a null array element is dropped, the later ones moving
 * down (gopher-lua's LTable.Append skips nil). Whole numbers are Lua integers, so `tostring` gives "3"
 * as gopher-lua's float64 does, not Lua 5.4's "3.0". `metadata.managedFields` is left out.
 */
export function pushJson(api: LuaApi, L: LuaStatePointer, value: unknown, depth = 0, path = ''): void {
  const c = api.c;
  switch (typeof value) {
    case 'string':
      api.pushString(L, value);
      return;
    case 'number':
      if (Number.isSafeInteger(value)) c._lua_pushinteger(L, BigInt(value));
      else c._lua_pushnumber(L, value);
      return;
    case 'boolean':
      c._lua_pushboolean(L, value ? 1 : 0);
      return;
    case 'object': {
      if (value === null) {
        c._lua_pushnil(L);
        return;
      }
      if (depth >= MAX_DEPTH) throw new LuaInputError(`it is nested more than ${MAX_DEPTH} levels deep`);
      // Room for the table, a key and a value; nested tables ask again.
      if (!c._lua_checkstack(L, 3)) throw new Error('the Lua stack cannot grow');
      if (Array.isArray(value)) {
        c._lua_createtable(L, value.length, 0);
        let n = 0;
        for (const item of value) {
          if (item === null || item === undefined) continue;
          pushJson(api, L, item, depth + 1);
          c._lua_rawseti(L, -2, BigInt(++n));
        }
        return;
      }
      const entries = Object.entries(value);
      c._lua_createtable(L, 0, entries.length);
      for (const [key, item] of entries) {
        if (item === null || item === undefined) continue;
        if (path === 'metadata' && SKIPPED_METADATA.has(key)) continue;
        api.pushString(L, key);
        pushJson(api, L, item, depth + 1, depth === 0 ? key : '');
        c._lua_rawset(L, -3);
      }
      return;
    }
    default:
      // undefined, functions, symbols, bigints: nothing a JSON object holds.
      c._lua_pushnil(L);
  }
}

/**
 * Reads the value at `index` as JSON, raw (no metamethod runs: this happens outside any protected call).
 * A table whose keys are exactly 1..n is an array, as gopher-json encodes it; other tables are objects
 * with their string and number keys. Functions and other Lua-only values read as undefined.
 */
export function readJson(api: LuaApi, L: LuaStatePointer, index: number, depth = 0): unknown {
  const c = api.c;
  switch (c._lua_type(L, index)) {
    case LuaType.Boolean:
      return c._lua_toboolean(L, index) !== 0;
    case LuaType.Number:
      return c._lua_tonumberx(L, index, 0);
    case LuaType.String:
      return api.readString(L, index);
    case LuaType.Table:
      return depth >= MAX_DEPTH ? undefined : readTable(api, L, index, depth);
    default:
      return undefined;
  }
}

function readTable(api: LuaApi, L: LuaStatePointer, index: number, depth: number): unknown {
  const c = api.c;
  const table = index < 0 ? c._lua_gettop(L) + index + 1 : index;
  if (!c._lua_checkstack(L, 3)) throw new Error('the Lua stack cannot grow');
  const entries: Array<[string | number, unknown]> = [];
  c._lua_pushnil(L);
  while (c._lua_next(L, table) !== 0) {
    let key: string | number | undefined;
    const keyType = c._lua_type(L, -2);
    if (keyType === LuaType.Number) key = c._lua_tonumberx(L, -2, 0);
    else if (keyType === LuaType.String) {
      // A copy: lua_tolstring on the key itself would confuse lua_next.
      c._lua_pushvalue(L, -2);
      key = api.readString(L, -1);
      c._lua_settop(L, -2);
    }
    const item = readJson(api, L, -1, depth + 1);
    if (key !== undefined && item !== undefined) entries.push([key, item]);
    c._lua_settop(L, -2);
  }
  const keys = new Set(entries.map(([k]) => k));
  const isArray = entries.length > 0 && entries.every((_, i) => keys.has(i + 1));
  if (isArray) {
    return entries.sort(([a], [b]) => (a as number) - (b as number)).map(([, v]) => v);
  }
  return Object.fromEntries(entries.map(([k, v]) => [String(k), v]));
}
