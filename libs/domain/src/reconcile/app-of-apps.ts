import { validateApplication } from '../application/application.validator';
import { formatIssue } from '../application/validation-issue';
import { changedTopLevelPaths } from '../application/application.decide';
import { groupOf, type KubeObject } from '../diff/kube-object';
import {
  applicationEvent,
  type ApplicationCreated,
  type ApplicationDeleted,
  type ApplicationManifest,
  type ApplicationSpecChanged,
} from '../events/application.events';
import type { HealthStatusCode } from '../health/health-status';

/**
 * App of Apps: a parent app that renders `argoproj.io/v1alpha1` Application objects does not
 * apply them to a cluster; each becomes an application in Berth, owned by the parent.
 */

/** Set on a child's stored manifest: the app whose Git declares it. */
export const PARENT_ANNOTATION = 'berth.dev/parent';
/** Argo CD's finalizer: deleting the Application deletes its resources too (cascade). */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

export const APPLICATION_GROUP = 'argoproj.io';

export function isApplicationObject(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return obj.kind === 'Application' && groupOf(obj.apiVersion) === APPLICATION_GROUP;
}

export function isApplicationKey(key: string): boolean {
  return key.startsWith(`${APPLICATION_GROUP}/Application/`);
}

export function parentOf(manifest: Pick<ApplicationManifest, 'metadata'>): string | undefined {
  return manifest.metadata.annotations?.[PARENT_ANNOTATION];
}

/** A child app cannot be declared: its Application object fails validation, or it belongs to someone else. */
export class ChildApplicationError extends Error {
  override readonly name = 'ChildApplicationError';
  constructor(
    readonly code: 'InvalidChildApplication' | 'NotOwnedByParent',
    message: string,
  ) {
    super(message);
  }
}

/** The child as the log knows it, if it exists. */
export interface ExistingChild {
  manifest: ApplicationManifest;
}

export type ChildApplicationDecision =
  | { result: 'created'; event: ApplicationCreated }
  | { result: 'configured'; event: ApplicationSpecChanged }
  | { result: 'unchanged' };

/**
 * What declaring `rendered` (an Application object the parent's Git renders, tracking id set)
 * does to the child's stream: create it, change its spec, or nothing when the stored manifest
 * is already the rendered one. The stored manifest is the rendered one, validated (defaults
 * filled in), with `berth.dev/parent` set. A child made by a person or by another parent is
 * never taken over.
 */
export function decideChildApplication(
  parent: string,
  rendered: KubeObject,
  existing: ExistingChild | undefined,
): ChildApplicationDecision {
  const name = rendered.metadata.name;
  const manifest = childManifest(parent, rendered);
  if (!existing) {
    return {
      result: 'created',
      event: applicationEvent<ApplicationCreated>('ApplicationCreated', {
        application: name,
        project: projectOf(manifest),
        manifest,
      }),
    };
  }
  const owner = parentOf(existing.manifest);
  if (owner !== parent) {
    throw new ChildApplicationError(
      'NotOwnedByParent',
      `application "${name}" already exists and is ${owner ? `a child of "${owner}"` : 'not a child of any app'}; ` +
        `rename the Application in ${parent}'s Git, or delete the existing "${name}" first`,
    );
  }
  const changedPaths = changedTopLevelPaths(existing.manifest, manifest);
  if (changedPaths.length === 0) return { result: 'unchanged' };
  return {
    result: 'configured',
    event: applicationEvent<ApplicationSpecChanged>('ApplicationSpecChanged', {
      application: name,
      project: projectOf(manifest),
      manifest,
      changedPaths,
    }),
  };
}

/** The manifest stored for a child: validated with defaults, owned by `parent`. */
export function childManifest(parent: string, rendered: KubeObject): ApplicationManifest {
  const input = {
    ...rendered,
    metadata: {
      ...rendered.metadata,
      annotations: { ...(rendered.metadata.annotations ?? {}), [PARENT_ANNOTATION]: parent },
    },
  };
  const result = validateApplication(input);
  if (!result.ok) {
    throw new ChildApplicationError(
      'InvalidChildApplication',
      `Application "${rendered.metadata.name}" rendered by ${parent} is invalid: ` +
        result.errors.map((issue) => formatIssue(issue)).join('; '),
    );
  }
  return result.application as unknown as ApplicationManifest;
}

/** Argo CD deletes an Application's resources with it only when it carries the resources finalizer. */
export function cascadeOf(manifest: Pick<ApplicationManifest, 'metadata'>): boolean {
  return (manifest.metadata.finalizers ?? []).some(
    (f) => f === RESOURCES_FINALIZER || f.startsWith(`${RESOURCES_FINALIZER}/`),
  );
}

/** The child is no longer in the parent's Git and the parent prunes: delete it. */
export function childDeletion(
  name: string,
  manifest: Pick<ApplicationManifest, 'metadata'>,
): ApplicationDeleted {
  return applicationEvent<ApplicationDeleted>('ApplicationDeleted', {
    application: name,
    cascade: cascadeOf(manifest),
  });
}

/**
 * A child as its parent sees it (the "live object" of the parent's Application resource): the
 * stored manifest with Argo CD's `status.sync` / `status.health`, so the parent's diff, health
 * and sync waves work on it as on any resource. A child that was never compared has no health
 * yet (Progressing to the parent).
 */
export function childAsLiveObject(child: {
  manifest: ApplicationManifest;
  syncStatus: string;
  healthStatus: string;
  /** The child's own health message: the parent shows it as the child resource's (Argo CD does). */
  healthMessage?: string;
  revision: string | null;
  streamVersion: number;
}): KubeObject {
  const reported = !(child.healthStatus === 'Unknown' && child.revision === null);
  return {
    ...(child.manifest as unknown as KubeObject),
    metadata: { ...child.manifest.metadata, resourceVersion: String(child.streamVersion) },
    status: {
      sync: { status: child.syncStatus, ...(child.revision ? { revision: child.revision } : {}) },
      ...(reported
        ? {
            health: {
              status: child.healthStatus as HealthStatusCode,
              ...(child.healthMessage ? { message: child.healthMessage } : {}),
            },
          }
        : {}),
    },
  };
}

function projectOf(manifest: ApplicationManifest): string {
  const project = manifest.spec['project'];
  return typeof project === 'string' && project !== '' ? project : 'default';
}
