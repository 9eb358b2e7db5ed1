import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  builtinHealthChecks,
  groupOf,
  HealthCheckRegistry,
  healthOf,
  isKubeObject,
  type KubeObject,
} from '@berth/domain';
import { LuaHealthRunner } from '@berth/infra';
import type { BenchFigure, ScenarioOutcome } from '../bench-report';
import type { ScenarioContext } from './scenario-context';

/** Argo CD community scripts from the Lua fixtures, the ones the Lua objects below are for. */
const LUA_SCRIPTS = [
  { group: 'cert-manager.io', kind: 'Certificate', path: 'cert-manager.io/Certificate/health.lua' },
  { group: '_.crossplane.io', kind: '_', path: '_.crossplane.io/_/health.lua' },
  { group: 'jetstream.nats.io', kind: 'Consumer', path: 'jetstream.nats.io/Consumer/health.lua' },
];

export interface HealthBenchSet {
  registry: HealthCheckRegistry;
  builtin: KubeObject[];
  lua: KubeObject[];
  /** Kinds with no script and no built-in check: the status-conditions rule decides. */
  conditions: KubeObject[];
}

export interface HealthRate {
  checks: number;
  seconds: number;
  perSecond: number;
}

/**
 * The objects and scripts of the health figures, from the repository's health fixtures (objects as the
 * API server returns them, nulls included): gitops-engine's kinds, CRDs judged by Argo CD's Lua scripts,
 * and custom resources judged by the conditions rule.
 */
export async function loadHealthBenchSet(root: string): Promise<HealthBenchSet> {
  const luaDir = join(root, 'libs/infra/src/lua/testdata');
  const registry = await LuaHealthRunner.create().register(
    new HealthCheckRegistry(),
    await Promise.all(
      LUA_SCRIPTS.map(async (s) => ({
        group: s.group,
        kind: s.kind,
        script: await readFile(join(luaDir, 'resource_customizations', s.path), 'utf8'),
      })),
    ),
  );
  const builtins = builtinHealthChecks();
  const set: HealthBenchSet = { registry, builtin: [], lua: [], conditions: [] };
  const objects = [
    ...(await readObjects(join(root, 'libs/domain/src/health/testdata'))),
    ...(await readObjects(join(luaDir, 'objects'))),
  ];
  for (const obj of objects) {
    const group = groupOf(obj.apiVersion);
    if (registry.get(group, obj.kind)) set.lua.push(obj);
    else if (builtins.get(group, obj.kind)) set.builtin.push(obj);
    else set.conditions.push(obj);
  }
  return set;
}

/** Health checks per second over `objects`, round after round, for about `seconds`. */
export function measureHealthChecks(
  objects: readonly KubeObject[],
  registry: HealthCheckRegistry,
  seconds: number,
): HealthRate {
  if (objects.length === 0) return { checks: 0, seconds: 0, perSecond: 0 };
  const started = performance.now();
  const until = started + seconds * 1000;
  let checks = 0;
  do {
    for (const obj of objects) healthOf(obj, registry);
    checks += objects.length;
  } while (performance.now() < until);
  const elapsed = (performance.now() - started) / 1000;
  return { checks, seconds: elapsed, perSecond: checks / elapsed };
}

const SECONDS = 3;

/**
 * Health assessment alone, in this process (it is pure and synchronous in the worker too): checks/s
 * over the mixed fixture set, then over its built-in and Lua parts. A Lua check that comes back Unknown
 * fails the scenario: the figure must be of scripts doing their work, not of errors.
 */
export async function runHealth(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const started = Date.now();
  ctx.progress.begin('health: loading fixtures and Lua scripts', 1);
  const set = await loadHealthBenchSet(ctx.root);
  const mixed = [...set.builtin, ...set.lua, ...set.conditions];
  const unknown = set.lua.filter((obj) => healthOf(obj, set.registry).status === 'Unknown');
  if (unknown.length > 0) {
    const first = unknown[0]!;
    throw new Error(
      `Lua health is Unknown for ${first.kind} ${first.metadata.name}: ${healthOf(first, set.registry).message ?? ''}`,
    );
  }
  // Warm-up: JIT, the Lua state, the compiled scripts.
  measureHealthChecks(mixed, set.registry, 1);
  ctx.progress.begin('health: measuring', 3);
  const all = measureHealthChecks(mixed, set.registry, SECONDS);
  ctx.progress.update(1);
  const builtin = measureHealthChecks(set.builtin, set.registry, SECONDS);
  ctx.progress.update(2);
  const lua = measureHealthChecks(set.lua, set.registry, SECONDS);
  ctx.progress.end();
  const figures: BenchFigure[] = [
    {
      scenario: 'health',
      name: 'health checks, mixed set',
      value: all.perSecond,
      unit: 'checks/s',
      note: `${set.builtin.length} built-in, ${set.lua.length} Lua, ${set.conditions.length} conditions-rule objects; one thread`,
    },
    {
      scenario: 'health',
      name: 'health checks, built-in kinds',
      value: builtin.perSecond,
      unit: 'checks/s',
    },
    {
      scenario: 'health',
      name: 'health checks, Lua scripts',
      value: lua.perSecond,
      unit: 'checks/s',
      note: 'Argo CD scripts on wasmoon, fresh environment per check',
    },
  ];
  return {
    scenario: 'health',
    status: 'ok',
    seconds: (Date.now() - started) / 1000,
    figures,
    details: {
      mixed: all,
      builtin,
      lua,
      objects: { builtin: set.builtin.length, lua: set.lua.length, conditions: set.conditions.length },
    },
  };
}

async function readObjects(dir: string): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    const doc: unknown = parse(await readFile(join(dir, file), 'utf8'));
    if (isKubeObject(doc)) objects.push(doc);
  }
  return objects;
}
