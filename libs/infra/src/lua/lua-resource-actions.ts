import { actionResultPatch, DomainError, type KubeObject, type ResourceAction } from '@berth/domain';
import { BUILTIN_RESOURCE_ACTIONS } from './builtin-resource-actions';
import { LuaSandbox } from './lua-sandbox';
import type { LuaActionScripts } from './lua-action-scripts';
import type { LuaLimits, LuaRunResult, LuaScript } from './lua-state';

export type { LuaActionScripts };

export interface LuaActionOptions {
  /** Longest one script may run. Default 1000 ms, as health checks (Argo CD's fixed Lua limit). */
  timeoutMs?: number;
  /** Memory one run may allocate. Default 64 MiB, as health checks. */
  memoryBytes?: number;
}

/** What running an action asks of the cluster. */
export interface ActionOutcome {
  /** The JSON merge patch from the live object to the action's result; `{}` when it changes nothing. */
  patch: Record<string, unknown>;
}

interface CompiledActions {
  /** Run in order; a later script's action of the same name wins. */
  discovery: readonly LuaScript[];
  actions: ReadonlyMap<string, LuaScript>;
}

const DEFAULT_LIMITS: LuaLimits = { timeoutMs: 1000, memoryBytes: 64 * 1024 * 1024 };

/**
 * Runs Argo CD resource actions: the built-in ones (`restart` of Deployments, StatefulSets and DaemonSets,
 * `pause`/`resume` of Deployments) and the customizations given, in the Lua sandbox the health checks use
 * (same limits, a fresh environment per run, no files, processes or network). A customization for a
 * group/kind replaces the built-in actions of that kind, as Argo CD's does (without mergeBuiltinActions).
 * Scripts run one at a time; each is compiled once.
 */
export class LuaActionRunner {
  private readonly byKind = new Map<string, CompiledActions>();

  private constructor(
    layers: ReadonlyArray<readonly LuaActionScripts[]>,
    private readonly limits: LuaLimits,
    private readonly sandbox: () => Promise<LuaSandbox>,
  ) {
    for (const s of [BUILTIN_RESOURCE_ACTIONS, ...layers].flat()) {
      const prefix = `${s.group ? `${s.group}/` : ''}${s.kind}/actions`;
      const key = kindKey(s.group, s.kind);
      const below = s.mergeBuiltinActions ? this.byKind.get(key) : undefined;
      const actions = new Map(below?.actions);
      for (const [name, source] of Object.entries(s.actions))
        actions.set(name, { name: `${prefix}/${name}/action.lua`, source });
      this.byKind.set(key, {
        discovery: [...(below?.discovery ?? []), { name: `${prefix}/discovery.lua`, source: s.discovery }],
        actions,
      });
    }
  }

  /**
   * `layers` of customizations, each over the ones before it and over the built-in actions: a kind in a later
   * layer replaces the kind's actions below it, unless it sets mergeBuiltinActions.
   */
  static create(
    layers: ReadonlyArray<readonly LuaActionScripts[]> = [],
    options: LuaActionOptions = {},
  ): LuaActionRunner {
    let sandbox: Promise<LuaSandbox> | undefined;
    return new LuaActionRunner(layers, limitsOf(options), () => (sandbox ??= LuaSandbox.create()));
  }

  /** A runner with other customizations on the same Lua engine (the argocd-cm keys were edited). */
  with(layers: ReadonlyArray<readonly LuaActionScripts[]>): LuaActionRunner {
    return new LuaActionRunner(layers, this.limits, this.sandbox);
  }

  /** The actions `obj` offers now, by name (Argo CD's ListResourceActions); [] for a kind without actions. */
  async discover(obj: KubeObject): Promise<ResourceAction[]> {
    const scripts = this.byKind.get(kindKey(groupOf(obj.apiVersion), obj.kind));
    if (!scripts) return [];
    const sandbox = await this.sandbox();
    const byName = new Map<string, ResourceAction>();
    for (const discovery of scripts.discovery) {
      const value = valueOf(sandbox.run(discovery, obj, this.limits), discovery.name, this.limits);
      for (const action of actionsOf(value, discovery.name)) byName.set(action.name, action);
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Runs `action` on `obj` (Argo CD's RunResourceAction): 400 when the object does not offer it (the answer
   * names the actions it does offer), 409 when it is disabled for the object as it is, or when the script
   * fails or returns something other than the object.
   */
  async run(obj: KubeObject, action: string): Promise<ActionOutcome> {
    const offered = await this.discover(obj);
    const found = offered.find((a) => a.name === action);
    const what = `${obj.kind} "${obj.metadata.name}"`;
    if (!found)
      throw new DomainError(
        'Invalid',
        `${what} has no action "${action}"; ${offered.length > 0 ? `its actions are ${offered.map((a) => a.name).join(', ')}` : 'its kind has no actions'}`,
        { issues: [{ field: 'action', message: `"${action}" is not an action of ${what}` }] },
      );
    if (found.disabled)
      throw new DomainError(
        'Conflict',
        `action "${action}" is disabled for ${what} as it is now (its discovery.lua says so)`,
      );
    const script = this.byKind.get(kindKey(groupOf(obj.apiVersion), obj.kind))?.actions.get(action);
    if (!script)
      throw new DomainError(
        'Conflict',
        `the discovery.lua of ${obj.kind} offers "${action}" but there is no ${action}/action.lua`,
      );
    const sandbox = await this.sandbox();
    const result = valueOf(sandbox.run(script, obj, this.limits), script.name, this.limits);
    return { patch: actionResultPatch(obj, result, script.name) };
  }
}

function limitsOf(options: LuaActionOptions): LuaLimits {
  return {
    timeoutMs: options.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    memoryBytes: options.memoryBytes ?? DEFAULT_LIMITS.memoryBytes,
  };
}

function kindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** A run's value, or the 409 that says why there is none (the object's state made the script fail). */
function valueOf(result: LuaRunResult, where: string, limits: LuaLimits): unknown {
  switch (result.outcome) {
    case 'returned':
      return result.value;
    case 'failed':
      throw new DomainError('Conflict', `${where} failed: ${result.message}`);
    case 'timedOut':
      throw new DomainError('Conflict', `${where} ran longer than ${limits.timeoutMs} ms and was stopped`);
    case 'outOfMemory':
      throw new DomainError(
        'Conflict',
        `${where} used more than ${Math.round(limits.memoryBytes / 1024 / 1024)} MiB of memory and was stopped`,
      );
    case 'crashed':
      throw new DomainError(
        'Conflict',
        `the Lua engine failed while running ${where} (${result.message}); it was restarted, try again`,
      );
  }
}

/** `{restart = {}, resume = {disabled = true}}` -> ResourceActions. */
function actionsOf(value: unknown, where: string): ResourceAction[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DomainError('Conflict', `${where} must return a table of actions by name`);
  const actions: ResourceAction[] = [];
  for (const [name, spec] of Object.entries(value as Record<string, unknown>)) {
    const action: ResourceAction = { name };
    // `{}` and Argo CD's older `{paused}` (a list) both mean "offered, enabled".
    if (spec && typeof spec === 'object' && !Array.isArray(spec)) {
      const s = spec as Record<string, unknown>;
      if (s['disabled'] === true) action.disabled = true;
      if (typeof s['iconClass'] === 'string') action.iconClass = s['iconClass'];
      if (typeof s['displayName'] === 'string') action.displayName = s['displayName'];
    }
    actions.push(action);
  }
  return actions;
}
