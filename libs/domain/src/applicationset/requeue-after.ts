import type { ApplicationSet, ApplicationSetGenerator } from './applicationset.types';

/** Argo CD's default requeue of a git (and here clusters) generator: 3 minutes. */
export const DEFAULT_REQUEUE_AFTER_SECONDS = 180;

/**
 * When to reconcile the set again by itself (Argo CD's `GetRequeueAfter`, the least over its
 * generators): a git generator after its `requeueAfterSeconds` (default 180 s); a clusters generator
 * after 180 s too (Berth does not watch cluster registrations, where Argo CD watches the secrets); a
 * list alone never (undefined): it changes only with the spec.
 */
export function requeueAfterSecondsOf(appSet: ApplicationSet): number | undefined {
  const of = (g: ApplicationSetGenerator): number[] => {
    if (g.git) return [g.git.requeueAfterSeconds ?? DEFAULT_REQUEUE_AFTER_SECONDS];
    if (g.clusters) return [DEFAULT_REQUEUE_AFTER_SECONDS];
    if (g.matrix) return g.matrix.generators.flatMap(of);
    return [];
  };
  const all = appSet.spec.generators.flatMap(of);
  return all.length === 0 ? undefined : Math.min(...all);
}
