import type { OpenApiSchema } from '../schema/openapi-schema';
import type { KubeObject, PrinterColumn } from './resource-type';

/**
 * The wire shapes of the built-in kinds, limited to the fields the sandbox reads or writes (defaulting, the
 * simulated controllers, table output). Every field is optional, as in the JSON a client may send.
 *
 * Like a real API server the sandbox stores whatever JSON it was given under `spec` and `status`, but unlike
 * one it does not check those fields against the kind's schema: a view is a cast at the point an object of
 * the kind is read (`obj as Deployment`), and code reading it keeps its defaults (`spec.replicas ?? 1`).
 */
export type Workload<Spec, Status = unknown> = KubeObject & { spec?: Spec; status?: Status };

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** A status condition (metav1.Condition and the older per-kind condition types). */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export interface Container {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  env?: Array<{ name?: string; value?: string }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  ports?: Array<{ containerPort?: number; protocol?: string }>;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  nodeName?: string;
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  dnsPolicy?: string;
  securityContext?: Record<string, unknown>;
  schedulerName?: string;
  serviceAccountName?: string;
  hostname?: string;
  subdomain?: string;
  volumes?: unknown[];
}

export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: PodSpec;
}

/** One state of a container (waiting, running or terminated): the fields of each the sandbox reads. */
export interface ContainerState {
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
}

export interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: ContainerState; running?: ContainerState; terminated?: ContainerState };
  lastState?: { terminated?: ContainerState };
}

export type Pod = Workload<
  PodSpec,
  {
    phase?: string;
    podIP?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  }
>;

export interface ReplicaCounts {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  conditions?: Condition[];
}

export interface DeploymentSpec {
  replicas?: number;
  paused?: boolean;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  strategy?: {
    type?: string;
    rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
  };
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
}

export type Deployment = Workload<DeploymentSpec, ReplicaCounts>;

export type ReplicaSet = Workload<
  { replicas?: number; selector?: LabelSelector; template?: PodTemplateSpec },
  ReplicaCounts
>;

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  volumeClaimTemplates?: Array<{ metadata?: { name?: string }; spec?: unknown }>;
  revisionHistoryLimit?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
}

export type StatefulSet = Workload<StatefulSetSpec, ReplicaCounts & { currentRevision?: string }>;

export interface DaemonSetSpec {
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  updateStrategy?: {
    type?: string;
    rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
  };
  revisionHistoryLimit?: number;
}

export type DaemonSet = Workload<DaemonSetSpec>;

export interface JobSpec {
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  completionMode?: string;
  suspend?: boolean;
  manualSelector?: boolean;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
}

export interface JobStatus {
  conditions?: Condition[];
  startTime?: string;
  [field: string]: unknown;
}

export type Job = Workload<JobSpec, JobStatus>;

export interface CronJobSpec {
  schedule?: string;
  concurrencyPolicy?: string;
  suspend?: boolean;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  jobTemplate?: { spec?: JobSpec };
}

export interface ServicePort {
  port?: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  sessionAffinity?: string;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  internalTrafficPolicy?: string;
  externalTrafficPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
}

/** Services and Ingresses: `status.loadBalancer.ingress` is what a load-balancer controller fills in. */
export type LoadBalanced<Spec = unknown> = Workload<Spec, { loadBalancer?: { ingress?: unknown[] } }>;

export interface PersistentVolumeClaimSpec {
  volumeName?: string;
  volumeMode?: string;
  storageClassName?: string;
  accessModes?: string[];
  resources?: { requests?: { storage?: string } };
}

export type PersistentVolumeClaim = Workload<PersistentVolumeClaimSpec, { phase?: string }>;

export type HorizontalPodAutoscaler = Workload<
  {
    scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
    minReplicas?: number;
    maxReplicas?: number;
  },
  { conditions?: Condition[] }
>;

export type Namespace = Workload<{ finalizers?: string[] }, { phase?: string }>;

export interface CrdNames {
  kind?: string;
  plural?: string;
  singular?: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CrdVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: unknown; scale?: unknown };
  schema?: { openAPIV3Schema?: OpenApiSchema };
  additionalPrinterColumns?: PrinterColumn[];
}

export type CustomResourceDefinition = Workload<
  { group?: string; scope?: string; names?: CrdNames; versions?: CrdVersion[] },
  Record<string, unknown>
>;
