export { startSandboxCluster, type SandboxCluster, type SandboxClusterOptions } from './sandbox-cluster';
export { sandboxKubeconfig } from './kubeconfig';
export { findKubectl } from './testing/find-kubectl';
export { ApiStatusError, statusErrors, type StatusCause } from './errors/api-status.error';
export { SandboxStateError } from './state/state-file';
export type { KubeObject, ResourceType } from './api/resource-type';
export {
  runKubectl,
  KubectlNotFoundError,
  type KubectlResult,
  type KubectlOptions,
} from './testing/kubectl-runner';
export type { ObjectRegistry } from './registry/object-registry';
export type { RecordedRequest } from './server/request-log';
export {
  startAdmissionWebhookReceiver,
  type AdmissionWebhookReceiver,
  type AdmissionRequest,
  type AdmissionVerdict,
} from './testing/admission-webhook-receiver';
