import type { Condition, HorizontalPodAutoscaler } from '../api/builtin-kinds';
import { namespaceOf } from '../api/resource-type';
import { valueAt } from '../store/object-utils';
import { setCondition, type ControllerContext } from './controller-context';

/** The HPA controller without metrics: it reports the target's replicas clamped to min/max. */
export function reconcileAutoscalers(ctx: ControllerContext): void {
  const now = ctx.time(ctx.nowMs());
  for (const hpa of ctx.list('autoscaling/v2', 'HorizontalPodAutoscaler') as HorizontalPodAutoscaler[]) {
    const spec = hpa.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    const target =
      ref.apiVersion && ref.kind ? ctx.registry.types.byKind(ref.apiVersion, ref.kind) : undefined;
    const obj = target ? ctx.registry.find(target, namespaceOf(hpa), ref.name ?? '') : undefined;
    let conditions: Condition[] | undefined = hpa.status?.conditions;
    if (!obj) {
      conditions = setCondition(
        conditions,
        {
          type: 'AbleToScale',
          status: 'False',
          reason: 'FailedGetScale',
          message: `the HPA controller was unable to get the target's current scale: ${ref.kind?.toLowerCase()}s "${ref.name}" not found`,
        },
        now,
      );
      ctx.writeStatus('autoscaling/v2', 'HorizontalPodAutoscaler', hpa, {
        currentReplicas: 0,
        desiredReplicas: 0,
        conditions,
      });
      continue;
    }
    const replicas = valueAt(obj, 'spec', 'replicas');
    const current = typeof replicas === 'number' ? replicas : 1;
    const desired = Math.min(spec.maxReplicas ?? current, Math.max(spec.minReplicas ?? 1, current));
    conditions = setCondition(
      conditions,
      {
        type: 'AbleToScale',
        status: 'True',
        reason: 'ReadyForNewScale',
        message: 'recommended size matches current size',
      },
      now,
    );
    conditions = setCondition(
      conditions,
      {
        type: 'ScalingActive',
        status: 'True',
        reason: 'ValidMetricFound',
        message:
          'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
      },
      now,
    );
    conditions = setCondition(
      conditions,
      {
        type: 'ScalingLimited',
        status: 'False',
        reason: 'DesiredWithinRange',
        message: 'the desired count is within the acceptable range',
      },
      now,
    );
    ctx.writeStatus('autoscaling/v2', 'HorizontalPodAutoscaler', hpa, {
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: [],
      conditions,
    });
  }
}
