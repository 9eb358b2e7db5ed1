import type { KubeObject } from '../diff/kube-object';

export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Effective sync options for one resource (Argo CD names in comments). */
export interface ResourceSyncOptions {
  /** Prune=false: never prune; Prune=confirm: prune only after approval. */
  prune: 'true' | 'false' | 'confirm';
  /** PruneLast=true: prune in a final wave after everything else is healthy. */
  pruneLast: boolean;
  /** Replace=true: replace (PUT) or create instead of apply. Also honoured on the live object. */
  replace: boolean;
  /**
   * Force=true: with Replace, delete and recreate; with an apply the server refuses (invalid, e.g. an
   * immutable field, or conflicting), delete and recreate. Also honoured on the live object.
   */
  force: boolean;
  /**
   * Server-side apply. Berth's default is true (Argo CD's is client-side apply): ServerSideApply=false
   * selects client-side apply with the last-applied-configuration annotation.
   */
  serverSideApply: boolean;
  /** Validate=false: the API server ignores unknown fields (`fieldValidation=Ignore`, else `Strict`). */
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
  serverSideApply: true,
  validate: true,
  applyOutOfSyncOnly: false,
  failOnSharedResource: false,
  delete: 'true',
  createNamespace: false,
  respectIgnoreDifferences: false,
  skipDryRunOnMissingResource: false,
  prunePropagationPolicy: 'foreground',
};

/**
 * The items of a sync-options annotation as Argo CD reads them (gitops-engine GetAnnotationCSVs):
 * split on commas, each item trimmed, empty items dropped.
 */
export function syncOptionItems(annotation: string | undefined): string[] {
  return (annotation ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * `Key=value` items into a map holding the FIRST value written for each key, as Argo CD's
 * GetAnnotationOptionValue reads them: `Prune=confirm,Prune=false` is `confirm`. An item is trimmed as a
 * whole, never around its `=`, so `Replace = true` sets nothing (Argo CD matches `Replace=true` exactly).
 * Items without `=` are ignored.
 */
export function parseSyncOptionList(entries: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of entries) {
    const item = entry.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq);
    if (!out.has(key)) out.set(key, item.slice(eq + 1));
  }
  return out;
}

/** Values match exactly, case included, as Argo CD matches `Replace=true` (`Replace=True` sets nothing). */
function applyEntries(base: ResourceSyncOptions, entries: Map<string, string>): ResourceSyncOptions {
  const o = { ...base };
  const bool = (key: string, current: boolean): boolean => {
    const v = entries.get(key);
    return v === 'true' ? true : v === 'false' ? false : current;
  };
  const tri = (key: string, current: 'true' | 'false' | 'confirm'): 'true' | 'false' | 'confirm' => {
    const v = entries.get(key);
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
  const policy = entries.get('PrunePropagationPolicy');
  if (policy === 'foreground' || policy === 'background' || policy === 'orphan')
    o.prunePropagationPolicy = policy;
  return o;
}

/**
 * App-level `syncPolicy.syncOptions`, overridden per resource by its sync-options annotation; with the
 * live object, its Replace=true and Force=true apply too (withLiveSyncOptions).
 */
export function effectiveSyncOptions(
  appOptions: readonly string[] | undefined,
  obj?: KubeObject,
  live?: KubeObject,
): ResourceSyncOptions {
  const app = applyEntries(DEFAULT_SYNC_OPTIONS, parseSyncOptionList(appOptions ?? []));
  const ann = obj?.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION];
  const own = ann ? applyEntries(app, parseSyncOptionList(syncOptionItems(ann))) : app;
  return withLiveSyncOptions(own, live);
}

/**
 * Argo CD also honours `Replace=true` and `Force=true` written on the live object (an operator's
 * `kubectl annotate` on a resource Git does not annotate): gitops-engine's applyObject ORs the target's
 * and the live object's annotation. Only these two: every other option is read from Git.
 */
export function withLiveSyncOptions(
  options: ResourceSyncOptions,
  live: KubeObject | undefined,
): ResourceSyncOptions {
  const ann = live?.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION];
  if (!ann) return options;
  const entries = parseSyncOptionList(syncOptionItems(ann));
  const replace = options.replace || entries.get('Replace') === 'true';
  const force = options.force || entries.get('Force') === 'true';
  return replace === options.replace && force === options.force ? options : { ...options, replace, force };
}
