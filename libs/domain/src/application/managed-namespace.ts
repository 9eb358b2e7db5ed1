import type { KubeObject } from '../diff/kube-object';
import { managedNamespaceObject } from '../sync/create-namespace';
import { effectiveSyncOptions } from '../sync/sync-options';
import type { Application } from './application.types';

/**
 * The destination namespace as the app manages it: with CreateNamespace=true and
 * `syncPolicy.managedNamespaceMetadata`, the labels and annotations declared there are part of what the
 * app wants, so Argo CD compares the live namespace with them (its controller adds this object to the
 * compare targets). Only what is declared counts: labels and annotations others put on the namespace are
 * not drift. Undefined when the app manages no namespace metadata.
 */
export function managedNamespaceOf(app: Pick<Application, 'spec'>): KubeObject | undefined {
  const name = app.spec.destination.namespace;
  const policy = app.spec.syncPolicy;
  const metadata = policy?.managedNamespaceMetadata;
  if (!name || !metadata || !effectiveSyncOptions(policy.syncOptions).createNamespace) return undefined;
  return managedNamespaceObject(name, metadata);
}
