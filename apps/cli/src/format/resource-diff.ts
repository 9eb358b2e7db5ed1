import { stringify } from 'yaml';
import { unifiedDiff } from './line-diff';

/** Argo CD's `ResourceDiff`, as `GET .../managed-resources` answers it (states are JSON strings). */
export interface ResourceDiff {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
  targetState?: string;
  liveState?: string;
  normalizedLiveState?: string;
  predictedLiveState?: string;
  hook?: boolean;
  modified?: boolean;
}

/**
 * `argocd app diff`'s report of one resource: `===== group/Kind namespace/name ======`, then the normalized
 * live object against the predicted one (both as YAML) when both exist, else against what Git renders
 * (missing live) or nothing (live only). Undefined when the resource does not differ. As Argo CD's CLI,
 * hooks (they never make an app OutOfSync) and Secrets (their values are masked) are left out.
 */
export function resourceDiffReport(item: ResourceDiff): string | undefined {
  if (item.hook || (item.kind === 'Secret' && !item.group)) return undefined;
  const live = parsed(item.normalizedLiveState);
  const target = parsed(item.targetState);
  if (live === null && target === null) return undefined;
  if (!item.modified && live !== null && target !== null) return undefined;
  const after = live !== null && target !== null ? parsed(item.predictedLiveState) : target;
  const text = unifiedDiff(yamlOf(live), yamlOf(after));
  return [`===== ${item.group ?? ''}/${item.kind} ${item.namespace ?? ''}/${item.name} ======`, text]
    .filter((l) => l !== '')
    .join('\n');
}

function parsed(state: string | undefined): unknown {
  if (!state) return null;
  return JSON.parse(state) as unknown;
}

function yamlOf(value: unknown): string {
  return value === null || value === undefined ? '' : stringify(value, { sortMapEntries: true });
}
