import { groupOf, type KubeObject } from '../diff/kube-object';

/** Argo CD's annotation-based resource tracking: `<app>:<group>/<kind>:<namespace>/<name>`. */
export const TRACKING_ID_ANNOTATION = 'argocd.argoproj.io/tracking-id';

export function trackingIdFor(application: string, obj: KubeObject): string {
  const ns = obj.metadata.namespace ?? '';
  return `${application}:${groupOf(obj.apiVersion)}/${obj.kind}:${ns}/${obj.metadata.name}`;
}

/** A copy of `obj` carrying this app's tracking id (set on everything Berth applies, and before diffing). */
export function withTrackingId(application: string, obj: KubeObject): KubeObject {
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
