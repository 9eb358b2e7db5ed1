import { stringAt } from '../store/object-utils';
import type { CustomResourceDefinition } from './builtin-kinds';
import type { ResourceType } from './resource-type';

interface BuiltinSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: string[];
  tracksGeneration?: boolean;
  returnsDeletedObject?: boolean;
  fieldLabels?: ResourceType['fieldLabels'];
  verbs?: string[];
  review?: boolean;
}

/** The create-only review kinds (authorization.k8s.io, authentication.k8s.io): answered, never stored. */
const review = { verbs: ['create'], review: true };

const all = ['all'];

const specs: BuiltinSpec[] = [
  // core/v1
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['finalize', 'status'],
    returnsDeletedObject: true,
    fieldLabels: { 'status.phase': (o) => stringAt(o, 'status', 'phase') },
  },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'] },
  {
    group: '',
    version: 'v1',
    kind: 'Secret',
    plural: 'secrets',
    namespaced: true,
    fieldLabels: { type: (o) => stringAt(o, 'type') },
  },
  {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    namespaced: true,
    shortNames: ['sa'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    namespaced: true,
    shortNames: ['quota'],
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'LimitRange',
    plural: 'limitranges',
    namespaced: true,
    shortNames: ['limits'],
  },
  { group: '', version: 'v1', kind: 'PodTemplate', plural: 'podtemplates', namespaced: true },
  {
    group: '',
    version: 'v1',
    kind: 'ReplicationController',
    plural: 'replicationcontrollers',
    namespaced: true,
    shortNames: ['rc'],
    categories: all,
    subresources: ['scale', 'status'],
    tracksGeneration: true,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    namespaced: true,
    shortNames: ['svc'],
    categories: all,
    subresources: ['status'],
    returnsDeletedObject: true,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    namespaced: true,
    shortNames: ['po'],
    categories: all,
    subresources: ['attach', 'ephemeralcontainers', 'exec', 'log', 'portforward', 'proxy', 'status'],
    returnsDeletedObject: true,
    fieldLabels: {
      'spec.nodeName': (o) => stringAt(o, 'spec', 'nodeName') ?? '',
      'spec.restartPolicy': (o) => stringAt(o, 'spec', 'restartPolicy'),
      'spec.schedulerName': (o) => stringAt(o, 'spec', 'schedulerName'),
      'spec.serviceAccountName': (o) => stringAt(o, 'spec', 'serviceAccountName'),
      'status.phase': (o) => stringAt(o, 'status', 'phase'),
      'status.podIP': (o) => stringAt(o, 'status', 'podIP'),
    },
  },
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolume',
    plural: 'persistentvolumes',
    namespaced: false,
    shortNames: ['pv'],
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    namespaced: true,
    shortNames: ['ev'],
    fieldLabels: {
      'involvedObject.kind': (o) => stringAt(o, 'involvedObject', 'kind'),
      'involvedObject.name': (o) => stringAt(o, 'involvedObject', 'name'),
      'involvedObject.namespace': (o) => stringAt(o, 'involvedObject', 'namespace'),
      'involvedObject.uid': (o) => stringAt(o, 'involvedObject', 'uid'),
      reason: (o) => stringAt(o, 'reason'),
      type: (o) => stringAt(o, 'type'),
    },
  },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'] },
  {
    group: '',
    version: 'v1',
    kind: 'Node',
    plural: 'nodes',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
  },
  // apps/v1
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    namespaced: true,
    shortNames: ['deploy'],
    categories: all,
    subresources: ['scale', 'status'],
    tracksGeneration: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    namespaced: true,
    shortNames: ['rs'],
    categories: all,
    subresources: ['scale', 'status'],
    tracksGeneration: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    namespaced: true,
    shortNames: ['sts'],
    categories: all,
    subresources: ['scale', 'status'],
    tracksGeneration: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    namespaced: true,
    shortNames: ['ds'],
    categories: all,
    subresources: ['status'],
    tracksGeneration: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ControllerRevision',
    plural: 'controllerrevisions',
    namespaced: true,
  },
  // batch/v1
  {
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    plural: 'jobs',
    namespaced: true,
    categories: all,
    subresources: ['status'],
    tracksGeneration: true,
  },
  {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    namespaced: true,
    shortNames: ['cj'],
    categories: all,
    subresources: ['status'],
    tracksGeneration: true,
  },
  // networking.k8s.io/v1
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    plural: 'ingresses',
    namespaced: true,
    shortNames: ['ing'],
    subresources: ['status'],
    tracksGeneration: true,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'IngressClass',
    plural: 'ingressclasses',
    namespaced: false,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    namespaced: true,
    shortNames: ['netpol'],
    tracksGeneration: true,
  },
  // autoscaling/v2
  {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
    shortNames: ['hpa'],
    categories: all,
    subresources: ['status'],
  },
  // autoscaling/v1: the same objects, converted from the v2 storage (api/hpa-v1-conversion.ts)
  {
    group: 'autoscaling',
    version: 'v1',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
    shortNames: ['hpa'],
    categories: all,
    subresources: ['status'],
  },
  // policy/v1
  {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    namespaced: true,
    shortNames: ['pdb'],
    subresources: ['status'],
    tracksGeneration: true,
  },
  // rbac.authorization.k8s.io/v1
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'RoleBinding',
    plural: 'rolebindings',
    namespaced: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRole',
    plural: 'clusterroles',
    namespaced: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
  // apiextensions.k8s.io/v1
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    subresources: ['status'],
    tracksGeneration: true,
  },
  // admissionregistration.k8s.io/v1: the sandbox calls these webhooks (admission/admission-webhooks.ts)
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'MutatingWebhookConfiguration',
    plural: 'mutatingwebhookconfigurations',
    namespaced: false,
    categories: ['api-extensions'],
    tracksGeneration: true,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingWebhookConfiguration',
    plural: 'validatingwebhookconfigurations',
    namespaced: false,
    categories: ['api-extensions'],
    tracksGeneration: true,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingAdmissionPolicy',
    plural: 'validatingadmissionpolicies',
    namespaced: false,
    categories: ['api-extensions'],
    subresources: ['status'],
    tracksGeneration: true,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    plural: 'validatingadmissionpolicybindings',
    namespaced: false,
    categories: ['api-extensions'],
    tracksGeneration: true,
  },
  // authorization.k8s.io/v1 and authentication.k8s.io/v1: reviews (server/review-answers.ts)
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'LocalSubjectAccessReview',
    plural: 'localsubjectaccessreviews',
    namespaced: true,
    ...review,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectAccessReview',
    plural: 'selfsubjectaccessreviews',
    namespaced: false,
    ...review,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectRulesReview',
    plural: 'selfsubjectrulesreviews',
    namespaced: false,
    ...review,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SubjectAccessReview',
    plural: 'subjectaccessreviews',
    namespaced: false,
    ...review,
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectReview',
    plural: 'selfsubjectreviews',
    namespaced: false,
    ...review,
  },
  // events.k8s.io/v1: its own storage here (no conversion from core/v1 Events, see the README)
  {
    group: 'events.k8s.io',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    namespaced: true,
    shortNames: ['ev'],
  },
  // scheduling.k8s.io/v1, node.k8s.io/v1, certificates.k8s.io/v1, flowcontrol.apiserver.k8s.io/v1
  {
    group: 'scheduling.k8s.io',
    version: 'v1',
    kind: 'PriorityClass',
    plural: 'priorityclasses',
    namespaced: false,
    shortNames: ['pc'],
  },
  { group: 'node.k8s.io', version: 'v1', kind: 'RuntimeClass', plural: 'runtimeclasses', namespaced: false },
  {
    group: 'certificates.k8s.io',
    version: 'v1',
    kind: 'CertificateSigningRequest',
    plural: 'certificatesigningrequests',
    namespaced: false,
    shortNames: ['csr'],
    subresources: ['approval', 'status'],
  },
  {
    group: 'flowcontrol.apiserver.k8s.io',
    version: 'v1',
    kind: 'FlowSchema',
    plural: 'flowschemas',
    namespaced: false,
    subresources: ['status'],
    tracksGeneration: true,
  },
  {
    group: 'flowcontrol.apiserver.k8s.io',
    version: 'v1',
    kind: 'PriorityLevelConfiguration',
    plural: 'prioritylevelconfigurations',
    namespaced: false,
    subresources: ['status'],
    tracksGeneration: true,
  },
  // storage.k8s.io/v1, coordination.k8s.io/v1, discovery.k8s.io/v1
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'StorageClass',
    plural: 'storageclasses',
    namespaced: false,
    shortNames: ['sc'],
  },
  { group: 'storage.k8s.io', version: 'v1', kind: 'CSIDriver', plural: 'csidrivers', namespaced: false },
  { group: 'storage.k8s.io', version: 'v1', kind: 'CSINode', plural: 'csinodes', namespaced: false },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'VolumeAttachment',
    plural: 'volumeattachments',
    namespaced: false,
    subresources: ['status'],
  },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    namespaced: true,
  },
];

