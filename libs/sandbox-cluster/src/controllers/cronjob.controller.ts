import { CronExpressionParser } from 'cron-parser';
import type { CronJobSpec, Job } from '../api/builtin-kinds';
import { nameOf, namespaceOf, type KubeObject } from '../api/resource-type';
import { CONTROLLER_MANAGER, ownerReference, type ControllerContext } from './controller-context';

/** The scheduled instant a CronJob's Job was created for (simulated time here). */
const SCHEDULED = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

type CronJob = KubeObject & { spec?: CronJobSpec; status?: Record<string, unknown> };

/**
 * The CronJob controller on the simulated clock: the schedule runs `1 / timeScale` times faster than real
 * time from the CronJob's creation (at timeScale 0.01, `*\/5 * * * *` creates a Job every 3 real seconds).
 * Each due schedule creates `<name>-<scheduled minute>` from the job template, owned by the CronJob, as
 * concurrencyPolicy allows (Allow, Forbid: skipped while one runs, Replace: the running one is deleted);
 * finished Jobs beyond successful/failedJobsHistoryLimit are deleted. Status: `active`, `lastScheduleTime`
 * and `lastSuccessfulTime`, in real time.
 */
export function reconcileCronJobs(ctx: ControllerContext): void {
  const jobType = ctx.type('batch/v1', 'Job');
  const now = ctx.nowMs();
  for (const cj of ctx.pending('batch/v1', 'CronJob') as CronJob[]) {
    if (cj.metadata?.['deletionTimestamp']) continue;
    const ns = namespaceOf(cj);
    const jobs = ctx.owned('batch/v1', 'Job', cj) as Job[];
    const active = jobs.filter((j) => !finished(j));
    // When the simulator first saw it (creationTimestamp has whole seconds only: 100 simulated s at 0.01).
    const anchor = ctx.seen(cj);
    // Simulated time runs from the anchor at 1 / timeScale; real time for a simulated instant, and back.
    const scale = ctx.timeScale > 0 ? ctx.timeScale : 1;
    const simOf = (real: number) => anchor + (real - anchor) / scale;
    const realOf = (sim: number) => anchor + (sim - anchor) * scale;
    // The last schedule: remembered, or (after a restart from a state file) the newest Job's annotation.
    const uid = String(cj.metadata?.['uid']);
    const lastSim =
      ctx.lastSchedules.get(uid) ??
      Math.max(
        anchor,
        ...jobs.map((j) => Date.parse(String(j.metadata?.annotations?.[SCHEDULED] ?? '')) || anchor),
      );
    let due: number | undefined;
    try {
      const next = CronExpressionParser.parse(cj.spec?.schedule ?? '', {
        currentDate: new Date(lastSim),
        tz: 'UTC',
      }).next();
      due = next.getTime();
    } catch {
      continue; // An invalid schedule never fires (the real controller records a warning event).
    }
    let lastScheduleTime = cj.status?.['lastScheduleTime'];
    let scheduledSim = lastSim;
    if (!cj.spec?.suspend && due !== undefined && simOf(now) >= due) {
      scheduledSim = due;
      ctx.lastSchedules.set(uid, due);
      lastScheduleTime = ctx.time(now);
      const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
      if (policy === 'Replace') {
        for (const j of active) {
          try {
            ctx.registry.delete(jobType, ns, nameOf(j), { propagationPolicy: 'Background' });
          } catch {
            // Already gone.
          }
        }
      }
      if (policy !== 'Forbid' || active.length === 0) {
        const template = cj.spec?.jobTemplate ?? {};
        const meta = (
          template as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } }
        ).metadata;
        const job: KubeObject = {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: {
            name: `${nameOf(cj)}-${Math.floor(due / 60000)}`,
            namespace: ns,
            labels: { ...meta?.labels },
            annotations: {
              ...meta?.annotations,
              [SCHEDULED]: new Date(due).toISOString().replace(/\.\d+Z$/, 'Z'),
            },
            ownerReferences: [ownerReference(cj)],
          },
          spec: structuredClone(template.spec ?? {}),
        };
        try {
          ctx.registry.create(jobType, ns, job, { fieldManager: CONTROLLER_MANAGER });
        } catch {
          // Exists already (a pass that raced), or the namespace is going.
        }
      }
    }
    // Wake for the next schedule.
    try {
      const next = CronExpressionParser.parse(cj.spec?.schedule ?? '', {
        currentDate: new Date(scheduledSim),
        tz: 'UTC',
      }).next();
      ctx.wakeAt(Math.ceil(realOf(next.getTime())), cj);
    } catch {
      // Checked above.
    }
    pruneHistory(ctx, jobs, cj.spec);
    const succeeded = jobs.filter((j) => condition(j, 'Complete'));
    const lastSuccess = succeeded
      .map((j) => (typeof j.status?.['completionTime'] === 'string' ? j.status['completionTime'] : ''))
      .filter(Boolean)
      .sort()
      .at(-1);
    const stillActive = (ctx.owned('batch/v1', 'Job', cj) as Job[]).filter((j) => !finished(j));
    ctx.writeStatus('batch/v1', 'CronJob', cj, {
      ...(stillActive.length
        ? {
            active: stillActive.map((j) => ({
              kind: 'Job',
              namespace: ns,
              name: nameOf(j),
              uid: j.metadata?.['uid'],
              apiVersion: 'batch/v1',
              resourceVersion: j.metadata?.['resourceVersion'],
            })),
          }
        : {}),
      ...(lastScheduleTime ? { lastScheduleTime } : {}),
      ...(lastSuccess ? { lastSuccessfulTime: lastSuccess } : {}),
    });
  }
}

function condition(job: Job, type: string): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

function finished(job: Job): boolean {
  return condition(job, 'Complete') || condition(job, 'Failed');
}

/** Finished Jobs past the history limits (3 successful, 1 failed by default) go, oldest first. */
function pruneHistory(ctx: ControllerContext, jobs: Job[], spec: CronJobSpec | undefined): void {
  const jobType = ctx.type('batch/v1', 'Job');
  const byAge = (a: Job, b: Job) =>
    String(a.metadata?.['creationTimestamp']).localeCompare(String(b.metadata?.['creationTimestamp']));
  const limits: Array<[string, number]> = [
    ['Complete', spec?.successfulJobsHistoryLimit ?? 3],
    ['Failed', spec?.failedJobsHistoryLimit ?? 1],
  ];
  for (const [type, limit] of limits) {
    const done = jobs.filter((j) => condition(j, type)).sort(byAge);
    for (const old of done.slice(0, Math.max(0, done.length - limit))) {
      try {
        ctx.registry.delete(jobType, namespaceOf(old), nameOf(old), { propagationPolicy: 'Background' });
      } catch {
        // Already gone.
      }
    }
  }
}
