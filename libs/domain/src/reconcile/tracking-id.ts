import { groupOf, type KubeObject } from '../diff/kube-object';

/** Argo CD's annotation-based resource tracking: `<app>:<group>/<kind>:<namespace>/<name>`. */
export const TRACKING_ID_ANNOTATION = 'argocd.argoproj.io/tracking-id';

export function trackingIdFor(application: string, obj: KubeObject): string {
  const ns = obj.metadata.namespace ?? '';
  return `${application}:${groupOf(obj.apiVersion)}/${obj.kind}:${ns}/${obj.metadata.name}`;
}

/**
 * A copy of `obj` carrying this app's tracking id (set on everything Berth applies, and before diffing).
 * An object without a name yet (a hook with `generateName`) is returned as it is: the sync names it per
 * operation and tracks it under that name (hook-name.ts), never under "undefined".
 */
export function withTrackingId(application: string, obj: KubeObject): KubeObject {
  if (typeof obj.metadata.name !== 'string' || obj.metadata.name === '') return obj;
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: {
        ...(obj.metadata.annotations ?? {}),
        [TRACKING_ID_ANNOTATION]: trackingIdFor(application, obj),
      },
    },
  };
}

/** Whether a live object says it belongs to this app (a copied object keeps its annotation but not its identity). */
export function isTrackedBy(application: string, obj: KubeObject): boolean {
  return obj.metadata.annotations?.[TRACKING_ID_ANNOTATION] === trackingIdFor(application, obj);
}
