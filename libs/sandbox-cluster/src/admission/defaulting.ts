import type {
  CronJobSpec,
  DaemonSetSpec,
  DeploymentSpec,
  JobSpec,
  Namespace,
  PersistentVolumeClaimSpec,
  PodSpec,
  PodTemplateSpec,
  ServiceSpec,
  StatefulSetSpec,
} from '../api/builtin-kinds';
import type { KubeObject } from '../api/resource-type';
import { isPlainObject } from '../store/object-utils';
import { defaultWebhookConfiguration } from './webhook-configuration';

/**
 * The defaults real API servers fill in (pkg/apis/<group>/v1/defaults.go) that show up as drift in a
 * naive desired-vs-live diff. Mutates and returns `obj`.
 */
export function applyDefaults(obj: KubeObject): KubeObject {
  // The kind's view of a spec sent as an object (see api/builtin-kinds.ts: its fields are not type-checked).
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : undefined;
  switch (`${obj.apiVersion}/${obj.kind}`) {
    case 'v1/Namespace': {
      const namespace: Namespace = obj;
      const meta = (namespace.metadata = namespace.metadata ?? {});
      meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': meta.name ?? '' };
      namespace.spec = { finalizers: ['kubernetes'], ...spec };
      namespace.status = { phase: 'Active', ...namespace.status };
      break;
    }
    case 'v1/Secret':
      obj['type'] = obj['type'] ?? 'Opaque';
      mergeStringData(obj);
      break;
    case 'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration':
    case 'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration':
      defaultWebhookConfiguration(obj, obj.kind === 'MutatingWebhookConfiguration');
      break;
    case 'v1/Pod':
      if (spec) defaultPodSpec(spec);
      break;
    case 'v1/Service':
      if (spec) defaultServiceSpec(spec);
      break;
    case 'v1/PersistentVolumeClaim':
      if (spec) {
        const pvc: PersistentVolumeClaimSpec = spec;
        pvc.volumeMode = pvc.volumeMode ?? 'Filesystem';
        pvc.storageClassName = pvc.storageClassName ?? 'standard';
      }
      obj['status'] = obj['status'] ?? { phase: 'Pending' };
      break;
    case 'apps/v1/Deployment':
      if (spec) {
        const d: DeploymentSpec = spec;
        d.replicas = d.replicas ?? 1;
        const strategy = (d.strategy = d.strategy ?? {});
        strategy.type = strategy.type ?? 'RollingUpdate';
        if (strategy.type === 'RollingUpdate') {
          strategy.rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...strategy.rollingUpdate };
        }
        d.revisionHistoryLimit = d.revisionHistoryLimit ?? 10;
        d.progressDeadlineSeconds = d.progressDeadlineSeconds ?? 600;
        defaultTemplate(d);
      }
      break;
    case 'v1/ReplicationController':
      if (spec) {
        // SetDefaults_ReplicationController: the selector and the labels default to the template's labels.
        const rc: { replicas?: number; selector?: unknown; template?: PodTemplateSpec } = spec;
        const labels = rc.template?.metadata?.labels;
        if (
          labels &&
          (rc.selector === undefined || !isPlainObject(rc.selector) || !Object.keys(rc.selector).length)
        )
          rc.selector = { ...labels };
        const meta = (obj.metadata = obj.metadata ?? {});
        if (labels && !meta.labels) meta.labels = { ...labels };
        rc.replicas = rc.replicas ?? 1;
        if (rc.template?.spec) defaultPodSpec(rc.template.spec);
      }
      break;
    case 'apps/v1/ReplicaSet':
      if (spec) {
        const rs: { replicas?: number; template?: PodTemplateSpec } = spec;
        rs.replicas = rs.replicas ?? 1;
        defaultTemplate(rs);
      }
      break;
    case 'apps/v1/StatefulSet':
      if (spec) {
        const sts: StatefulSetSpec = spec;
        sts.replicas = sts.replicas ?? 1;
        sts.podManagementPolicy = sts.podManagementPolicy ?? 'OrderedReady';
        const us = (sts.updateStrategy = sts.updateStrategy ?? {});
        us.type = us.type ?? 'RollingUpdate';
        if (us.type === 'RollingUpdate') us.rollingUpdate = { partition: 0, ...us.rollingUpdate };
        sts.revisionHistoryLimit = sts.revisionHistoryLimit ?? 10;
        sts.persistentVolumeClaimRetentionPolicy = sts.persistentVolumeClaimRetentionPolicy ?? {
          whenDeleted: 'Retain',
          whenScaled: 'Retain',
        };
        defaultTemplate(sts);
      }
      break;
    case 'apps/v1/DaemonSet':
      if (spec) {
        const ds: DaemonSetSpec = spec;
        const us = (ds.updateStrategy = ds.updateStrategy ?? {});
        us.type = us.type ?? 'RollingUpdate';
        if (us.type === 'RollingUpdate')
          us.rollingUpdate = { maxUnavailable: 1, maxSurge: 0, ...us.rollingUpdate };
        ds.revisionHistoryLimit = ds.revisionHistoryLimit ?? 10;
        defaultTemplate(ds);
      }
      break;
    case 'batch/v1/Job':
      if (spec) defaultJobSpec(spec);
      break;
    case 'batch/v1/CronJob':
      if (spec) {
        const cron: CronJobSpec = spec;
        cron.concurrencyPolicy = cron.concurrencyPolicy ?? 'Allow';
        cron.suspend = cron.suspend ?? false;
        cron.successfulJobsHistoryLimit = cron.successfulJobsHistoryLimit ?? 3;
        cron.failedJobsHistoryLimit = cron.failedJobsHistoryLimit ?? 1;
        const jobSpec: unknown = cron.jobTemplate?.spec;
        if (isPlainObject(jobSpec)) {
          const job: JobSpec = jobSpec;
          job.backoffLimit = job.backoffLimit ?? 6;
          job.completionMode = job.completionMode ?? 'NonIndexed';
          job.suspend = job.suspend ?? false;
          defaultTemplate(job);
        }
      }
      break;
  }
  return obj;
}

