export { ApiDiscovery } from './api-discovery';
export type { DiscoveryGet, ResourceType } from './api-discovery';
export { KubeApiError, codeForStatus, isClusterUnreachable } from './kube-api.error';
export type { KubeApiErrorCode } from './kube-api.error';
export { KubeCluster, fieldSelectorOf } from './kube-cluster';
export type {
  ApplyOptions,
  ApplyOutcome,
  ApplyResourceOptions,
  ApplyResult,
  DeleteOptions,
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
} from './cluster-resolver';
export type {
  ClusterResolver,
  Destination,
  RegisteredClusterRecord,
  RegisteredClusters,
  SealedConfigOpener,
} from './cluster-resolver';
