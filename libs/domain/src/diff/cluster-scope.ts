import { groupOf, type KubeObject } from './kube-object';

/** Built-in kinds that live outside namespaces (`group/kind`, core group empty). */
const CLUSTER_SCOPED_KINDS = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
  'policy/PodSecurityPolicy',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/VolumeAttachment',
]);

/**
 * Whether a kind is namespaced, from the cluster's discovery; undefined when the caller does not know
 * (then the built-in list decides, and an unknown custom kind counts as namespaced, as kubectl assumes).
 */
export type IsNamespaced = (group: string, kind: string) => boolean | undefined;

export function isClusterScoped(obj: KubeObject, isNamespaced?: IsNamespaced): boolean {
  const group = groupOf(obj.apiVersion);
  const namespaced = isNamespaced?.(group, obj.kind);
  return namespaced === undefined ? CLUSTER_SCOPED_KINDS.has(`${group}/${obj.kind}`) : !namespaced;
}

/**
 * A namespace Git sets on a cluster-scoped object is not part of its identity: Argo CD drops it
 * (DeduplicateTargetObjects), so the object is compared with, applied as and keyed like its live twin.
 */
export function withoutClusterScopedNamespace(obj: KubeObject, isNamespaced?: IsNamespaced): KubeObject {
  if (obj.metadata.namespace === undefined || !isClusterScoped(obj, isNamespaced)) return obj;
  const { namespace: _namespace, ...metadata } = obj.metadata;
  return { ...obj, metadata: metadata };
}
