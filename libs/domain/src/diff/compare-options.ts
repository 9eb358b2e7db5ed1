import { syncOptionItems } from '../sync/sync-options';

/** Argo CD's compare-options annotation: on an Application (its diff strategy) or a resource (IgnoreExtraneous). */
export const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';

/** How an app's resources are compared (Argo CD's diff strategies, user-guide/diff-strategies.md). */
export interface DiffStrategy {
  /** Server-side diff: the predicted live object comes from a server-side apply dry run. */
  serverSideDiff: boolean;
  /** With server-side diff, what mutating webhooks do in the dry run counts as drift too. */
  includeMutationWebhook: boolean;
}

/**
 * An app's diff strategy, read as Argo CD's controller reads it: `ServerSideDiff=true` in the app's
 * compare-options annotation turns server-side diff on, `ServerSideDiff=false` turns it off whatever the
 * global setting (`serverSideDiffByDefault`, Argo CD's `controller.diff.server.side`) says;
 * `IncludeMutationWebhook=true` only matters with server-side diff. Items are comma-separated and trimmed,
 * and match exactly (`ServerSideDiff=True` sets nothing), as gitops-engine's HasAnnotationOption.
 */
export function diffStrategyOf(
  annotations: Readonly<Record<string, string>> | undefined,
  serverSideDiffByDefault = false,
): DiffStrategy {
  const items = syncOptionItems(annotations?.[COMPARE_OPTIONS_ANNOTATION]);
  const serverSideDiff = items.includes('ServerSideDiff=false')
    ? false
    : serverSideDiffByDefault || items.includes('ServerSideDiff=true');
  return { serverSideDiff, includeMutationWebhook: items.includes('IncludeMutationWebhook=true') };
}
