import {
  HEALTH_ORDER,
  type HealthCheck,
  type HealthCheckRegistry,
  type HealthStatusCode,
} from '@berth/domain';
import { LuaFactory, type LuaEngine } from 'wasmoon';
import { LuaHealthError } from './lua-health.error';

/** An Argo CD health customization: `resource_customizations/<group>/<kind>/health.lua`. */
export interface LuaHealthScript {
  group: string;
  kind: string;
  script: string;
}

export interface LuaHealthOptions {
  /** Longest a script may run per object (Argo CD gives Lua scripts a similar bound). Default 1000 ms. */
  timeoutMs?: number;
}

/** Globals removed so a script can read `obj` and compute, but not touch files, processes or modules. */
const UNSAFE_GLOBALS = [
  'io',
  'os',
  'debug',
  'package',
  'require',
  'dofile',
  'loadfile',
  'load',
  'loadstring',
];

/**
 * Runs Argo CD `health.lua` scripts with wasmoon (Lua 5.4 in WebAssembly). Each script gets its
 * own engine, so globals one script sets never leak into another. The returned checks are
 * synchronous and plug into the domain's HealthCheckRegistry.
 */
export class LuaHealthRunner {
  private constructor(private readonly factory: LuaFactory) {}

  static create(): LuaHealthRunner {
    return new LuaHealthRunner(new LuaFactory());
  }

  /** Compiles nothing up front: a syntax error surfaces as Unknown health when the check runs. */
  async healthCheck(source: LuaHealthScript, options: LuaHealthOptions = {}): Promise<HealthCheck> {
    const engine = await this.factory.createEngine({
      enableProxy: false,
      injectObjects: false,
      openStandardLibs: true,
    });
    for (const name of UNSAFE_GLOBALS) engine.global.set(name, undefined);
    const timeoutMs = options.timeoutMs ?? 1000;
    const where = `health.lua for ${source.group || 'core'}/${source.kind}`;
    return (obj) => runScript(engine, source.script, obj, timeoutMs, where);
  }

  /** Registers every script in `registry` (group may be Argo CD's wildcard form `_.example.io`). */
  async register(
    registry: HealthCheckRegistry,
    scripts: readonly LuaHealthScript[],
    options?: LuaHealthOptions,
  ): Promise<HealthCheckRegistry> {
    for (const s of scripts) registry.register(s.group, s.kind, await this.healthCheck(s, options));
    return registry;
  }
}

function runScript(engine: LuaEngine, script: string, obj: unknown, timeoutMs: number, where: string) {
  engine.global.set('obj', obj);
  let result: unknown;
  engine.global.setTimeout(Date.now() + timeoutMs);
  try {
    result = engine.doStringSync(script);
  } catch (err) {
    const message = (err as Error).message;
    if (/timeout exceeded/.test(message)) {
      throw new LuaHealthError(
        'LuaTimeout',
        `${where} ran longer than ${timeoutMs} ms; make the script finish without loops over unbounded data`,
      );
    }
    throw new LuaHealthError('LuaScriptFailed', `${where} failed: ${message}`);
  } finally {
    engine.global.setTimeout(0);
    engine.global.set('obj', undefined);
  }
  if (result === undefined || result === null) return undefined;
  if (typeof result !== 'object') {
    throw new LuaHealthError(
      'LuaInvalidResult',
      `${where} must return a table like {status = "Healthy", message = "..."}`,
    );
  }
  const { status, message } = result as { status?: unknown; message?: unknown };
  if (typeof status !== 'string' || !HEALTH_ORDER.includes(status as HealthStatusCode)) {
    throw new LuaHealthError(
      'LuaInvalidResult',
      `${where} returned status ${JSON.stringify(status)}; use one of ${HEALTH_ORDER.join(', ')}`,
    );
  }
  return typeof message === 'string' && message !== ''
    ? { status: status as HealthStatusCode, message }
    : { status: status as HealthStatusCode };
}

/** argocd-cm key suffix `resource.customizations.health.<group>_<kind>` -> group and kind. */
export function parseHealthCustomizationKey(key: string): { group: string; kind: string } | undefined {
  const i = key.lastIndexOf('_');
  if (i < 0 || i === key.length - 1) return undefined;
  return { group: key.slice(0, i), kind: key.slice(i + 1) };
}
