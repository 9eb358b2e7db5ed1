import type { AnyJson } from '../api/json';
import type { KubeObject } from '../api/resource-type';
import { isPlainObject } from '../store/object-utils';

/**
 * The defaults real API servers fill in (pkg/apis/<group>/v1/defaults.go) that show up as drift in a
 * naive desired-vs-live diff. Mutates and returns `obj`.
 */
export function applyDefaults(obj: KubeObject): KubeObject {
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : undefined;
  switch (`${obj.apiVersion}/${obj.kind}`) {
    case 'v1/Namespace': {
      obj.metadata = obj.metadata ?? {};
      obj.metadata['labels'] = {
        ...obj.metadata['labels'],
        'kubernetes.io/metadata.name': obj.metadata['name'],
      };
      obj['spec'] = { finalizers: ['kubernetes'], ...spec };
      obj['status'] = { phase: 'Active', ...obj['status'] };
      break;
    }
    case 'v1/Secret':
      obj['type'] = obj['type'] ?? 'Opaque';
      break;
    case 'v1/Pod':
      if (spec) defaultPodSpec(spec);
      break;
    case 'v1/Service':
      if (spec) defaultServiceSpec(spec);
      break;
    case 'v1/PersistentVolumeClaim':
      if (spec) {
        spec['volumeMode'] = spec['volumeMode'] ?? 'Filesystem';
        spec['storageClassName'] = spec['storageClassName'] ?? 'standard';
      }
      obj['status'] = obj['status'] ?? { phase: 'Pending' };
      break;
    case 'apps/v1/Deployment':
      if (spec) {
        spec['replicas'] = spec['replicas'] ?? 1;
        const strategy = (spec['strategy'] = spec['strategy'] ?? {});
        strategy.type = strategy.type ?? 'RollingUpdate';
        if (strategy.type === 'RollingUpdate') {
          strategy.rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...strategy.rollingUpdate };
        }
        spec['revisionHistoryLimit'] = spec['revisionHistoryLimit'] ?? 10;
        spec['progressDeadlineSeconds'] = spec['progressDeadlineSeconds'] ?? 600;
        defaultTemplate(spec);
      }
      break;
    case 'apps/v1/ReplicaSet':
      if (spec) {
        spec['replicas'] = spec['replicas'] ?? 1;
        defaultTemplate(spec);
      }
      break;
    case 'apps/v1/StatefulSet':
      if (spec) {
        spec['replicas'] = spec['replicas'] ?? 1;
        spec['podManagementPolicy'] = spec['podManagementPolicy'] ?? 'OrderedReady';
        const us = (spec['updateStrategy'] = spec['updateStrategy'] ?? {});
        us.type = us.type ?? 'RollingUpdate';
        if (us.type === 'RollingUpdate') us.rollingUpdate = { partition: 0, ...us.rollingUpdate };
        spec['revisionHistoryLimit'] = spec['revisionHistoryLimit'] ?? 10;
        spec['persistentVolumeClaimRetentionPolicy'] = spec['persistentVolumeClaimRetentionPolicy'] ?? {
          whenDeleted: 'Retain',
          whenScaled: 'Retain',
        };
        defaultTemplate(spec);
      }
      break;
    case 'apps/v1/DaemonSet':
      if (spec) {
        const us = (spec['updateStrategy'] = spec['updateStrategy'] ?? {});
        us.type = us.type ?? 'RollingUpdate';
        if (us.type === 'RollingUpdate')
          us.rollingUpdate = { maxUnavailable: 1, maxSurge: 0, ...us.rollingUpdate };
        spec['revisionHistoryLimit'] = spec['revisionHistoryLimit'] ?? 10;
        defaultTemplate(spec);
      }
      break;
    case 'batch/v1/Job':
      if (spec) defaultJobSpec(spec);
      break;
    case 'batch/v1/CronJob':
      if (spec) {
        spec['concurrencyPolicy'] = spec['concurrencyPolicy'] ?? 'Allow';
        spec['suspend'] = spec['suspend'] ?? false;
        spec['successfulJobsHistoryLimit'] = spec['successfulJobsHistoryLimit'] ?? 3;
        spec['failedJobsHistoryLimit'] = spec['failedJobsHistoryLimit'] ?? 1;
        const jobSpec = spec['jobTemplate']?.spec;
        if (isPlainObject(jobSpec)) {
          jobSpec['backoffLimit'] = jobSpec['backoffLimit'] ?? 6;
          jobSpec['completionMode'] = jobSpec['completionMode'] ?? 'NonIndexed';
          jobSpec['suspend'] = jobSpec['suspend'] ?? false;
          defaultTemplate(jobSpec);
        }
      }
      break;
  }
  return obj;
}

