import type { ApplicationManifest } from '../events/application.events';
import { inventoryOf, syncOperationsOf } from './operation-history';
import type { StreamEntry } from './stream-entry';

/** An app deleted with cascade whose resources are still to be deleted from the cluster. */
export interface PendingCascadeDeletion {
  application: string;
  /** The manifest it had when deleted (its destination says where the resources are). */
  manifest: ApplicationManifest;
  /** `group/kind/namespace/name` of what it put in the cluster and did not prune. */
  inventory: string[];
}

/**
 * Whether the stream ends in an ApplicationDeleted with `cascade: true` that no
 * ApplicationResourcesDeleted answered yet. The inventory counts only the syncs of the deleted
 * incarnation (since its last ApplicationCreated), so a re-created app never deletes what an
 * older one left behind with `cascade: false`.
 */
export function pendingCascadeDeletion(entries: readonly StreamEntry[]): PendingCascadeDeletion | undefined {
  let created = -1;
  let deleted = -1;
  let manifest: ApplicationManifest | undefined;
  let deletedManifest: ApplicationManifest | undefined;
  let cascade = false;
  let done = false;
  entries.forEach(({ event }, i) => {
    switch (event.type) {
      case 'ApplicationCreated':
        created = i;
        deleted = -1;
        manifest = event.data.manifest;
        break;
      case 'ApplicationSpecChanged':
        manifest = event.data.manifest;
        break;
      case 'ApplicationDeleted':
        deleted = i;
        deletedManifest = manifest;
        cascade = event.data.cascade;
        done = false;
        break;
      case 'ApplicationResourcesDeleted':
        done = true;
        break;
      default:
        break;
    }
  });
  if (deleted < 0 || created < 0 || !cascade || done || !deletedManifest) return undefined;
  const inventory = inventoryOf(syncOperationsOf(entries.slice(created, deleted)));
  return { application: deletedManifest.metadata.name, manifest: deletedManifest, inventory };
}
