import type { HealthStatus, HealthStatusCode } from '../health/health-status';
import type { SyncPhase } from './hook';
import type { SyncPlan, SyncTask } from './plan-sync';

export type NextStep =
  /** Run these tasks (the not yet completed tasks of the current wave). */
  | { kind: 'run'; phase: SyncPhase; wave: number; tasks: SyncTask[] }
  /** Every task of the wave ran; wait until these resources are healthy, then ask again. */
  | { kind: 'waitForHealth'; phase: SyncPhase; wave: number; keys: string[] }
  | { kind: 'done' }
  /** Stop; run `syncFailTasks` (SyncFail hooks not yet completed) before recording the failure. */
  | { kind: 'failed'; reason: string; syncFailTasks: SyncTask[] };

export interface SyncProgress {
  /** Ids of tasks that finished (applied, created, pruned). */
  completed: ReadonlySet<string>;
  /** Health per task key, from the latest observation of the live objects. */
  healthByKey: ReadonlyMap<string, HealthStatus | HealthStatusCode>;
  /** Ids of tasks whose apply/prune call failed. */
  failed?: ReadonlyMap<string, string> | ReadonlySet<string>;
}

const READY: ReadonlySet<HealthStatusCode> = new Set(['Healthy', 'Suspended']);

function code(h: HealthStatus | HealthStatusCode | undefined): HealthStatusCode | undefined {
  return typeof h === 'string' ? h : h?.status;
}

/**
 * The pure state machine a sync worker drives. Given what is already done, it says what to do
 * next, so a worker that died mid-sync resumes from the recorded position. A wave's resources
 * must be Healthy (or Suspended) before the next wave starts; in the last wave only hooks are
 * waited for, as Argo CD does. A Degraded resource or a failed task fails the operation.
 */
export function nextStep(plan: SyncPlan, progress: SyncProgress): NextStep {
  const failed = (reason: string): NextStep => ({
    kind: 'failed',
    reason,
    syncFailTasks: plan.syncFailWaves.flatMap((w) => w.tasks).filter((t) => !progress.completed.has(t.id)),
  });
  for (const [i, wave] of plan.waves.entries()) {
    const failedTask = wave.tasks.find((t) => progress.failed?.has(t.id));
    if (failedTask) {
      const detail =
        progress.failed && 'get' in progress.failed ? progress.failed.get(failedTask.id) : undefined;
      return failed(`${failedTask.action} of ${failedTask.key} failed${detail ? `: ${detail}` : ''}`);
    }
    const pending = wave.tasks.filter((t) => t.action !== 'skip' && !progress.completed.has(t.id));
    if (pending.length > 0) return { kind: 'run', phase: wave.phase, wave: wave.wave, tasks: pending };
    const isLast = i === plan.waves.length - 1;
    const watched = wave.tasks.filter(
      (t) => t.action !== 'skip' && t.action !== 'prune' && (!isLast || t.hook),
    );
    const waiting: string[] = [];
    for (const t of watched) {
      const h = code(progress.healthByKey.get(t.key));
      if (h === 'Degraded') {
        const what = t.hook ? `${t.phase} hook ${t.key}` : t.key;
        return failed(`${what} is Degraded`);
      }
      if (!h || !READY.has(h)) waiting.push(t.key);
    }
    if (waiting.length > 0)
      return { kind: 'waitForHealth', phase: wave.phase, wave: wave.wave, keys: [...new Set(waiting)] };
  }
  return { kind: 'done' };
}
