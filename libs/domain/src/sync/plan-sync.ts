import type { AppJqPaths } from '../diff/compare-app';
import { diffResource } from '../diff/diff-resource';
import type { IgnoreDifference } from '../diff/ignore-differences';
import { type KubeObject, resourceKey, resourceKeyString } from '../diff/kube-object';
import { applyIgnoredFromLive } from '../diff/respect-ignore-differences';
import {
  CREATE_NAMESPACE_REASON,
  type ManagedNamespaceMetadata,
  managedNamespaceObject,
} from './create-namespace';
import {
  HELM_HOOK_ANNOTATION,
  HOOK_ANNOTATION,
  type HookDeletePolicy,
  hookDeletePolicies,
  type HookType,
  hookTypes,
  isHook,
  isSkipped,
  PHASE_ORDER,
  type SyncPhase,
  syncPhasesOf,
} from './hook';
import { hookObjectFor, type HookNaming } from './hook-name';
import { crdsByDefinedKind, definedKindOf, kindKeyOf } from './crd-kinds';
import { kindRank } from './kind-order';
import { canonicalJson, stableHash } from './plan-id';
import { effectiveSyncOptions, type ResourceSyncOptions } from './sync-options';
import { SyncPlanError } from './sync-plan.error';
import { syncWave } from './sync-wave';

export type SyncAction = 'apply' | 'replace' | 'create' | 'prune' | 'skip';

export interface SyncTask {
  /** Unique within the plan and stable across replans of the same input. */
  id: string;
  /**
   * `group/kind/namespace/name`. A hook without a name is named per operation (`hookNaming`); without
   * `hookNaming` it keeps its generateName prefix as name (a preview).
   */
  key: string;
  phase: SyncPhase;
  wave: number;
  action: SyncAction;
  /** What to apply/create/replace (desired), or what to delete (live) for prune. */
  object?: KubeObject;
  /**
   * `generateName` of a hook the manifest did not name ('' when it gave neither name nor generateName): it
   * is named per operation, and BeforeHookCreation finds earlier operations' instances by it.
   */
  hook?: { types: HookType[]; deletePolicies: HookDeletePolicy[]; generateName?: string };
  syncOptions: ResourceSyncOptions;
  /** Why a task is skipped, in words for the sync result. */
  reason?: string;
  /** A prune marked Prune=confirm (on the resource or the app): it waits for a person's confirmation. */
  requiresPruneConfirmation?: true;
  /**
   * The name of the CustomResourceDefinition in this same sync that defines the task's kind: when the
   * cluster does not know the kind yet, the dry run is skipped (the CRD is applied first), as Argo CD does.
   */
  definedByCrd?: string;
}

export interface SyncWave {
  phase: SyncPhase;
  wave: number;
  tasks: SyncTask[];
}

export interface SyncPlan {
  planId: string;
  /**
   * CreateNamespace=true: the destination namespace, created (or given its managedNamespaceMetadata) alone
   * and first, before the dry run and any other task. Argo CD runs it as a PreSync task.
   */
  namespace?: SyncTask;
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
  /** Selective sync: only these resources, and no hooks. */
  resources?: readonly SelectedResource[];
  /** Argo CD's `apply` sync strategy: apply the resources, run no hooks. Default false (the `hook` strategy). */
  skipHooks?: boolean;
  /** Names hooks that have no name, per operation (hook-name.ts). */
  hookNaming?: HookNaming;
  /** `spec.syncPolicy.managedNamespaceMetadata`: set on the namespace CreateNamespace=true manages. */
  managedNamespaceMetadata?: ManagedNamespaceMetadata;
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
      // Hooks never run in a selective sync (docs/user-guide/selective_sync.md), nor with the apply strategy.
      if (options.resources || options.skipHooks) continue;
      const types = hookTypes(obj);
      const unnamed = typeof obj.metadata.name !== 'string' || obj.metadata.name === '';
      const hook = {
        types,
        deletePolicies: hookDeletePolicies(obj),
        ...(unnamed ? { generateName: obj.metadata.generateName ?? '' } : {}),
      };
      const phases = syncPhasesOf(obj);
      if (phases.length === 0) {
        // A hook is never applied as a resource: one whose phases Berth does not run is only reported.
        drafts.push({
          ...base,
          phase: 'Sync',
          wave: syncWave(obj),
          action: 'skip',
          reason: unrunnableHook(obj),
        });
        continue;
      }
      for (const phase of phases) {
        const object = hookObjectFor(obj, phase, options.hookNaming);
        drafts.push({
          ...base,
          key: resourceKeyString(object),
          name: object.metadata.name ?? base.name,
          phase,
          wave: syncWave(obj),
          action: 'create',
          object,
          hook,
        });
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
    else {
      // Prune=confirm: planned like any prune; the operation waits before the wave that runs it (nextStep).
      drafts.push({
        ...base,
        action: 'prune',
        ...(syncOptions.prune === 'confirm' ? { requiresPruneConfirmation: true as const } : {}),
      });
      pruneCount++;
    }
  }

  if (!options.allowEmpty && pruneCount > 0 && nonHookDesired === 0) {
    throw new SyncPlanError(
      'EmptyPlan',
      `refusing to sync: the plan would delete all ${pruneCount} resources and apply none (Git renders no resources); check the source path, or set syncPolicy.automated.allowEmpty=true if this is intended`,
    );
  }

