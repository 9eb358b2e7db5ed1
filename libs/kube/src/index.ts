export { ApiDiscovery } from './api-discovery';
export type { DiscoveryGet, ResourceType } from './api-discovery';
export { KubeApiError, codeForStatus } from './kube-api.error';
export type { KubeApiErrorCode } from './kube-api.error';
export { KubeCluster } from './kube-cluster';
export type { ApplyOptions, DeleteOptions, PropagationPolicy, WriteOptions } from './kube-cluster';
export { describeRef, refFromKey, refOf } from './kube-ref';
export type { KubeRef } from './kube-ref';
