import {
  HEALTH_ORDER,
  type HealthCheck,
  type HealthCheckRegistry,
  type HealthStatus,
  type HealthStatusCode,
} from '@berth/domain';
import { LuaHealthError } from './lua-health.error';
import { LuaSandbox } from './lua-sandbox';
import type { LuaLimits, LuaRunResult } from './lua-state';

/**
 * An Argo CD health customization: `resource_customizations/<group>/<kind>/health.lua`. Group and kind
 * may be wildcards (`_` or `*`, Argo CD's any-kind and group-suffix directories).
 */
export interface LuaHealthScript {
  group: string;
  kind: string;
  script: string;
}

export interface LuaHealthOptions {
  /** Longest a script may run per object. Default 1000 ms, Argo CD's fixed limit. */
  timeoutMs?: number;
  /** Memory one run may allocate (the object's tables included). Default 64 MiB; Argo CD has no limit. */
  memoryBytes?: number;
}

const DEFAULT_LIMITS: LuaLimits = { timeoutMs: 1000, memoryBytes: 64 * 1024 * 1024 };

/**
 * Runs Argo CD `health.lua` scripts, unchanged, in one LuaSandbox (Lua 5.4 in WebAssembly, with the
 * Lua 5.1 and gopher-lua functions Argo CD's scripts use; see lua-sandbox.prelude.ts). Every run gets a
 * fresh global environment, as with Argo CD's fresh state per run. The returned checks are synchronous
 * and plug into the domain's HealthCheckRegistry.
 */
export class LuaHealthRunner {
  private sandbox: Promise<LuaSandbox> | undefined;

  private constructor(private readonly defaults: LuaLimits) {}

  static create(options: LuaHealthOptions = {}): LuaHealthRunner {
    return new LuaHealthRunner(limitsOf(options, DEFAULT_LIMITS));
  }

  /** A syntax error surfaces as Unknown health when the check runs, naming the line. */
  async healthCheck(source: LuaHealthScript, options: LuaHealthOptions = {}): Promise<HealthCheck> {
    const sandbox = await this.sandboxOnce();
    const limits = limitsOf(options, this.defaults);
    const name = `${source.group ? `${source.group}/` : ''}${source.kind}/health.lua`;
    const script = { name, source: source.script };
    return (obj) => healthOfResult(sandbox.run(script, obj, limits), name, limits);
  }

  /** Registers every script in `registry`, in the order given (wildcards: the first that matches wins). */
  async register(
    registry: HealthCheckRegistry,
    scripts: readonly LuaHealthScript[],
    options?: LuaHealthOptions,
  ): Promise<HealthCheckRegistry> {
    for (const s of scripts) registry.register(s.group, s.kind, await this.healthCheck(s, options));
    return registry;
  }

  /** Runs that crashed the Lua engine and made it start over (0 in a healthy process). */
  async restarts(): Promise<number> {
    return (await this.sandboxOnce()).restarts;
  }

  private sandboxOnce(): Promise<LuaSandbox> {
    return (this.sandbox ??= LuaSandbox.create());
  }
}

/**
 * What a run means as health, as Argo CD's ExecuteHealthLua: a table with a valid `status` is the health;
 * nil or a table without a status is no opinion (the built-in check, the conditions rule, then "exists"
 * decide); anything else is an error, which healthOf reports as Unknown with the message.
 */
function healthOfResult(result: LuaRunResult, where: string, limits: LuaLimits): HealthStatus | undefined {
  switch (result.outcome) {
    case 'failed':
      throw new LuaHealthError('LuaScriptFailed', result.message);
    case 'timedOut':
      throw new LuaHealthError(
        'LuaTimeout',
        `${where} ran longer than ${limits.timeoutMs} ms; make the script finish without loops over unbounded data`,
      );
    case 'outOfMemory':
      throw new LuaHealthError(
        'LuaMemoryLimit',
        `${where} used more than ${Math.round(limits.memoryBytes / 1024 / 1024)} MiB of memory`,
      );
    case 'crashed':
      throw new LuaHealthError(
        'LuaEngineCrashed',
        `the Lua engine failed while running ${where} (${result.message}); it was restarted for the next check`,
      );
    case 'returned':
      break;
  }
  const value = result.value;
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LuaHealthError(
      'LuaInvalidResult',
      `${where} must return a table like {status = "Healthy", message = "..."}, not ${Array.isArray(value) ? 'a list' : typeof value}`,
    );
  }
  const { status, message } = value as { status?: unknown; message?: unknown };
  if (status === undefined || status === '') return undefined;
  if (typeof status !== 'string' || !HEALTH_ORDER.includes(status as HealthStatusCode)) {
    throw new LuaHealthError(
      'LuaInvalidResult',
      `${where} returned status ${JSON.stringify(status)}; use one of ${HEALTH_ORDER.join(', ')}`,
    );
  }
  if (message !== undefined && typeof message !== 'string') {
    throw new LuaHealthError('LuaInvalidResult', `${where} returned a message that is not a string`);
  }
  return message ? { status: status as HealthStatusCode, message } : { status: status as HealthStatusCode };
}

function limitsOf(options: LuaHealthOptions, defaults: LuaLimits): LuaLimits {
  return {
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    memoryBytes: options.memoryBytes ?? defaults.memoryBytes,
  };
}

/** argocd-cm key suffix `resource.customizations.health.<group>_<kind>` -> group and kind. */
export function parseHealthCustomizationKey(key: string): { group: string; kind: string } | undefined {
  const i = key.lastIndexOf('_');
  if (i < 0 || i === key.length - 1) return undefined;
  return { group: key.slice(0, i), kind: key.slice(i + 1) };
}
