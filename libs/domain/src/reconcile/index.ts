export {
  APPLICATION_GROUP,
  ChildApplicationError,
  PARENT_ANNOTATION,
  RESOURCES_FINALIZER,
  cascadeOf,
  childAsLiveObject,
  childDeletion,
  childManifest,
  decideChildApplication,
  isApplicationKey,
  isApplicationObject,
  parentOf,
} from './app-of-apps';
export type { ChildApplicationDecision, ExistingChild } from './app-of-apps';
export { decideAutoSync } from './auto-sync.decision';
export type { AutoSyncDecision, AutoSyncInput } from './auto-sync.decision';
export { REFRESH_CONDITION_TYPES, appHealthOf, decideRefresh } from './refresh.decision';
export type { ReconcileSnapshot, RefreshOutcome } from './refresh.decision';
export { TRACKING_ID_ANNOTATION, isTrackedBy, trackingIdFor, withTrackingId } from './tracking-id';
