import type { KubeObject } from '../diff/kube-object';

export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Effective sync options for one resource (Argo CD names in comments). */
export interface ResourceSyncOptions {
  /** Prune=false: never prune; Prune=confirm: prune only after approval. */
  prune: 'true' | 'false' | 'confirm';
  /** PruneLast=true: prune in a final wave after everything else is healthy. */
  pruneLast: boolean;
  /** Replace=true: kubectl replace/create instead of apply. */
  replace: boolean;
  /** Force=true (with Replace): delete and recreate. */
  force: boolean;
  /** ServerSideApply=true. */
  serverSideApply: boolean;
  /** Validate=false disables schema validation. */
  validate: boolean;
  /** ApplyOutOfSyncOnly=true: skip Synced resources. */
  applyOutOfSyncOnly: boolean;
  /** FailOnSharedResource=true: fail if another app already manages the resource. */
  failOnSharedResource: boolean;
  /** Delete=false: keep the resource when the app is deleted; Delete=confirm: ask first. */
  delete: 'true' | 'false' | 'confirm';
  /** CreateNamespace=true: create the destination namespace. */
  createNamespace: boolean;
  /** RespectIgnoreDifferences=true: keep live values of ignored fields when applying. */
  respectIgnoreDifferences: boolean;
  /** SkipDryRunOnMissingResource=true. */
  skipDryRunOnMissingResource: boolean;
  /** PrunePropagationPolicy=foreground|background|orphan (default foreground). */
  prunePropagationPolicy: 'foreground' | 'background' | 'orphan';
}

export const DEFAULT_SYNC_OPTIONS: ResourceSyncOptions = {
  prune: 'true',
  pruneLast: false,
  replace: false,
  force: false,
  serverSideApply: false,
  validate: true,
  applyOutOfSyncOnly: false,
  failOnSharedResource: false,
  delete: 'true',
  createNamespace: false,
  respectIgnoreDifferences: false,
  skipDryRunOnMissingResource: false,
  prunePropagationPolicy: 'foreground',
};

/** "Key=value" entries into a map (keys as written; last one wins). Entries without "=" are ignored. */
export function parseSyncOptionList(entries: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    out.set(entry.slice(0, eq).trim(), entry.slice(eq + 1).trim());
  }
  return out;
}

function applyEntries(base: ResourceSyncOptions, entries: Map<string, string>): ResourceSyncOptions {
  const o = { ...base };
  const bool = (key: string, current: boolean): boolean => {
    const v = entries.get(key)?.toLowerCase();
    return v === 'true' ? true : v === 'false' ? false : current;
  };
  const tri = (key: string, current: 'true' | 'false' | 'confirm'): 'true' | 'false' | 'confirm' => {
    const v = entries.get(key)?.toLowerCase();
    return v === 'true' || v === 'false' || v === 'confirm' ? v : current;
  };
  o.prune = tri('Prune', o.prune);
  o.delete = tri('Delete', o.delete);
  o.pruneLast = bool('PruneLast', o.pruneLast);
  o.replace = bool('Replace', o.replace);
  o.force = bool('Force', o.force);
  o.serverSideApply = bool('ServerSideApply', o.serverSideApply);
  o.validate = bool('Validate', o.validate);
  o.applyOutOfSyncOnly = bool('ApplyOutOfSyncOnly', o.applyOutOfSyncOnly);
  o.failOnSharedResource = bool('FailOnSharedResource', o.failOnSharedResource);
  o.createNamespace = bool('CreateNamespace', o.createNamespace);
  o.respectIgnoreDifferences = bool('RespectIgnoreDifferences', o.respectIgnoreDifferences);
  o.skipDryRunOnMissingResource = bool('SkipDryRunOnMissingResource', o.skipDryRunOnMissingResource);
  const policy = entries.get('PrunePropagationPolicy')?.toLowerCase();
  if (policy === 'foreground' || policy === 'background' || policy === 'orphan')
    o.prunePropagationPolicy = policy;
  return o;
}

/** App-level `syncPolicy.syncOptions`, overridden per resource by its sync-options annotation. */
export function effectiveSyncOptions(
  appOptions: readonly string[] | undefined,
  obj?: KubeObject,
): ResourceSyncOptions {
  const app = applyEntries(DEFAULT_SYNC_OPTIONS, parseSyncOptionList(appOptions ?? []));
  const ann = obj?.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION];
  return ann ? applyEntries(app, parseSyncOptionList(ann.split(','))) : app;
}
