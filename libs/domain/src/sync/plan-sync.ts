import type { AppJqPaths } from '../diff/compare-app';
import { diffResource } from '../diff/diff-resource';
import type { IgnoreDifference } from '../diff/ignore-differences';
import { type KubeObject, resourceKey, resourceKeyString } from '../diff/kube-object';
import { applyIgnoredFromLive } from '../diff/respect-ignore-differences';
import {
  type HookDeletePolicy,
  hookDeletePolicies,
  type HookType,
  hookTypes,
  isHook,
  isSkipped,
  PHASE_ORDER,
  type SyncPhase,
} from './hook';
import { kindRank } from './kind-order';
import { canonicalJson, stableHash } from './plan-id';
import { effectiveSyncOptions, type ResourceSyncOptions } from './sync-options';
import { SyncPlanError } from './sync-plan.error';
import { syncWave } from './sync-wave';

export type SyncAction = 'apply' | 'replace' | 'create' | 'prune' | 'skip';

export interface SyncTask {
  /** Unique within the plan and stable across replans of the same input. */
  id: string;
  /** `group/kind/namespace/name`; a generateName hook uses its generateName prefix as name. */
  key: string;
  phase: SyncPhase;
  wave: number;
  action: SyncAction;
  /** What to apply/create/replace (desired), or what to delete (live) for prune. */
  object?: KubeObject;
  hook?: { types: HookType[]; deletePolicies: HookDeletePolicy[] };
  syncOptions: ResourceSyncOptions;
  /** Why a task is skipped, in words for the sync result. */
  reason?: string;
}

export interface SyncWave {
  phase: SyncPhase;
  wave: number;
  tasks: SyncTask[];
}

export interface SyncPlan {
  planId: string;
  /** PreSync, Sync, PostSync waves in execution order. */
  waves: SyncWave[];
  /** SyncFail hooks: run only when the operation fails. */
  syncFailWaves: SyncWave[];
}

