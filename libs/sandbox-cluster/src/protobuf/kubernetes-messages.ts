/**
 * The protobuf messages the sandbox decodes, as data: message name -> field number -> declaration.
 *
 * Field numbers and names are copied from the `generated.proto` files of k8s.io/api and
 * k8s.io/apimachinery (kubernetes/kubernetes staging/src/k8s.io/...; numbers never change between
 * releases). Only the messages kubectl's typed commands send are listed (`kubectl create
 * namespace|configmap|secret|serviceaccount|deployment|job|cronjob|service|role|rolebinding|
 * clusterrole|clusterrolebinding|ingress|pdb|priorityclass|quota`, `expose`, `autoscale`,
 * `auth can-i`, `auth whoami`), and within them the fields kubectl's generators can set, plus every
 * non-pointer field Go always writes on the wire. A field missing here is refused by the decoder
 * when it carries a value (never dropped).
 *
 * A declaration reads like the .proto line, `[modifiers] type jsonName`:
 * - type: `string`, `bytes` (JSON base64), `bool`, `int32`, `int64`, `double`, a message name below,
 *   a well-known type (`Quantity`, `IntOrString`, `Time`, `MicroTime`), or `map<string,VALUE>`.
 * - `repeated`: a list (scalars may be packed or not).
 * - `ptr`: a Go pointer (or a field without `omitempty`): its zero value is kept, as Go writes it
 *   only when set. Non-pointer scalars are always on the wire, so their zero value means "unset"
 *   and is omitted, as `omitempty` does in JSON.
 * - `inline`: an embedded Go struct whose fields JSON flattens into the parent
 *   (`json:",inline"`), e.g. IngressRule.ingressRuleValue.
 * - `server-owned`: status, which the server resets on create and update of the main resource
 *   (registry/object-registry.ts); it is read past, whatever it holds.
 */