export function builtinResourceTypes(): ResourceType[] {
  return specs.map((s) => ({
    group: s.group,
    version: s.version,
    kind: s.kind,
    plural: s.plural,
    singular: s.kind.toLowerCase(),
    namespaced: s.namespaced,
    ...(s.shortNames ? { shortNames: s.shortNames } : {}),
    ...(s.categories ? { categories: s.categories } : {}),
    subresources: s.subresources ?? [],
    tracksGeneration: s.tracksGeneration ?? false,
    builtin: true,
    returnsDeletedObject: s.returnsDeletedObject ?? false,
    allowUnconditionalUpdate: true,
    ...(s.fieldLabels ? { fieldLabels: s.fieldLabels } : {}),
    ...(s.verbs ? { verbs: s.verbs } : {}),
    ...(s.review ? { review: true } : {}),
  }));
}

/** The resource type a CustomResourceDefinition declares for its storage (or first served) version. */
export function resourceTypesFromCrd(crd: CustomResourceDefinition): ResourceType[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return versions
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: String(spec.group),
      version: String(v.name),
      kind: String(names.kind),
      plural: String(names.plural),
      singular: String(names.singular ?? String(names.kind).toLowerCase()),
      namespaced: spec.scope !== 'Cluster',
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
      subresources: [
        ...(v.subresources?.scale ? ['scale'] : []),
        ...(v.subresources?.status ? ['status'] : []),
      ],
      tracksGeneration: true,
      builtin: false,
      returnsDeletedObject: true,
      allowUnconditionalUpdate: false,
      ...(v.schema?.openAPIV3Schema ? { schema: v.schema.openAPIV3Schema } : {}),
      ...(Array.isArray(v.additionalPrinterColumns) ? { printerColumns: v.additionalPrinterColumns } : {}),
    }));
}