/** Selective sync entry (`argocd app sync --resource group:kind:name`). */
export interface SelectedResource {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface PlanSyncOptions {
  /** The app's `syncPolicy.syncOptions` (e.g. ["CreateNamespace=true", "PruneLast=true"]). */
  syncOptions?: readonly string[];
  /** Whether this operation may delete resources no longer in Git. Default false, as in Argo CD. */
  prune?: boolean;
  /** Approval was given for resources marked Prune=confirm. */
  pruneConfirmed?: boolean;
  /** Selective sync: only these resources, and no hooks. */
  resources?: readonly SelectedResource[];
  /** Keys the last sync applied (`group/kind/namespace/name`); default: every live object given. */
  inventory?: readonly string[];
  /** Allow a plan that deletes everything and applies nothing. Default false. */
  allowEmpty?: boolean;
  /** `destination.namespace`, created first when CreateNamespace=true. */
  destinationNamespace?: string;
  ignoreDifferences?: readonly IgnoreDifference[];
  /** The ignoreDifferences jq paths, resolved with resolveAppJqPaths(); needed when a rule has jqPathExpressions. */
  jqPaths?: AppJqPaths;
  /** Keys known to be OutOfSync (for ApplyOutOfSyncOnly); computed with diffResource when omitted. */
  outOfSyncKeys?: ReadonlySet<string>;
  /** Keys another app already manages -> that app's name (for FailOnSharedResource). */
  sharedResourceOwners?: ReadonlyMap<string, string>;
}

type DraftTask = Omit<SyncTask, 'id'> & { name: string; kind: string; namespace: string };

/**
 * Orders a sync like gitops-engine's sync_tasks.go: phase (PreSync, Sync, PostSync), then wave,
 * then Helm kind order, then name; prunes run in reverse wave and kind order (PruneLast ones in
 * a final wave), and a Namespace moves ahead of anything inside it.
 */
export function planSync(
  desired: readonly KubeObject[],
  live: readonly KubeObject[],
  options: PlanSyncOptions = {},
): SyncPlan {
  const liveByKey = new Map(live.map((o) => [resourceKeyString(o), o] as const));
  const selected = (obj: KubeObject): boolean =>
    !options.resources || options.resources.some((r) => selects(r, obj));
  const drafts: DraftTask[] = [];
  const desiredKeys = new Set<string>();
  let nonHookDesired = 0;

  for (const obj of desired) {
    const key = resourceKeyString(obj);
    desiredKeys.add(key);
    if (!selected(obj)) continue;
    const syncOptions = effectiveSyncOptions(options.syncOptions, obj);
    const base = {
      key,
      syncOptions,
      name: obj.metadata.name ?? obj.metadata.generateName ?? '',
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
    };
    if (isSkipped(obj)) {
      drafts.push({ ...base, phase: 'Sync', wave: syncWave(obj), action: 'skip', reason: 'hook type Skip' });
      continue;
    }
    if (isHook(obj)) {
      // Hooks never run in a selective sync (docs/user-guide/selective_sync.md).
      if (options.resources) continue;
      const types = hookTypes(obj);
      const hook = { types, deletePolicies: hookDeletePolicies(obj) };
      for (const phase of types.filter((t): t is SyncPhase => t in PHASE_ORDER)) {
        drafts.push({ ...base, phase, wave: syncWave(obj), action: 'create', object: obj, hook });
      }
      continue;
    }
    nonHookDesired++;
    const owner = options.sharedResourceOwners?.get(key);
    if (owner !== undefined && syncOptions.failOnSharedResource) {
      throw new SyncPlanError(
        'SharedResource',
        `${key} is already managed by application "${owner}"; FailOnSharedResource=true refuses to take it over (remove the resource from one of the apps)`,
      );
    }
    const liveObj = liveByKey.get(key);
    const object =
      syncOptions.respectIgnoreDifferences && liveObj
        ? applyIgnoredFromLive(obj, liveObj, options.ignoreDifferences, options.jqPaths?.byKey.get(key))
        : obj;
    let action: SyncAction = syncOptions.replace ? (liveObj ? 'replace' : 'create') : 'apply';
    let reason: string | undefined;
    if (syncOptions.applyOutOfSyncOnly && liveObj && !isOutOfSync(key, obj, liveObj, options)) {
      action = 'skip';
      reason = 'already Synced (ApplyOutOfSyncOnly=true)';
    }
    drafts.push({
      ...base,
      phase: 'Sync',
      wave: syncWave(obj),
      action,
      object,
      ...(reason ? { reason } : {}),
    });
  }

  const inventory = options.inventory ?? [...liveByKey.keys()];
  let pruneCount = 0;
  for (const key of inventory) {
    const liveObj = liveByKey.get(key);
    if (desiredKeys.has(key) || !liveObj || isHook(liveObj) || !selected(liveObj)) continue;
    const syncOptions = effectiveSyncOptions(options.syncOptions, liveObj);
    const k = resourceKey(liveObj);
    const base = {
      key,
      syncOptions,
      name: k.name,
      kind: k.kind,
      namespace: k.namespace,
      phase: 'Sync' as const,
      wave: syncWave(liveObj),
      object: liveObj,
    };
    if (!options.prune) drafts.push({ ...base, action: 'skip', reason: 'ignored (requires pruning)' });
    else if (syncOptions.prune === 'false')
      drafts.push({ ...base, action: 'skip', reason: 'ignored (no prune: Prune=false)' });
    else if (syncOptions.prune === 'confirm' && !options.pruneConfirmed) {
      drafts.push({ ...base, action: 'skip', reason: 'waiting for prune confirmation (Prune=confirm)' });
    } else {
      drafts.push({ ...base, action: 'prune' });
      pruneCount++;
    }
  }

  if (!options.allowEmpty && pruneCount > 0 && nonHookDesired === 0) {
    throw new SyncPlanError(
      'EmptyPlan',
      `refusing to sync: the plan would delete all ${pruneCount} resources and apply none (Git renders no resources); check the source path, or set syncPolicy.automated.allowEmpty=true if this is intended`,
    );
  }

  addCreateNamespace(drafts, liveByKey, desiredKeys, options);
  reversePruneWaves(drafts);
  moveNamespacesFirst(drafts);
  return assemble(drafts);
}

function selects(r: SelectedResource, obj: KubeObject): boolean {
  const k = resourceKey(obj);
  return (
    r.group === k.group &&
    r.kind === k.kind &&
    r.name === k.name &&
    (r.namespace === undefined || r.namespace === k.namespace)
  );
}

function isOutOfSync(key: string, desired: KubeObject, live: KubeObject, options: PlanSyncOptions): boolean {
  if (options.outOfSyncKeys) return options.outOfSyncKeys.has(key);
  return (
    diffResource(desired, live, {
      ignoreDifferences: options.ignoreDifferences,
      jqPaths: options.jqPaths?.byKey.get(key),
    }).status === 'OutOfSync'
  );
}

function addCreateNamespace(
  drafts: DraftTask[],
  liveByKey: ReadonlyMap<string, KubeObject>,
  desiredKeys: ReadonlySet<string>,
  options: PlanSyncOptions,
): void {
  const ns = options.destinationNamespace;
  const appOptions = effectiveSyncOptions(options.syncOptions);
  if (!ns || !appOptions.createNamespace) return;
  const key = `/Namespace//${ns}`;
  if (desiredKeys.has(key) || liveByKey.has(key)) return;
  const first = [...drafts].sort(byPhaseWave)[0];
  drafts.push({
    key,
    name: ns,
    kind: 'Namespace',
    namespace: '',
    phase: first?.phase ?? 'Sync',
    wave: first?.wave ?? 0,
    action: 'create',
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    syncOptions: appOptions,
    reason: 'CreateNamespace=true',
  });
}

/** Prunes delete dependents first: the highest wave's prunes take the lowest prune slot; PruneLast goes after everything. */
function reversePruneWaves(drafts: DraftTask[]): void {
  const prunes = drafts.filter((d) => d.action === 'prune');
  const waves = [...new Set(prunes.filter((d) => !d.syncOptions.pruneLast).map((d) => d.wave))].sort(
    (a, b) => a - b,
  );
  const slot = new Map(waves.map((w, i) => [w, waves[waves.length - 1 - i]!] as const));
  const lastWave = Math.max(0, ...drafts.filter((d) => d.phase === 'Sync').map((d) => d.wave));
  for (const p of prunes) p.wave = p.syncOptions.pruneLast ? lastWave + 1 : slot.get(p.wave)!;
}

/** A Namespace created by this sync must exist before anything in it, whatever their waves say. */
function moveNamespacesFirst(drafts: DraftTask[]): void {
  for (const ns of drafts.filter(
    (d) => d.kind === 'Namespace' && d.action !== 'prune' && d.action !== 'skip',
  )) {
    const earliest = drafts
      .filter((d) => d.namespace === ns.name && d.action !== 'prune' && d.phase !== 'SyncFail')
      .sort(byPhaseWave)[0];
    if (earliest && byPhaseWave(earliest, ns) < 0) {
      ns.phase = earliest.phase;
      ns.wave = earliest.wave;
    }
  }
}

function byPhaseWave(a: { phase: SyncPhase; wave: number }, b: { phase: SyncPhase; wave: number }): number {
  return PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || a.wave - b.wave;
}

function byExecutionOrder(a: DraftTask, b: DraftTask): number {
  const pa = a.action === 'prune' ? 1 : 0;
  const pb = b.action === 'prune' ? 1 : 0;
  const kind =
    pa === 1 && pb === 1 ? kindRank(b.kind) - kindRank(a.kind) : kindRank(a.kind) - kindRank(b.kind);
  return (
    byPhaseWave(a, b) ||
    pa - pb ||
    kind ||
    cmp(a.name, b.name) ||
    cmp(a.namespace, b.namespace) ||
    cmp(a.key, b.key)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assemble(drafts: DraftTask[]): SyncPlan {
  const sorted = [...drafts].sort(byExecutionOrder);
  const used = new Map<string, number>();
  const waves: SyncWave[] = [];
  const syncFailWaves: SyncWave[] = [];
  for (const d of sorted) {
    const baseId = `${d.phase}:${d.wave}:${d.action}:${d.key}`;
    const n = used.get(baseId) ?? 0;
    used.set(baseId, n + 1);
    const { name: _name, kind: _kind, namespace: _namespace, ...task } = d;
    const full: SyncTask = { id: n === 0 ? baseId : `${baseId}#${n}`, ...task };
    const list = d.phase === 'SyncFail' ? syncFailWaves : waves;
    const last = list[list.length - 1];
    if (last && last.phase === d.phase && last.wave === d.wave) last.tasks.push(full);
    else list.push({ phase: d.phase, wave: d.wave, tasks: [full] });
  }
  const planId = stableHash(canonicalJson({ waves, syncFailWaves }));
  return { planId, waves, syncFailWaves };
}
