import { awaitsApproval, type OpenOperation } from '@berth/domain';
import { type JobQueues, syncJobId } from '@berth/queues';

const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Enqueues another delivery of an operation under a fresh job id: the operation's own job id
 * may still be taken (by the running job, or kept as completed/failed for inspection). The sync
 * processor is idempotent, so an extra delivery is harmless.
 */
export async function enqueueSyncDelivery(
  queues: JobQueues,
  application: string,
  operationId: string,
  delayMs: number,
  why: 'retry' | 'resume',
): Promise<void> {
  await queues.sync.add(
    'sync',
    { application, operationId },
    {
      jobId: `${syncJobId(application, operationId)}__${why}__${Date.now()}`,
      delay: Math.max(0, delayMs),
      attempts: 1,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 5000 },
    },
  );
}

/**
 * An operation is recorded as open but no job will run it (its job failed on an error, or Redis
 * lost it): enqueue it again so it resumes from the log. Refresh calls this; it never runs while
 * a sync of the same app holds the app lock, so a job found `active` really is running.
 */
export async function resumeIfOrphaned(
  queues: JobQueues,
  application: string,
  op: OpenOperation,
  now: Date,
): Promise<boolean> {
  // Waiting for a person to confirm pruning: no job runs it until PruneConfirmed (or a terminate) is recorded.
  if (op.waiting?.waitingFor === 'prune-confirmation' && !op.pruneConfirmed && !op.terminateRequested)
    return false;
  // Waiting for approval: the scheduler enqueues it with the last approval (a terminate still goes through).
  if (awaitsApproval(op)) return false;
  if (op.retryPending) {
    const due = Date.parse(op.retryPending.failedAt) + op.retryPending.retryInMs;
    // Its retry delivery is (or should be) delayed in the queue; only a long-overdue one is orphaned.
    if (due + 60_000 > now.getTime()) return false;
  }
  const job = await queues.sync.getJob(syncJobId(application, op.operationId));
  if (job && PENDING_STATES.has(await job.getState())) return false;
  const pendingRetries = await queues.sync.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
  if (pendingRetries.some((j) => j.data.application === application && j.data.operationId === op.operationId))
    return false;
  await enqueueSyncDelivery(queues, application, op.operationId, 0, 'resume');
  return true;
}
