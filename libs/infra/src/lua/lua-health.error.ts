/** A health.lua script that fails or returns something that is not a health status. */
export class LuaHealthError extends Error {
  override readonly name = 'LuaHealthError';

  constructor(
    readonly code: 'LuaScriptFailed' | 'LuaInvalidResult' | 'LuaTimeout',
    message: string,
  ) {
    super(message);
  }
}
