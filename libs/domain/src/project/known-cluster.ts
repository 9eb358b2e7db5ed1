import type { ApplicationDestination } from '../application/application.types';

export interface ClusterRef {
  name: string;
  server: string;
  /** The project the cluster is registered to (Argo CD's project-scoped clusters), if any. */
  project?: string;
}

/** Servers compare without trailing slashes, as the worker's cluster resolver reads them. */
export function withoutTrailingSlash(server: string): string {
  return server.replace(/\/+$/, '');
}

/**
 * The destination with both name and server when the cluster is known, the way the worker's cluster
 * resolver finds it (by name first, else by server without trailing slashes), so a rule judges the
 * cluster the app will really reach.
 */
export function withKnownCluster(
  destination: ApplicationDestination,
  clusters: readonly ClusterRef[],
): ApplicationDestination {
  const cluster = knownClusterOf(destination, clusters);
  if (cluster === undefined) return destination;
  return { ...destination, server: cluster.server, name: cluster.name };
}

/** The registered cluster a destination reaches: by name first, else by server without trailing slashes. */
export function knownClusterOf(
  destination: ApplicationDestination,
  clusters: readonly ClusterRef[],
): ClusterRef | undefined {
  const server = withoutTrailingSlash(destination.server ?? '');
  const byName = destination.name ? clusters.find((c) => c.name === destination.name) : undefined;
  const byServer = server ? clusters.find((c) => withoutTrailingSlash(c.server) === server) : undefined;
  return byName ?? byServer;
}
