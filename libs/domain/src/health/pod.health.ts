import { type KubeObject } from '../diff/kube-object';
import { isPlainObject } from '../diff/json-value';
import type { HealthStatus } from './health-status';
import { conditions, field, num, str } from './status-fields';

function containerStatuses(
  obj: KubeObject,
  which: 'containerStatuses' | 'initContainerStatuses',
): Record<string, unknown>[] {
  const list = field(obj, 'status', which);
  return Array.isArray(list) ? list.filter(isPlainObject) : [];
}

function failMessage(ctr: Record<string, unknown>): string {
  const terminated = field(ctr, 'state', 'terminated');
  if (!isPlainObject(terminated)) return '';
  if (str(terminated, 'message')) return str(terminated, 'message');
  if (str(terminated, 'reason') === 'OOMKilled') return 'OOMKilled';
  const code = num(terminated, 'exitCode');
  return code !== 0 ? `container "${str(ctr, 'name')}" failed with exit code ${code}` : '';
}

/**
 * gitops-engine's annotation for a Pod with restartPolicy Never/OnFailure that is not a hook (an operator's
 * long-running Pod): while Running it is judged as a restartPolicy Always Pod. Only its presence counts.
 */
export const IGNORE_RESTART_POLICY_ANNOTATION = 'argocd.argoproj.io/ignore-restart-policy';

/** As gitops-engine health_pod.go. Pods that are not restartPolicy Always are usually hooks: they stay Progressing. */
export function podHealth(obj: KubeObject): HealthStatus {
  const restartPolicy = str(obj, 'spec', 'restartPolicy') || 'Always';
  const message = str(obj, 'status', 'message');
  const withMessage = (status: HealthStatus['status'], m = message): HealthStatus =>
    m ? { status, message: m } : { status };
  // Marking a hook Pod Degraded on ImagePullBackOff would fail the hook before the image can arrive.
  if (restartPolicy === 'Always') {
    const messages: string[] = [];
    for (const ctr of containerStatuses(obj, 'containerStatuses')) {
      const reason = str(ctr, 'state', 'waiting', 'reason');
      if (reason && (reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff'))) {
        messages.push(str(ctr, 'state', 'waiting', 'message') || reason);
      }
    }
    if (messages.length > 0) return { status: 'Degraded', message: messages.join(', ') };
  }
  switch (str(obj, 'status', 'phase')) {
    case 'Pending':
      return withMessage('Progressing');
    case 'Succeeded':
      return withMessage('Healthy');
    case 'Failed': {
      if (message) return withMessage('Degraded');
      for (const ctr of [
        ...containerStatuses(obj, 'initContainerStatuses'),
        ...containerStatuses(obj, 'containerStatuses'),
      ]) {
        const m = failMessage(ctr);
        if (m) return { status: 'Degraded', message: m };
      }
      return { status: 'Degraded' };
    }
    case 'Running': {
      const ignoreRestartPolicy =
        field(obj, 'metadata', 'annotations', IGNORE_RESTART_POLICY_ANNOTATION) !== undefined;
      if (restartPolicy !== 'Always' && !ignoreRestartPolicy) return withMessage('Progressing');
      const ready = conditions(obj).some((c) => c.type === 'Ready' && c.status === 'True');
      if (ready) return withMessage('Healthy');
      const crashed = containerStatuses(obj, 'containerStatuses').some((c) =>
        isPlainObject(field(c, 'lastState', 'terminated')),
      );
      return withMessage(crashed ? 'Degraded' : 'Progressing');
    }
    default:
      return withMessage('Unknown');
  }
}
