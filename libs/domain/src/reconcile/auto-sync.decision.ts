import type { SyncPolicyAutomated } from '../application/application.types';
import type { AppComparison } from '../diff/compare-app';
import { parseResourceKey } from '../diff/kube-object';
import { selfHealDelay } from '../sync/backoff';
import type { OperationOutcome } from '../application/application.state';

export interface AutoSyncInput {
  /** `spec.syncPolicy.automated`; absent (or `enabled: false`) = manual sync only. */
  automated: SyncPolicyAutomated | undefined;
  /** The revision Git resolves to now. */
  revision: string;
  comparison: AppComparison;
  /** A sync is requested or running: never start another. */
  operationInProgress: boolean;
  /** The latest finished (non dry-run) sync, if any. */
  lastSync: { revision?: string; outcome?: OperationOutcome; finishedAt?: Date } | undefined;
  /** Self-heal syncs in a row since the app was last Synced. */
  selfHealAttempts: number;
  now: Date;
  /** Self-heal backoff per attempt; default Argo CD's 2 s × 3ⁿ capped at 5 min. */
  selfHealBackoff?: (attempt: number) => number;
  /** Revisions auto-rollback moved away from (rolledBackRevisionsOf): never synced automatically again. */
  rolledBackRevisions?: readonly string[];
}

export type AutoSyncDecision =
  | { kind: 'none'; reason: string }
  /** Ask again after `delayMs` (self-heal backoff not over yet). */
  | { kind: 'wait'; delayMs: number; reason: string }
  | {
      kind: 'sync';
      trigger: 'auto-sync' | 'self-heal';
      revision: string;
      prune: boolean;
      reason: string;
      /** Self-heal: only the drifted resources (Argo CD's autoSync sets `op.Sync.Resources` so). */
      resources?: Array<{ group?: string; kind: string; namespace?: string; name: string }>;
    };

const short = (sha: string): string => sha.slice(0, 7);

/**
 * Argo CD's auto-sync rules (controller/appcontroller.go autoSync): only when automated is on and
 * nothing runs; never the same revision twice after a failure ("already attempted"); a new
 * revision syncs; drift on an already synced revision syncs only with selfHeal, after a backoff;
 * without prune, an app whose only drift is resources to prune is left alone; unless allowEmpty,
 * never a sync that would delete everything.
 */
export function decideAutoSync(input: AutoSyncInput): AutoSyncDecision {
  const { automated, comparison, revision } = input;
  if (!automated || automated.enabled === false)
    return { kind: 'none', reason: 'manual sync policy: OutOfSync is shown, not synced' };
  if (input.operationInProgress) return { kind: 'none', reason: 'another operation is in progress' };
  if (comparison.status !== 'OutOfSync') return { kind: 'none', reason: `app is ${comparison.status}` };

  if (input.rolledBackRevisions?.includes(revision)) {
    return {
      kind: 'none',
      reason: `${short(revision)} was rolled back automatically (not Healthy); push a new revision, or sync it by hand`,
    };
  }

  const drift = comparison.resources.filter((r) => !r.hook && r.status === 'OutOfSync');
  const prune = automated.prune === true;
  if (!prune && drift.every((r) => r.requiresPruning)) {
    return { kind: 'none', reason: 'only resources to prune differ and automated.prune is off' };
  }
  const desiredCount = comparison.resources.filter((r) => !r.requiresPruning && !r.hook).length;
  if (prune && automated.allowEmpty !== true && desiredCount === 0 && drift.length > 0) {
    return {
      kind: 'none',
      reason:
        'auto-sync would delete every resource (Git renders none); set automated.allowEmpty=true to allow it',
    };
  }

  const last = input.lastSync;
  if (last && last.revision === revision) {
    if (last.outcome !== 'Succeeded') {
      return {
        kind: 'none',
        reason: `failed previous sync attempt to ${short(revision)}; not retrying it automatically`,
      };
    }
    if (!automated.selfHeal) {
      return { kind: 'none', reason: `most recent sync already to ${short(revision)}; selfHeal is off` };
    }
    const delay = (input.selfHealBackoff ?? selfHealDelay)(input.selfHealAttempts);
    const since = last.finishedAt ? input.now.getTime() - last.finishedAt.getTime() : Infinity;
    if (since < delay) {
      return { kind: 'wait', delayMs: delay - since, reason: `self-heal backoff: ${delay - since} ms left` };
    }
    // Argo CD heals only what drifted: a partial sync of the resources not Synced (no hooks run, as in any
    // selective sync), so one changed object costs one apply, not the whole app's.
    const resources = drift.flatMap((r) => {
      const key = parseResourceKey(r.key);
      if (!key) return [];
      return [
        {
          ...(key.group ? { group: key.group } : {}),
          kind: key.kind,
          ...(key.namespace ? { namespace: key.namespace } : {}),
          name: key.name,
        },
      ];
    });
    return {
      kind: 'sync',
      trigger: 'self-heal',
      revision,
      prune,
      reason: `self-heal: ${drift.length} resource(s) drifted from ${short(revision)}`,
      ...(resources.length > 0 ? { resources } : {}),
    };
  }
  return {
    kind: 'sync',
    trigger: 'auto-sync',
    revision,
    prune,
    reason: `auto-sync: new revision ${short(revision)}`,
  };
}
