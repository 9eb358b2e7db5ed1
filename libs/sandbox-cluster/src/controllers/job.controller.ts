import type { Condition, Job, Pod } from '../api/builtin-kinds';
import { nameOf, namespaceOf } from '../api/resource-type';
import { randomSuffix } from '../store/object-utils';
import {
  CONTROLLER_MANAGER,
  ownerReference,
  setCondition,
  type ControllerContext,
} from './controller-context';
import { isPodActive, isPodReady, podFromTemplate } from './pod-readiness';

/**
 * Job controller: runs pods until `completions` succeed, or fails the Job after `backoffLimit`+1
 * failed pods (reason BackoffLimitExceeded). ImagePullBackOff alone never fails a Job.
 */
export function reconcileJobs(ctx: ControllerContext): void {
  const podType = ctx.type('v1', 'Pod');
  for (const job of ctx.pending('batch/v1', 'Job') as Job[]) {
    if (job.metadata?.['deletionTimestamp']) continue;
    const spec = job.spec ?? {};
    const status = job.status ?? {};
    const finished = (status.conditions ?? []).some(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    if (finished) continue;
    const ns = namespaceOf(job);
    const pods = ctx.owned('v1', 'Pod', job) as Pod[];
    const active = pods.filter(isPodActive);
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    const completions = spec.completions ?? 1;
    const now = ctx.time(ctx.nowMs());
    let conditions: Condition[] | undefined = status.conditions;
    const startTime = status.startTime ?? now;
    if (spec.suspend) {
      conditions = setCondition(
        conditions,
        { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' },
        now,
        { probe: true },
      );
      ctx.writeStatus('batch/v1', 'Job', job, { ...status, conditions });
      continue;
    }
    if (succeeded >= completions) {
      const msg = 'Reached expected number of succeeded pods';
      conditions = setCondition(
        conditions,
        { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: msg },
        now,
        { probe: true },
      );
      conditions = setCondition(
        conditions,
        { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: msg },
        now,
        { probe: true },
      );
      ctx.writeStatus('batch/v1', 'Job', job, {
        conditions,
        startTime,
        completionTime: now,
        succeeded,
        failed: failed || undefined,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
      });
      continue;
    }
    if (failed > (spec.backoffLimit ?? 6)) {
      const msg = 'Job has reached the specified backoff limit';
      conditions = setCondition(
        conditions,
        { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: msg },
        now,
        { probe: true },
      );
      conditions = setCondition(
        conditions,
        { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: msg },
        now,
        { probe: true },
      );
      for (const p of active) {
        try {
          ctx.registry.delete(podType, ns, nameOf(p));
        } catch {
          // Already gone.
        }
      }
      ctx.writeStatus('batch/v1', 'Job', job, {
        conditions,
        startTime,
        failed,
        succeeded: succeeded || undefined,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
      });
      continue;
    }
    const parallelism = spec.parallelism ?? 1;
    const missing = Math.min(parallelism, completions - succeeded) - active.length;
    for (let i = 0; i < missing; i++) {
      const pod = podFromTemplate(
        spec.template,
        `${job.metadata?.['name']}-${randomSuffix()}`,
        ns,
        ownerReference(job),
        {},
      );
      try {
        ctx.registry.create(podType, ns, pod, { fieldManager: CONTROLLER_MANAGER });
      } catch {
        // Transient: try again shortly.
        ctx.requeue(job);
      }
    }
    ctx.writeStatus('batch/v1', 'Job', job, {
      ...(conditions ? { conditions } : {}),
      startTime,
      active: Math.max(active.length, 0) || undefined,
      succeeded: succeeded || undefined,
      failed: failed || undefined,
      ready: active.filter(isPodReady).length,
      terminating: 0,
      uncountedTerminatedPods: {},
    });
  }
}
