/** A health.lua script that fails, runs out of bounds, or returns something that is not a health status. */
export class LuaHealthError extends Error {
  override readonly name = 'LuaHealthError';

  constructor(
    readonly code:
      'LuaScriptFailed' | 'LuaInvalidResult' | 'LuaTimeout' | 'LuaMemoryLimit' | 'LuaEngineCrashed',
    message: string,
  ) {
    super(message);
  }
}
