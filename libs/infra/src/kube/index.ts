export * from './kube-api.error';
export * from './kube-ref';
export * from './api-discovery';
export * from './kube-cluster';