function defaultTemplate(spec: Record<string, AnyJson>): void {
  const podSpec = spec['template']?.spec;
  if (isPlainObject(podSpec)) defaultPodSpec(podSpec);
}

export function defaultPodSpec(spec: Record<string, AnyJson>): void {
  spec['restartPolicy'] = spec['restartPolicy'] ?? 'Always';
  spec['terminationGracePeriodSeconds'] = spec['terminationGracePeriodSeconds'] ?? 30;
  spec['dnsPolicy'] = spec['dnsPolicy'] ?? 'ClusterFirst';
  spec['securityContext'] = spec['securityContext'] ?? {};
  spec['schedulerName'] = spec['schedulerName'] ?? 'default-scheduler';
  for (const list of ['containers', 'initContainers']) {
    for (const c of Array.isArray(spec[list]) ? spec[list] : []) {
      if (!isPlainObject(c)) continue;
      c['terminationMessagePath'] = c['terminationMessagePath'] ?? '/dev/termination-log';
      c['terminationMessagePolicy'] = c['terminationMessagePolicy'] ?? 'File';
      c['imagePullPolicy'] = c['imagePullPolicy'] ?? defaultPullPolicy(String(c['image'] ?? ''));
      c['resources'] = c['resources'] ?? {};
      for (const p of Array.isArray(c['ports']) ? c['ports'] : [])
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

function defaultServiceSpec(spec: Record<string, AnyJson>): void {
  spec['type'] = spec['type'] ?? 'ClusterIP';
  spec['sessionAffinity'] = spec['sessionAffinity'] ?? 'None';
  for (const p of Array.isArray(spec['ports']) ? spec['ports'] : []) {
    if (!isPlainObject(p)) continue;
    p['protocol'] = p['protocol'] ?? 'TCP';
    p['targetPort'] = p['targetPort'] ?? p['port'];
  }
  if (spec['type'] !== 'ExternalName') {
    spec['ipFamilies'] = spec['ipFamilies'] ?? ['IPv4'];
    spec['ipFamilyPolicy'] = spec['ipFamilyPolicy'] ?? 'SingleStack';
    spec['internalTrafficPolicy'] = spec['internalTrafficPolicy'] ?? 'Cluster';
  }
  if (spec['type'] === 'LoadBalancer' || spec['type'] === 'NodePort') {
    spec['externalTrafficPolicy'] = spec['externalTrafficPolicy'] ?? 'Cluster';
  }
  if (spec['type'] === 'LoadBalancer')
    spec['allocateLoadBalancerNodePorts'] = spec['allocateLoadBalancerNodePorts'] ?? true;
}

function defaultJobSpec(spec: Record<string, AnyJson>): void {
  spec['backoffLimit'] = spec['backoffLimit'] ?? 6;
  spec['completions'] = spec['completions'] ?? 1;
  spec['parallelism'] = spec['parallelism'] ?? 1;
  spec['completionMode'] = spec['completionMode'] ?? 'NonIndexed';
  spec['suspend'] = spec['suspend'] ?? false;
  defaultTemplate(spec);
}

/**
 * Job selector/labels the Job strategy generates from the object's uid (batch/job strategy.go),
 * unless the user asked for `manualSelector`.
 */
export function defaultJobSelector(job: KubeObject): void {
  const spec = job['spec'];
  const uid = job.metadata?.['uid'];
  const name = job.metadata?.['name'];
  if (!isPlainObject(spec) || spec['manualSelector'] === true || spec['selector'] || !uid) return;
  const generated = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  spec['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = (spec['template'] = spec['template'] ?? {});
  template.metadata = template.metadata ?? {};
  template.metadata.labels = { ...template.metadata.labels, ...generated };
}
