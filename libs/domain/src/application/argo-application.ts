import type { ApplicationManifest } from '../events/application.events';
import type { ApplicationState } from './application.state';
import type { ApplicationStatus, Operation } from './application.status';

/** Argo CD keeps Applications in its control-plane namespace; a Berth manifest may leave it out. */
export const DEFAULT_APP_NAMESPACE = 'argocd';

/** An Application resource as Argo CD serves it: what the API returns and notification templates read as `app`. */
export interface ArgoApplication {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    creationTimestamp: string;
    /** Set once deleted (notification trigger `on-deleted` reads it). */
    deletionTimestamp?: string;
    /** Berth: the stream version the answer was folded to. */
    generation: number;
    [key: string]: unknown;
  };
  spec: Record<string, unknown>;
  /** A requested operation that has not started yet. */
  operation?: Operation;
  status: ApplicationStatus;
}

/**
 * The Application resource of a folded state. `reconciledAt` is when a worker last compared the app (a
 * refresh that finds nothing new writes no event, so the read model keeps that time beside the state).
 * Undefined for a name that was never created.
 */
export function toArgoApplication(
  state: ApplicationState,
  options: { reconciledAt?: Date | null } = {},
): ArgoApplication | undefined {
  if (!state.manifest) return undefined;
  return argoApplicationOf({
    manifest: state.manifest,
    status: state.status,
    operation: state.operation,
    createdAt: state.createdAt,
    streamVersion: state.streamVersion,
    deletedAt: state.deletion?.at ?? null,
    reconciledAt: options.reconciledAt ?? null,
  });
}

/** The parts of a state (or of its read-model row) the Application resource is made of. */
export interface ArgoApplicationParts {
  manifest: ApplicationManifest;
  status: ApplicationStatus;
  operation: Operation | null;
  createdAt: string | null;
  streamVersion: number;
  deletedAt: string | null;
  reconciledAt: Date | null;
}

export function argoApplicationOf(parts: ArgoApplicationParts): ArgoApplication {
  const { manifest } = parts;
  const { name, namespace, labels, annotations, ...otherMetadata } = manifest.metadata;
  const reconciledAt = latest(parts.status.reconciledAt, parts.reconciledAt?.toISOString());
  const state = {
    createdAt: parts.createdAt,
    streamVersion: parts.streamVersion,
    operation: parts.operation,
    status: parts.status,
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      ...otherMetadata,
      name,
      namespace: namespace ?? DEFAULT_APP_NAMESPACE,
      labels: { ...(labels ?? {}) },
      annotations: { ...(annotations ?? {}) },
      creationTimestamp: state.createdAt ?? '',
      ...(parts.deletedAt ? { deletionTimestamp: parts.deletedAt } : {}),
      generation: state.streamVersion,
    },
    spec: manifest.spec,
    ...(state.operation ? { operation: state.operation } : {}),
    status: { ...state.status, ...(reconciledAt ? { reconciledAt } : {}) },
  };
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}
