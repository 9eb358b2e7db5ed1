import type { HealthStatus, HealthStatusCode } from '../health/health-status';
import type { SyncPhase } from './hook';
import type { SyncPlan, SyncTask } from './plan-sync';

export type NextStep =
  /** Run these tasks (the not yet completed tasks of the current wave). */
  | { kind: 'run'; phase: SyncPhase; wave: number; tasks: SyncTask[] }
  /**
   * Every task of the wave ran; wait until these resources are healthy (hooks: finished), then ask again.
   * `waitingFor` holds one task per key, in plan order (the first one names the wait in messages).
   */
  | { kind: 'waitForHealth'; phase: SyncPhase; wave: number; keys: string[]; waitingFor: SyncTask[] }
  /** The wave prunes resources marked Prune=confirm: nothing of it runs before a person confirms. */
  | { kind: 'waitForPruneConfirmation'; phase: SyncPhase; wave: number; tasks: SyncTask[] }
  /** Succeeded: `deleteHooks` are this operation's hooks with HookSucceeded, deleted now (not before). */
  | { kind: 'done'; deleteHooks: SyncTask[] }
  /**
   * The operation failed (`reason`). First the SyncFail hooks run (`syncFailTasks`), then they are waited
   * for (`waitingFor`); when both are empty the failure is final: `syncFailFailures` says which SyncFail
   * hooks failed, and `deleteHooks` are this operation's hooks with HookFailed, deleted now.
   */
  | {
      kind: 'failed';
      reason: string;
      syncFailTasks: SyncTask[];
      waitingFor: SyncTask[];
      syncFailFailures: string[];
      deleteHooks: SyncTask[];
    };

export interface SyncProgress {
  /** Ids of tasks that finished (applied, created, pruned). */
  completed: ReadonlySet<string>;
  /** Health per task key, from the latest observation of the live objects. */
  healthByKey: ReadonlyMap<string, HealthStatus | HealthStatusCode>;
  /** Ids of tasks whose apply/prune call failed. */
  failed?: ReadonlyMap<string, string> | ReadonlySet<string>;
  /** A person confirmed the prunes marked Prune=confirm (Argo CD's deletion-approved). */
  pruneConfirmed?: boolean;
  /** Keys of applied or created objects the latest observation did not find: deleted since. */
  gone?: ReadonlySet<string>;
}

const READY: ReadonlySet<HealthStatusCode> = new Set(['Healthy', 'Suspended']);

function code(h: HealthStatus | HealthStatusCode | undefined): HealthStatusCode | undefined {
  return typeof h === 'string' ? h : h?.status;
}

function healthMessage(h: HealthStatus | HealthStatusCode | undefined): string | undefined {
  return typeof h === 'string' ? undefined : h?.message || undefined;
}

/**
 * The pure state machine a sync worker drives. Given what is already done, it says what to do
 * next, so a worker that died mid-sync resumes from the recorded position. A wave's resources
 * must be Healthy (or Suspended) before the next wave starts; in the last wave only hooks are
 * waited for, as Argo CD does. A Degraded resource or a failed task fails the operation, which then
 * runs its SyncFail hooks and waits for them. Hook delete policies act on the operation's outcome,
 * as gitops-engine applies them: nothing is deleted while a phase runs.
 */
export function nextStep(plan: SyncPlan, progress: SyncProgress): NextStep {
  for (const [i, wave] of plan.waves.entries()) {
    const failedTask = wave.tasks.find((t) => progress.failed?.has(t.id));
    if (failedTask) {
      const detail = failureOf(progress, failedTask);
      return failed(
        plan,
        progress,
        `${failedTask.action} of ${failedTask.key} failed${detail ? `: ${detail}` : ''}`,
      );
    }
    const pending = wave.tasks.filter((t) => t.action !== 'skip' && !progress.completed.has(t.id));
    if (pending.length > 0) {
      const toConfirm = pending.filter((t) => t.requiresPruneConfirmation);
      if (toConfirm.length > 0 && !progress.pruneConfirmed)
        return { kind: 'waitForPruneConfirmation', phase: wave.phase, wave: wave.wave, tasks: toConfirm };
      return { kind: 'run', phase: wave.phase, wave: wave.wave, tasks: pending };
    }
    const isLast = i === plan.waves.length - 1;
    const watched = wave.tasks.filter(
      (t) => t.action !== 'skip' && t.action !== 'prune' && (!isLast || t.hook),
    );
    const waiting = new Map<string, SyncTask>();
    for (const t of watched) {
      const h = progress.healthByKey.get(t.key);
      const problem = failureOfRunning(t, h, progress.gone);
      if (problem) return failed(plan, progress, problem);
      const c = code(h);
      if ((!c || !READY.has(c)) && !waiting.has(t.key)) waiting.set(t.key, t);
    }
    if (waiting.size > 0)
      return {
        kind: 'waitForHealth',
        phase: wave.phase,
        wave: wave.wave,
        keys: [...waiting.keys()],
        waitingFor: [...waiting.values()],
      };
  }
  return { kind: 'done', deleteHooks: createdHooks(plan, progress, 'HookSucceeded') };
}