export const kubernetesMessages: Record<string, Record<number, string>> = {
  // k8s.io/apimachinery/pkg/apis/meta/v1
  ObjectMeta: {
    1: 'string name',
    2: 'string generateName',
    3: 'string namespace',
    4: 'string selfLink',
    5: 'string uid',
    6: 'string resourceVersion',
    7: 'int64 generation',
    8: 'Time creationTimestamp',
    9: 'Time deletionTimestamp',
    10: 'ptr int64 deletionGracePeriodSeconds',
    11: 'map<string,string> labels',
    12: 'map<string,string> annotations',
    13: 'repeated OwnerReference ownerReferences',
    14: 'repeated string finalizers',
  },
  OwnerReference: {
    5: 'string apiVersion',
    1: 'string kind',
    3: 'string name',
    4: 'string uid',
    6: 'ptr bool controller',
    7: 'ptr bool blockOwnerDeletion',
  },
  LabelSelector: {
    1: 'map<string,string> matchLabels',
    2: 'repeated LabelSelectorRequirement matchExpressions',
  },
  LabelSelectorRequirement: { 1: 'string key', 2: 'string operator', 3: 'repeated string values' },

  // k8s.io/api/core/v1
  Namespace: { 1: 'ObjectMeta metadata', 2: 'NamespaceSpec spec', 3: 'server-owned status' },
  NamespaceSpec: { 1: 'repeated string finalizers' },
  ConfigMap: {
    1: 'ObjectMeta metadata',
    2: 'map<string,string> data',
    3: 'map<string,bytes> binaryData',
    4: 'ptr bool immutable',
  },
  Secret: {
    1: 'ObjectMeta metadata',
    5: 'ptr bool immutable',
    2: 'map<string,bytes> data',
    4: 'map<string,string> stringData',
    3: 'string type',
  },
  ServiceAccount: { 1: 'ObjectMeta metadata', 4: 'ptr bool automountServiceAccountToken' },
  PodTemplateSpec: { 1: 'ObjectMeta metadata', 2: 'PodSpec spec' },
  PodSpec: {
    20: 'repeated Container initContainers',
    2: 'repeated Container containers',
    3: 'string restartPolicy',
    4: 'ptr int64 terminationGracePeriodSeconds',
    5: 'ptr int64 activeDeadlineSeconds',
    6: 'string dnsPolicy',
    7: 'map<string,string> nodeSelector',
    8: 'string serviceAccountName',
    9: 'string serviceAccount',
    21: 'ptr bool automountServiceAccountToken',
    10: 'string nodeName',
    11: 'bool hostNetwork',
    12: 'bool hostPID',
    13: 'bool hostIPC',
    27: 'ptr bool shareProcessNamespace',
    16: 'string hostname',
    17: 'string subdomain',
    19: 'string schedulerName',
    22: 'repeated Toleration tolerations',
    24: 'string priorityClassName',
    25: 'ptr int32 priority',
    29: 'ptr string runtimeClassName',
    30: 'ptr bool enableServiceLinks',
    31: 'ptr string preemptionPolicy',
    32: 'map<string,Quantity> overhead',
    35: 'ptr bool setHostnameAsFQDN',
    37: 'ptr bool hostUsers',
    40: 'ResourceRequirements resources',
    41: 'ptr string hostnameOverride',
  },
  Container: {
    1: 'string name',
    2: 'string image',
    3: 'repeated string command',
    4: 'repeated string args',
    5: 'string workingDir',
    6: 'repeated ContainerPort ports',
    7: 'repeated EnvVar env',
    8: 'ResourceRequirements resources',
    23: 'repeated ContainerResizePolicy resizePolicy',
    24: 'ptr string restartPolicy',
    13: 'string terminationMessagePath',
    20: 'string terminationMessagePolicy',
    14: 'string imagePullPolicy',
    16: 'bool stdin',
    17: 'bool stdinOnce',
    18: 'bool tty',
  },
  ContainerPort: {
    1: 'string name',
    2: 'int32 hostPort',
    3: 'int32 containerPort',
    4: 'string protocol',
    5: 'string hostIP',
  },
  ContainerResizePolicy: { 1: 'string resourceName', 2: 'string restartPolicy' },
  EnvVar: { 1: 'string name', 2: 'string value' },
  ResourceRequirements: { 1: 'map<string,Quantity> limits', 2: 'map<string,Quantity> requests' },
  Toleration: {
    1: 'string key',
    2: 'string operator',
    3: 'string value',
    4: 'string effect',
    5: 'ptr int64 tolerationSeconds',
  },
  Service: { 1: 'ObjectMeta metadata', 2: 'ServiceSpec spec', 3: 'server-owned status' },
  ServiceSpec: {
    1: 'repeated ServicePort ports',
    2: 'map<string,string> selector',
    3: 'string clusterIP',
    18: 'repeated string clusterIPs',
    4: 'string type',
    5: 'repeated string externalIPs',
    7: 'string sessionAffinity',
    8: 'string loadBalancerIP',
    9: 'repeated string loadBalancerSourceRanges',
    10: 'string externalName',
    11: 'string externalTrafficPolicy',
    12: 'int32 healthCheckNodePort',
    13: 'bool publishNotReadyAddresses',
    19: 'repeated string ipFamilies',
    17: 'ptr string ipFamilyPolicy',
    20: 'ptr bool allocateLoadBalancerNodePorts',
    21: 'ptr string loadBalancerClass',
    22: 'ptr string internalTrafficPolicy',
    23: 'ptr string trafficDistribution',
  },
  ServicePort: {
    1: 'string name',
    2: 'string protocol',
    6: 'ptr string appProtocol',
    3: 'int32 port',
    4: 'IntOrString targetPort',
    5: 'int32 nodePort',
  },
  ResourceQuota: { 1: 'ObjectMeta metadata', 2: 'ResourceQuotaSpec spec', 3: 'server-owned status' },
  ResourceQuotaSpec: {
    1: 'map<string,Quantity> hard',
    2: 'repeated string scopes',
    3: 'ScopeSelector scopeSelector',
  },
  ScopeSelector: { 1: 'repeated ScopedResourceSelectorRequirement matchExpressions' },
  ScopedResourceSelectorRequirement: {
    1: 'string scopeName',
    2: 'string operator',
    3: 'repeated string values',
  },

  // k8s.io/api/apps/v1
  Deployment: { 1: 'ObjectMeta metadata', 2: 'DeploymentSpec spec', 3: 'server-owned status' },
  DeploymentSpec: {
    1: 'ptr int32 replicas',
    2: 'LabelSelector selector',
    3: 'PodTemplateSpec template',
    4: 'DeploymentStrategy strategy',
    5: 'int32 minReadySeconds',
    6: 'ptr int32 revisionHistoryLimit',
    7: 'bool paused',
    9: 'ptr int32 progressDeadlineSeconds',
    10: 'ptr string podReplacementPolicy',
  },
  DeploymentStrategy: { 1: 'string type', 2: 'RollingUpdateDeployment rollingUpdate' },
  RollingUpdateDeployment: { 1: 'IntOrString maxUnavailable', 2: 'IntOrString maxSurge' },

  // k8s.io/api/batch/v1
  Job: { 1: 'ObjectMeta metadata', 2: 'JobSpec spec', 3: 'server-owned status' },
  JobSpec: {
    1: 'ptr int32 parallelism',
    2: 'ptr int32 completions',
    3: 'ptr int64 activeDeadlineSeconds',
    7: 'ptr int32 backoffLimit',
    12: 'ptr int32 backoffLimitPerIndex',
    13: 'ptr int32 maxFailedIndexes',
    4: 'LabelSelector selector',
    5: 'ptr bool manualSelector',
    6: 'PodTemplateSpec template',
    8: 'ptr int32 ttlSecondsAfterFinished',
    9: 'ptr string completionMode',
    10: 'ptr bool suspend',
    14: 'ptr string podReplacementPolicy',
    15: 'ptr string managedBy',
  },
  JobTemplateSpec: { 1: 'ObjectMeta metadata', 2: 'JobSpec spec' },
  CronJob: { 1: 'ObjectMeta metadata', 2: 'CronJobSpec spec', 3: 'server-owned status' },
  CronJobSpec: {
    1: 'string schedule',
    8: 'ptr string timeZone',
    2: 'ptr int64 startingDeadlineSeconds',
    3: 'string concurrencyPolicy',
    4: 'ptr bool suspend',
    5: 'JobTemplateSpec jobTemplate',
    6: 'ptr int32 successfulJobsHistoryLimit',
    7: 'ptr int32 failedJobsHistoryLimit',
  },

  // k8s.io/api/rbac/v1
  Role: { 1: 'ObjectMeta metadata', 2: 'repeated PolicyRule rules' },
  ClusterRole: {
    1: 'ObjectMeta metadata',
    2: 'repeated PolicyRule rules',
    3: 'AggregationRule aggregationRule',
  },
  AggregationRule: { 1: 'repeated LabelSelector clusterRoleSelectors' },
  PolicyRule: {
    1: 'repeated string verbs',
    2: 'repeated string apiGroups',
    3: 'repeated string resources',
    4: 'repeated string resourceNames',
    5: 'repeated string nonResourceURLs',
  },
  RoleBinding: { 1: 'ObjectMeta metadata', 2: 'repeated Subject subjects', 3: 'RoleRef roleRef' },
  ClusterRoleBinding: { 1: 'ObjectMeta metadata', 2: 'repeated Subject subjects', 3: 'RoleRef roleRef' },
  RoleRef: { 1: 'string apiGroup', 2: 'string kind', 3: 'string name' },
  Subject: { 1: 'string kind', 2: 'string apiGroup', 3: 'string name', 4: 'string namespace' },

  // k8s.io/api/networking/v1
  Ingress: { 1: 'ObjectMeta metadata', 2: 'IngressSpec spec', 3: 'server-owned status' },
  IngressSpec: {
    4: 'ptr string ingressClassName',
    1: 'IngressBackend defaultBackend',
    2: 'repeated IngressTLS tls',
    3: 'repeated IngressRule rules',
  },
  IngressBackend: { 4: 'IngressServiceBackend service' },
  IngressServiceBackend: { 1: 'string name', 2: 'ServiceBackendPort port' },
  ServiceBackendPort: { 1: 'string name', 2: 'int32 number' },
  IngressTLS: { 1: 'repeated string hosts', 2: 'string secretName' },
  IngressRule: { 1: 'string host', 2: 'inline IngressRuleValue ingressRuleValue' },
  IngressRuleValue: { 1: 'HTTPIngressRuleValue http' },
  HTTPIngressRuleValue: { 1: 'repeated HTTPIngressPath paths' },
  HTTPIngressPath: { 1: 'string path', 3: 'ptr string pathType', 2: 'IngressBackend backend' },

  // k8s.io/api/policy/v1
  PodDisruptionBudget: {
    1: 'ObjectMeta metadata',
    2: 'PodDisruptionBudgetSpec spec',
    3: 'server-owned status',
  },
  PodDisruptionBudgetSpec: {
    1: 'IntOrString minAvailable',
    2: 'LabelSelector selector',
    3: 'IntOrString maxUnavailable',
  },

  // k8s.io/api/scheduling/v1 (value has no omitempty: a zero is kept)
  PriorityClass: {
    1: 'ObjectMeta metadata',
    2: 'ptr int32 value',
    3: 'bool globalDefault',
    4: 'string description',
    5: 'ptr string preemptionPolicy',
  },

  // k8s.io/api/autoscaling/v2 (kubectl autoscale tries v2 first)
  HorizontalPodAutoscaler: {
    1: 'ObjectMeta metadata',
    2: 'HorizontalPodAutoscalerSpec spec',
    3: 'server-owned status',
  },
  HorizontalPodAutoscalerSpec: {
    1: 'CrossVersionObjectReference scaleTargetRef',
    2: 'ptr int32 minReplicas',
    3: 'int32 maxReplicas',
    4: 'repeated MetricSpec metrics',
    5: 'HorizontalPodAutoscalerBehavior behavior',
  },
  CrossVersionObjectReference: { 1: 'string kind', 2: 'string name', 3: 'string apiVersion' },
  MetricSpec: {
    1: 'string type',
    2: 'ObjectMetricSource object',
    3: 'PodsMetricSource pods',
    4: 'ResourceMetricSource resource',
    7: 'ContainerResourceMetricSource containerResource',
    5: 'ExternalMetricSource external',
  },
  ObjectMetricSource: {
    1: 'CrossVersionObjectReference describedObject',
    2: 'MetricTarget target',
    3: 'MetricIdentifier metric',
  },
  PodsMetricSource: { 1: 'MetricIdentifier metric', 2: 'MetricTarget target' },
  ResourceMetricSource: { 1: 'string name', 2: 'MetricTarget target' },
  ContainerResourceMetricSource: { 1: 'string name', 2: 'MetricTarget target', 3: 'string container' },
  ExternalMetricSource: { 1: 'MetricIdentifier metric', 2: 'MetricTarget target' },
  MetricIdentifier: { 1: 'string name', 2: 'LabelSelector selector' },
  MetricTarget: {
    1: 'string type',
    2: 'Quantity value',
    3: 'Quantity averageValue',
    4: 'ptr int32 averageUtilization',
  },
  HorizontalPodAutoscalerBehavior: { 1: 'HPAScalingRules scaleUp', 2: 'HPAScalingRules scaleDown' },
  HPAScalingRules: {
    3: 'ptr int32 stabilizationWindowSeconds',
    1: 'ptr string selectPolicy',
    2: 'repeated HPAScalingPolicy policies',
    4: 'Quantity tolerance',
  },
  HPAScalingPolicy: { 1: 'string type', 2: 'int32 value', 3: 'int32 periodSeconds' },

  // k8s.io/api/authorization/v1 and authentication/v1 (kubectl auth can-i / whoami)
  SelfSubjectAccessReview: {
    1: 'ObjectMeta metadata',
    2: 'SelfSubjectAccessReviewSpec spec',
    3: 'server-owned status',
  },
  SelfSubjectAccessReviewSpec: {
    1: 'ResourceAttributes resourceAttributes',
    2: 'NonResourceAttributes nonResourceAttributes',
  },
  ResourceAttributes: {
    1: 'string namespace',
    2: 'string verb',
    3: 'string group',
    4: 'string version',
    5: 'string resource',
    6: 'string subresource',
    7: 'string name',
  },
  NonResourceAttributes: { 1: 'string path', 2: 'string verb' },
  SelfSubjectRulesReview: {
    1: 'ObjectMeta metadata',
    2: 'SelfSubjectRulesReviewSpec spec',
    3: 'server-owned status',
  },
  SelfSubjectRulesReviewSpec: { 1: 'string namespace' },
  SelfSubjectReview: { 1: 'ObjectMeta metadata', 2: 'server-owned status' },
};

/** The top-level message of each `apiVersion/kind` a protobuf body may carry. */
export const kubernetesKinds: Record<string, string> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/Service': 'Service',
  'v1/ResourceQuota': 'ResourceQuota',
  'apps/v1/Deployment': 'Deployment',
  'batch/v1/Job': 'Job',
  'batch/v1/CronJob': 'CronJob',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'ClusterRoleBinding',
  'networking.k8s.io/v1/Ingress': 'Ingress',
  'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
  'scheduling.k8s.io/v1/PriorityClass': 'PriorityClass',
  'autoscaling/v2/HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
};