function defaultTemplate(spec: { template?: PodTemplateSpec }): void {
  const podSpec: unknown = spec.template?.spec;
  if (isPlainObject(podSpec)) defaultPodSpec(podSpec);
}

export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy = spec.restartPolicy ?? 'Always';
  spec.terminationGracePeriodSeconds = spec.terminationGracePeriodSeconds ?? 30;
  spec.dnsPolicy = spec.dnsPolicy ?? 'ClusterFirst';
  spec.securityContext = spec.securityContext ?? {};
  spec.schedulerName = spec.schedulerName ?? 'default-scheduler';
  for (const list of [spec.containers, spec.initContainers]) {
    for (const c of Array.isArray(list) ? (list as unknown[]) : []) {
      if (!isPlainObject(c)) continue;
      c['terminationMessagePath'] = c['terminationMessagePath'] ?? '/dev/termination-log';
      c['terminationMessagePolicy'] = c['terminationMessagePolicy'] ?? 'File';
      const image = c['image'];
      c['imagePullPolicy'] =
        c['imagePullPolicy'] ?? defaultPullPolicy(typeof image === 'string' ? image : '');
      c['resources'] = c['resources'] ?? {};
      const ports = c['ports'];
      for (const p of Array.isArray(ports) ? (ports as unknown[]) : [])
        if (isPlainObject(p)) p['protocol'] = p['protocol'] ?? 'TCP';
    }
  }
}

/** `Always` for `:latest` or untagged images, else `IfNotPresent` (core/v1 defaults.go). */
function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultServiceSpec(spec: ServiceSpec): void {
  spec.type = spec.type ?? 'ClusterIP';
  spec.sessionAffinity = spec.sessionAffinity ?? 'None';
  for (const p of Array.isArray(spec.ports) ? (spec.ports as unknown[]) : []) {
    if (!isPlainObject(p)) continue;
    p['protocol'] = p['protocol'] ?? 'TCP';
    p['targetPort'] = p['targetPort'] ?? p['port'];
  }
  if (spec.type !== 'ExternalName') {
    spec.ipFamilies = spec.ipFamilies ?? ['IPv4'];
    spec.ipFamilyPolicy = spec.ipFamilyPolicy ?? 'SingleStack';
    spec.internalTrafficPolicy = spec.internalTrafficPolicy ?? 'Cluster';
  }
  if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') {
    spec.externalTrafficPolicy = spec.externalTrafficPolicy ?? 'Cluster';
  }
  if (spec.type === 'LoadBalancer')
    spec.allocateLoadBalancerNodePorts = spec.allocateLoadBalancerNodePorts ?? true;
}

function defaultJobSpec(spec: JobSpec): void {
  spec.backoffLimit = spec.backoffLimit ?? 6;
  spec.completions = spec.completions ?? 1;
  spec.parallelism = spec.parallelism ?? 1;
  spec.completionMode = spec.completionMode ?? 'NonIndexed';
  spec.suspend = spec.suspend ?? false;
  defaultTemplate(spec);
}

/**
 * Job selector/labels the Job strategy generates from the object's uid (batch/job strategy.go),
 * unless the user asked for `manualSelector`.
 */
export function defaultJobSelector(job: KubeObject): void {
  const spec = job['spec'];
  const uid = job.metadata?.uid;
  const name = job.metadata?.name ?? '';
  if (!isPlainObject(spec)) return;
  const jobSpec: JobSpec = spec;
  if (jobSpec.manualSelector === true || jobSpec.selector || !uid) return;
  const generated = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  jobSpec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = (jobSpec.template = jobSpec.template ?? {});
  template.metadata = template.metadata ?? {};
  template.metadata.labels = { ...template.metadata.labels, ...generated };
}

/**
 * `stringData` is write-only: the v1 conversion merges it into `data` (base64), its keys winning, and
 * never stores it, so a read, a diff and the immutable-Secret check all see `data`.
 */
function mergeStringData(secret: KubeObject): void {
  const stringData = secret['stringData'];
  delete secret['stringData'];
  if (!isPlainObject(stringData)) return;
  const data = isPlainObject(secret['data']) ? { ...secret['data'] } : {};
  for (const [key, value] of Object.entries(stringData)) {
    data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  secret['data'] = data;
}