  markKindsDefinedBySync(drafts, desired);
  reversePruneWaves(drafts);
  moveNamespacesFirst(drafts);
  moveCrdsFirst(drafts);
  return assemble(drafts, createNamespaceTask(liveByKey, desiredKeys, options));
}

/** Why a hook with no phase Berth runs is left alone, naming what it declared. */
function unrunnableHook(obj: KubeObject): string {
  const ann = obj.metadata.annotations ?? {};
  const declared =
    HOOK_ANNOTATION in ann
      ? `${HOOK_ANNOTATION}: "${ann[HOOK_ANNOTATION]}"${HELM_HOOK_ANNOTATION in ann ? `, ${HELM_HOOK_ANNOTATION}: "${ann[HELM_HOOK_ANNOTATION]}"` : ''}`
      : `${HELM_HOOK_ANNOTATION}: "${ann[HELM_HOOK_ANNOTATION]}"`;
  return `hook not run: ${declared} names no phase a sync runs (PreSync, Sync, PostSync, SyncFail; Helm's pre/post-install and pre/post-upgrade)`;
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

/**
 * CreateNamespace=true, as gitops-engine's autoCreateNamespace with Argo CD's syncNamespace: the destination
 * namespace is created when missing; with managedNamespaceMetadata it is also given those labels and
 * annotations (by server-side apply, so metadata others set stays) when it exists. A Namespace declared in
 * Git is synced as itself instead.
 */
function createNamespaceTask(
  liveByKey: ReadonlyMap<string, KubeObject>,
  desiredKeys: ReadonlySet<string>,
  options: PlanSyncOptions,
): DraftTask | undefined {
  const ns = options.destinationNamespace;
  const appOptions = effectiveSyncOptions(options.syncOptions);
  if (!ns || !appOptions.createNamespace) return undefined;
  const key = `/Namespace//${ns}`;
  if (desiredKeys.has(key)) return undefined;
  const metadata = options.managedNamespaceMetadata;
  const live = liveByKey.has(key);
  if (live && !metadata) return undefined;
  const object: KubeObject = metadata
    ? managedNamespaceObject(ns, metadata)
    : { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
  return {
    key,
    name: ns,
    kind: 'Namespace',
    namespace: '',
    phase: 'PreSync',
    wave: 0,
    action: metadata ? 'apply' : 'create',
    object,
    syncOptions: metadata ? effectiveSyncOptions(options.syncOptions, object) : appOptions,
    reason: CREATE_NAMESPACE_REASON,
  };
}

/** Tasks whose kind a CRD of this sync defines: their dry run is skipped while the cluster lacks the kind. */
function markKindsDefinedBySync(drafts: DraftTask[], desired: readonly KubeObject[]): void {
  const crds = crdsByDefinedKind(desired);
  if (crds.size === 0) return;
  for (const d of drafts) {
    if (d.action === 'prune' || d.action === 'skip' || !d.object) continue;
    const crd = crds.get(kindKeyOf(d.object));
    if (crd !== undefined) d.definedByCrd = crd;
  }
}

/**
 * A CRD must exist before any resource of the kind it defines, whatever their phases and waves say
 * (gitops-engine's syncTasks.Sort, adjustDeps): it moves to the phase and wave of the first such task, and
 * the kind order puts it ahead of that task there.
 */
function moveCrdsFirst(drafts: DraftTask[]): void {
  for (const crd of drafts.filter((d) => d.action !== 'prune' && d.action !== 'skip' && d.object)) {
    const defined = definedKindOf(crd.object!);
    if (!defined) continue;
    const earliest = drafts
      .filter(
        (d) =>
          d.action !== 'prune' &&
          d.action !== 'skip' &&
          d.phase !== 'SyncFail' &&
          d.object !== undefined &&
          kindKeyOf(d.object) === `${defined.group}/${defined.kind}`,
      )
      .sort(byPhaseWave)[0];
    if (earliest && byPhaseWave(earliest, crd) < 0) {
      crd.phase = earliest.phase;
      crd.wave = earliest.wave;
    }
  }
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

function assemble(drafts: DraftTask[], namespaceDraft: DraftTask | undefined): SyncPlan {
  const sorted = [...drafts].sort(byExecutionOrder);
  const used = new Map<string, number>();
  const waves: SyncWave[] = [];
  const syncFailWaves: SyncWave[] = [];
  const toTask = (d: DraftTask): SyncTask => {
    const baseId = `${d.phase}:${d.wave}:${d.action}:${d.key}`;
    const n = used.get(baseId) ?? 0;
    used.set(baseId, n + 1);
    const { name: _name, kind: _kind, namespace: _namespace, ...task } = d;
    return { id: n === 0 ? baseId : `${baseId}#${n}`, ...task };
  };
  const namespace = namespaceDraft ? toTask(namespaceDraft) : undefined;
  for (const d of sorted) {
    const full = toTask(d);
    const list = d.phase === 'SyncFail' ? syncFailWaves : waves;
    const last = list[list.length - 1];
    if (last && last.phase === d.phase && last.wave === d.wave) last.tasks.push(full);
    else list.push({ phase: d.phase, wave: d.wave, tasks: [full] });
  }
  const planId = stableHash(canonicalJson({ namespace, waves, syncFailWaves }));
  return { planId, ...(namespace ? { namespace } : {}), waves, syncFailWaves };
}
