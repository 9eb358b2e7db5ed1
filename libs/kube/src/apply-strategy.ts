import type { ResourceSyncOptions } from '@berth/domain';

/**
 * How one object is written (gitops-engine applyObject): `replace` (Replace=true: PUT, or POST when it
 * does not exist), `server-side` apply (Berth's default) or `client-side` apply (ServerSideApply=false:
 * kubectl's three-way patch with the last-applied-configuration annotation).
 */
export type ApplyMode = 'server-side' | 'client-side' | 'replace';

export interface ApplyStrategy {
  mode: ApplyMode;
  /**
   * Force=true: `replace` deletes the object and creates it again (kubectl replace --force); an apply the
   * server refuses as invalid (an immutable field changed) or conflicting deletes and recreates it
   * (kubectl apply --force). Never for CustomResourceDefinitions and Namespaces, whose deletion takes
   * everything in them along.
   */
  force: boolean;
  /** Validate=false: `fieldValidation=Ignore` (unknown or duplicate fields dropped); otherwise `Strict`. */
  validate: boolean;
}

/** The strategy a resource's effective sync options ask for; Replace=true wins over server-side apply, as in Argo CD. */
export function applyStrategyOf(
  options: Pick<ResourceSyncOptions, 'replace' | 'force' | 'serverSideApply' | 'validate'>,
): ApplyStrategy {
  return {
    mode: options.replace ? 'replace' : options.serverSideApply ? 'server-side' : 'client-side',
    force: options.force,
    validate: options.validate,
  };
}
