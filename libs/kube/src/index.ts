export { ApiDiscovery } from './api-discovery';
export type { DiscoveryGet, ResourceType } from './api-discovery';
export { KubeApiError, codeForStatus, isClusterUnreachable } from './kube-api.error';
export type { KubeApiErrorCode } from './kube-api.error';
export {
  DEFAULT_KUBE_REQUEST_TIMEOUT_MS,
  KubeCluster,
  PATCH_CONTENT_TYPES,
  fieldSelectorOf,
} from './kube-cluster';
export type {
  PatchType,
  ApplyOptions,
  ApplyOutcome,
  ApplyResourceOptions,
  ApplyResult,
  CollectionPage,
  DeleteOptions,
  KubeClientOptions,
  LiveCache,
  WatchEvent,
  PodLogOptions,
  PropagationPolicy,
  WriteOptions,
} from './kube-cluster';
export { applyStrategyOf } from './apply-strategy';
export type { ApplyMode, ApplyStrategy } from './apply-strategy';
export { describeRef, refFromKey, refOf } from './kube-ref';
export type { KubeRef } from './kube-ref';
export {
  IN_CLUSTER_NAME,
  IN_CLUSTER_SERVER,
  InClusterResolver,
  RefusedClusterError,
  RegisteredClusterResolver,
  UnknownClusterError,
  clientOptionsOf,
} from './cluster-resolver';
export type {
  ClusterResolver,
  Destination,
  RegisteredClusterRecord,
  RegisteredClusters,
  SealedConfigOpener,
} from './cluster-resolver';
export { KUBE_REQUEST_CHANNEL, kubeRequestChannel, requestInfoOf } from './kube-request.channel';
export type { KubeRequestMessage } from './kube-request.channel';
export { ClusterCache, DEFAULT_EXCLUSIONS } from './cache/cluster-cache';
export type { CacheChange, CacheLookup, ClusterCacheOptions } from './cache/cluster-cache';
export type { CachedOwnerRef, CachedResource } from './cache/cached-resource';
export { cachedResourceOf, trackingAppOf } from './cache/cached-resource';
export { DEFAULT_KIND_WATCH_OPTIONS } from './cache/kind-watch';
export type { KindWatchOptions } from './cache/kind-watch';
export { prepareObjects } from './prepare-objects';
export { BERTH_FIELD_MANAGER } from './field-manager';
