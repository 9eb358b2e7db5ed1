import type { ApplicationDestination } from '../application/application.types';
import { globMatch } from './argo-glob';
import { type ClusterRef, withKnownCluster } from './known-cluster';

/**
 * Which applications a project rule selects, as Argo CD's sync windows select them: globs of application
 * names, destination namespaces and destination clusters (name or server). Sync windows and sync approvals
 * share it.
 */
export interface AppSelector {
  applications?: string[];
  namespaces?: string[];
  clusters?: string[];
  /** The rule applies only when all the selectors it sets match (default: any of them). */
  andOperator?: boolean;
}

/** What a selector is matched against: the app's name and destination. */
export interface SelectedApp {
  name: string;
  destination: ApplicationDestination;
}

/**
 * Argo CD's SyncWindows.Matches for one rule: it applies when its selectors that are set match (any of them,
 * or all of them with `andOperator: true`); a rule with no selectors applies to nothing. Patterns are globs
 * without separators; `clusters` match the destination's name or server. With `clusters` (the known
 * clusters) a destination given by one of them is matched by both, so a rule naming `in-cluster` also holds
 * an app that writes `https://kubernetes.default.svc` (Argo CD compares what the app writes only).
 */
export function selectsApp(
  selector: AppSelector,
  target: SelectedApp,
  clusters: readonly ClusterRef[] = [],
): boolean {
  const destination = withKnownCluster(target.destination, clusters);
  const hits = (patterns: readonly string[], ...values: Array<string | undefined>) =>
    patterns.some((pattern) =>
      values.some((value) => value !== undefined && value !== '' && globMatch(pattern, value)),
    );
  const selectors: boolean[] = [];
  if ((selector.applications ?? []).length > 0) selectors.push(hits(selector.applications!, target.name));
  if ((selector.clusters ?? []).length > 0)
    selectors.push(hits(selector.clusters!, destination.name, destination.server));
  // Argo CD matches a namespace pattern against the destination namespace even when it is empty.
  if ((selector.namespaces ?? []).length > 0)
    selectors.push(selector.namespaces!.some((p) => globMatch(p, destination.namespace ?? '')));
  return selector.andOperator === true
    ? selectors.length > 0 && selectors.every(Boolean)
    : selectors.some(Boolean);
}
