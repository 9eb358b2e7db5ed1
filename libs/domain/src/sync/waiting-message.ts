import { groupOf, type KubeObject } from '../diff/kube-object';
import type { SyncTask } from './plan-sync';

/**
 * What a running operation waits for, in gitops-engine's words (setRunningPhase): a hook names it when one is
 * among the tasks, "and N more" counts the rest (hooks, or resources when any task is not a hook). Shown as
 * `status.operationState.message` while the operation runs.
 */
export function waitingMessage(
  tasks: readonly SyncTask[],
  waitingFor: 'completion' | 'deletion' = 'completion',
): string {
  const hooks = tasks.filter((t) => t.hook);
  const first = hooks[0] ?? tasks[0];
  if (!first) return '';
  let reason = hooks.length > 0 ? 'completion of hook' : 'healthy state of';
  if (waitingFor === 'deletion') reason = hooks.length > 0 ? 'deletion of hook' : 'deletion of';
  const more = tasks.length - 1;
  const taskType = hooks.length === tasks.length ? 'hooks' : 'resources';
  return `waiting for ${reason} ${groupKindName(first)}${more > 0 ? ` and ${more} more ${taskType}` : ''}`;
}

/** gitops-engine's runTasks message while prunes marked Prune=confirm wait (`apiVersion/kind/name`). */
export function pruneConfirmationMessage(tasks: readonly SyncTask[]): string {
  const first = tasks[0];
  if (!first) return '';
  const obj = objectOf(first);
  const more = tasks.length - 1;
  return `Waiting for pruning confirmation of ${obj.apiVersion}/${obj.kind}/${obj.name}${more > 0 ? ` and ${more} more resources` : ''}`;
}

function groupKindName(task: SyncTask): string {
  const obj = objectOf(task);
  return `${obj.group}/${obj.kind}/${obj.name}`;
}

function objectOf(task: SyncTask): { apiVersion: string; group: string; kind: string; name: string } {
  const o: KubeObject | undefined = task.object;
  const [group = '', kind = '', , name = ''] = task.key.split('/');
  if (!o) return { apiVersion: group ? `${group}/` : 'v1', group, kind, name };
  return {
    apiVersion: o.apiVersion,
    group: groupOf(o.apiVersion),
    kind: o.kind,
    name: o.metadata.name ?? name,
  };
}