/**
 * A task that ran and can no longer succeed, as gitops-engine judges it: Degraded; a hook whose health is
 * Unknown (getOperationPhase: failed); an object gone since it was applied ("is missing, it might have been
 * deleted"), instead of waiting for it until the wave times out.
 */
function failureOfRunning(
  t: SyncTask,
  h: HealthStatus | HealthStatusCode | undefined,
  gone: ReadonlySet<string> | undefined,
): string | undefined {
  const c = code(h);
  const what = t.hook ? `${t.phase} hook ${t.key}` : t.key;
  const message = healthMessage(h);
  if (gone?.has(t.key)) return `${what} is missing, it might have been deleted`;
  if (c === 'Degraded' || (c === 'Unknown' && t.hook))
    return `${what} is ${c}${message ? `: ${message}` : ''}`;
  return undefined;
}

function failureOf(progress: SyncProgress, task: SyncTask): string | undefined {
  return progress.failed && 'get' in progress.failed ? progress.failed.get(task.id) : undefined;
}

/**
 * The failure path (gitops-engine's setOperationFailed): run the SyncFail hooks once, wait until they have
 * finished, then fail for good with their failures in the message.
 */
function failed(plan: SyncPlan, progress: SyncProgress, reason: string): NextStep {
  const syncFail = plan.syncFailWaves.flatMap((w) => w.tasks).filter((t) => t.action !== 'skip');
  const syncFailTasks = syncFail.filter((t) => !progress.completed.has(t.id) && !progress.failed?.has(t.id));
  const waitingFor: SyncTask[] = [];
  const syncFailFailures: string[] = [];
  for (const t of syncFail) {
    if (progress.failed?.has(t.id)) {
      const detail = failureOf(progress, t);
      syncFailFailures.push(`${t.action} of ${t.key} failed${detail ? `: ${detail}` : ''}`);
      continue;
    }
    if (!progress.completed.has(t.id)) continue;
    const h = progress.healthByKey.get(t.key);
    const c = code(h);
    const problem = failureOfRunning(t, h, progress.gone);
    if (problem) {
      syncFailFailures.push(problem);
    } else if (!c || !READY.has(c)) {
      if (!waitingFor.some((w) => w.key === t.key)) waitingFor.push(t);
    }
  }
  const final = syncFailTasks.length === 0 && waitingFor.length === 0;
  return {
    kind: 'failed',
    reason,
    syncFailTasks,
    waitingFor: syncFailTasks.length === 0 ? waitingFor : [],
    syncFailFailures,
    deleteHooks: final ? createdHooks(plan, progress, 'HookFailed') : [],
  };
}

/** The hooks this operation created whose delete policy matches its outcome (one task per object). */
function createdHooks(
  plan: SyncPlan,
  progress: SyncProgress,
  policy: 'HookSucceeded' | 'HookFailed',
): SyncTask[] {
  const seen = new Set<string>();
  const out: SyncTask[] = [];
  for (const t of [...plan.waves, ...plan.syncFailWaves].flatMap((w) => w.tasks)) {
    if (!t.hook || !progress.completed.has(t.id) || !t.hook.deletePolicies.includes(policy)) continue;
    if (seen.has(t.key)) continue;
    seen.add(t.key);
    out.push(t);
  }
  return out;
}
