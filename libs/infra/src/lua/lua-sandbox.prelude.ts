/**
 * The Lua code every sandbox state runs once. It receives the timeout marker and returns the runner:
 * `runner(chunk, obj)` builds a fresh environment (globals one run sets never reach the next, as with
 * Argo CD's new gopher-lua state per run), calls the compiled script with it and returns
 * `"ok", value` or `"error", message`. It is what makes scripts written for Argo CD run here: Lua 5.1
 * functions gopher-lua has and Lua 5.4 dropped, the `os` functions that only read the clock, and the
 * `json` module; and what keeps them in bounds: no io, no full os, no debug, no package loading, no
 * binary chunks, no `__gc`, and a timeout no `pcall` can swallow.
 */
export const SANDBOX_PRELUDE = String.raw`-- Berth's Lua sandbox prelude: runs once per Lua state. Receives the timeout marker and returns
-- the runner, which evaluates one compiled script against one object in a fresh environment.
local TIMEOUT = ...

local raw_pcall, raw_xpcall, raw_error, raw_load = pcall, xpcall, error, load
local raw_setmetatable, raw_tostring, raw_type = setmetatable, tostring, type
local raw_resume, raw_collectgarbage = coroutine.resume, collectgarbage
local pairs, next, select, rawget, rawset = pairs, next, select, rawget, rawset
local string, table, math, os, coroutine, utf8 = string, table, math, os, coroutine, utf8
local unpack = table.unpack

-- A script must not catch the timeout: rethrow it from every function that catches errors. The
-- marker may come back with a position prefixed (coroutine.wrap adds one), hence a plain find.
local function is_timeout(e)
  return raw_type(e) == "string" and string.find(e, TIMEOUT, 1, true) ~= nil
end
local function rethrow_timeout(ok, ...)
  if not ok and is_timeout((...)) then raw_error(TIMEOUT, 0) end
  return ok, ...
end
local function safe_pcall(f, ...)
  return rethrow_timeout(raw_pcall(f, ...))
end
local function safe_xpcall(f, handler, ...)
  return rethrow_timeout(raw_xpcall(f, function(e)
    if is_timeout(e) then return TIMEOUT end
    return handler(e)
  end, ...))
end
local function safe_resume(co, ...)
  return rethrow_timeout(raw_resume(co, ...))
end
-- __gc would run script code outside the run (during Berth's own calls), where no time limit applies.
local function safe_setmetatable(t, mt)
  if raw_type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    raw_error("__gc metamethods are not available in health scripts", 2)
  end
  return raw_setmetatable(t, mt)
end
local GC_OPTIONS = { count = true, collect = true, step = true }
local function safe_collectgarbage(opt, ...)
  if opt ~= nil and not GC_OPTIONS[opt] then
    raw_error("collectgarbage(\"" .. raw_tostring(opt) .. "\") is not available in health scripts", 2)
  end
  return raw_collectgarbage(opt, ...)
end

-- gopher-lua numbers are float64 printed with %.14g: a whole number reads "3", where Lua 5.4 prints
-- a float as "3.0". tostring and the 5.1 math functions below give whole floats as integers.
local function whole(v)
  if math.type(v) == "float" and v == math.floor(v) and v >= -2 ^ 53 and v <= 2 ^ 53 then
    return math.tointeger(v)
  end
  return v
end
local function compat_tostring(v) return raw_tostring(whole(v)) end

-- Lua 5.1 functions (gopher-lua, which Argo CD runs) missing from Lua 5.4.
local function maxn(t)
  local n = 0
  for k in pairs(t) do
    if raw_type(k) == "number" and k > n then n = k end
  end
  return n
end
local function frexp(x)
  if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x, 0 end
  local e = math.floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2 ^ e
  if math.abs(m) >= 1 then m, e = m / 2, e + 1 elseif math.abs(m) < 0.5 then m, e = m * 2, e - 1 end
  return m, e
end
local compat_math = {
  pow = function(x, y) return whole(x ^ y) end,
  mod = math.fmod,
  log10 = function(x) return whole(math.log(x, 10)) end,
  ldexp = function(m, e) return whole(m * 2.0 ^ e) end,
  frexp = frexp,
  cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end,
  sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end,
  tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end,
  atan2 = function(y, x) return math.atan(y, x) end,
}
local compat_table = { getn = function(t) return #t end, maxn = maxn }
local compat_string = { gfind = string.gmatch }

-- json: as the gopher-json module Argo CD scripts load with require("json"). Nulls decode to nil.
local json = {}
do
  local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
  local function encode(v, depth)
    if depth > 100 then raw_error("json.encode: nested too deeply", 0) end
    local t = raw_type(v)
    if t == "nil" then return "null" end
    if t == "boolean" then return v and "true" or "false" end
    if t == "number" then
      if v ~= v or v == math.huge or v == -math.huge then raw_error("json.encode: cannot encode " .. raw_tostring(v), 0) end
      if math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2 ^ 53 then return string.format("%d", v) end
      return raw_tostring(v)
    end
    if t == "string" then
      return '"' .. v:gsub('[%c"\\]', function(c) return escapes[c] or string.format("\\u%04x", c:byte()) end) .. '"'
    end
    if t ~= "table" then raw_error("json.encode: cannot encode a " .. t, 0) end
    local n = #v
    if n > 0 or next(v) == nil then
      local out = {}
      for i = 1, n do out[i] = encode(v[i], depth + 1) end
      return "[" .. table.concat(out, ",") .. "]"
    end
    local keys = {}
    for k in pairs(v) do
      if raw_type(k) ~= "string" then raw_error("json.encode: object keys must be strings", 0) end
      keys[#keys + 1] = k
    end
    table.sort(keys)
    local out = {}
    for i, k in ipairs(keys) do out[i] = encode(k, depth + 1) .. ":" .. encode(v[k], depth + 1) end
    return "{" .. table.concat(out, ",") .. "}"
  end

  local function decoder(s)
    local pos = 1
    local function fail(what) raw_error("json.decode: " .. what .. " at position " .. pos, 0) end
    local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
    local value
    local function str()
      local out, from = {}, pos + 1
      while true do
        local i = s:find('["\\]', from)
        if not i then fail("unterminated string") end
        out[#out + 1] = s:sub(from, i - 1)
        if s:sub(i, i) == '"' then pos = i + 1 return table.concat(out) end
        local c = s:sub(i + 1, i + 1)
        local simple = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/" }
        if simple[c] then
          out[#out + 1] = simple[c]
          from = i + 2
        elseif c == "u" then
          local hex = s:match("^%x%x%x%x", i + 2)
          if not hex then fail("bad \\u escape") end
          local cp = tonumber(hex, 16)
          from = i + 6
          if cp >= 0xD800 and cp <= 0xDBFF then
            local lo = s:match("^\\u(%x%x%x%x)", from)
            if lo then
              cp = 0x10000 + (cp - 0xD800) * 0x400 + (tonumber(lo, 16) - 0xDC00)
              from = from + 6
            end
          end
          out[#out + 1] = utf8.char(cp)
        else
          fail("bad escape")
        end
      end
    end
    local depth = 0
    function value()
      ws()
      local c = s:sub(pos, pos)
      if c == "{" then
        depth = depth + 1
        if depth > 100 then fail("nested too deeply") end
        local t = {}
        pos = pos + 1
        ws()
        if s:sub(pos, pos) == "}" then pos = pos + 1 depth = depth - 1 return t end
        while true do
          ws()
          if s:sub(pos, pos) ~= '"' then fail("expected a string key") end
          local k = str()
          ws()
          if s:sub(pos, pos) ~= ":" then fail("expected ':'") end
          pos = pos + 1
          t[k] = value()
          ws()
          local d = s:sub(pos, pos)
          pos = pos + 1
          if d == "}" then depth = depth - 1 return t end
          if d ~= "," then fail("expected ',' or '}'") end
        end
      elseif c == "[" then
        depth = depth + 1
        if depth > 100 then fail("nested too deeply") end
        local t, n = {}, 0
        pos = pos + 1
        ws()
        if s:sub(pos, pos) == "]" then pos = pos + 1 depth = depth - 1 return t end
        while true do
          local v = value()
          if v ~= nil then n = n + 1 t[n] = v end
          ws()
          local d = s:sub(pos, pos)
          pos = pos + 1
          if d == "]" then depth = depth - 1 return t end
          if d ~= "," then fail("expected ',' or ']'") end
        end
      elseif c == '"' then
        return str()
      elseif s:find("^true", pos) then pos = pos + 4 return true
      elseif s:find("^false", pos) then pos = pos + 5 return false
      elseif s:find("^null", pos) then pos = pos + 4 return nil
      else
        local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
        if not num or num == "" or num == "-" then fail("unexpected character") end
        pos = pos + #num
        return math.tointeger(tonumber(num)) or tonumber(num)
      end
    end
    return function()
      local v = value()
      ws()
      if pos <= #s then fail("trailing characters") end
      return v
    end
  end

  function json.encode(v) return encode(v, 0) end
  function json.decode(s)
    if raw_type(s) ~= "string" then raw_error("json.decode: expects a string", 2) end
    return decoder(s)()
  end
end

local function merged(t, extra)
  local c = {}
  for k, v in next, t do c[k] = v end
  for k, v in next, extra do c[k] = v end
  return c
end

local string_lib = merged(string, compat_string)
string_lib.dump = nil
local LIBS = {
  string = string_lib,
  table = merged(table, compat_table),
  math = merged(math, compat_math),
  os = { time = os.time, date = os.date, clock = os.clock, difftime = os.difftime },
  coroutine = merged(coroutine, { resume = safe_resume }),
  utf8 = utf8,
  json = json,
}
-- A library as a script sees it: reads fall through to the shared table, writes stay in the run.
local LIB_META = {}
for name, lib in next, LIBS do LIB_META[name] = { __index = lib } end
local ENV_META = { __index = {
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, rawequal = rawequal,
  rawget = rawget, rawlen = rawlen, rawset = rawset, select = select, tonumber = tonumber,
  tostring = compat_tostring, type = type, getmetatable = getmetatable, _VERSION = _VERSION,
  pcall = safe_pcall, xpcall = safe_xpcall, setmetatable = safe_setmetatable,
  collectgarbage = safe_collectgarbage, unpack = unpack, print = function() end,
} }
-- Strings index the shared string table: keep scripts from reaching it through getmetatable("").
getmetatable("").__metatable = false

-- A fresh environment per run: what one run sets is gone for the next (Argo CD starts a new state per
-- run). Built from small tables over shared ones, so a run costs microseconds, not a library copy.
local function new_env(obj)
  local modules = {}
  for name in next, LIBS do modules[name] = raw_setmetatable({}, LIB_META[name]) end
  local env = raw_setmetatable({
    obj = obj,
    string = modules.string, table = modules.table, math = modules.math, os = modules.os,
    coroutine = modules.coroutine, utf8 = modules.utf8,
  }, ENV_META)
  env._G = env
  env.require = function(name)
    local m = modules[name]
    if m == nil then raw_error("module '" .. raw_tostring(name) .. "' is not available in health scripts", 2) end
    return m
  end
  env.load = function(chunk, name, _, chunk_env)
    return raw_load(chunk, name, "t", chunk_env or env)
  end
  env.loadstring = function(chunk, name) return raw_load(chunk, name, "t", env) end
  return env
end

-- As the standalone lua's message handler: strings and numbers as they are, __tostring if the object
-- has one, else its type.
local function message_of(e)
  if is_timeout(e) then return TIMEOUT end
  local t = raw_type(e)
  if t == "string" then return e end
  if t == "number" then return raw_tostring(e) end
  local mt = getmetatable(e)
  if raw_type(mt) == "table" and rawget(mt, "__tostring") ~= nil then
    local ok, s = raw_pcall(raw_tostring, e)
    if ok and raw_type(s) == "string" then return s end
  end
  return "(error object is a " .. t .. " value)"
end

-- runner(chunk, obj) -> "ok", value | "error", message. Never raises, except for the timeout.
return function(chunk, obj)
  local results = table.pack(raw_xpcall(chunk, message_of, new_env(obj)))
  if not results[1] then return "error", results[2] end
  return "ok", results[2]
end
`;
