import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../diff/kube-object';
import { HealthCheckRegistry } from './health-check.registry';
import { healthOf } from './health-of';

const load = (file: string): KubeObject =>
  parse(readFileSync(join(process.cwd(), 'libs/domain/src/health/testdata', file), 'utf8')) as KubeObject;

describe('healthOf golden fixtures (testdata/)', () => {
  it.each([
    ['deployment-healthy.yaml', 'Healthy', undefined],
    [
      'deployment-progressing.yaml',
      'Progressing',
      'Waiting for rollout to finish: 1 old replicas are pending termination...',
    ],
    [
      'deployment-generation-not-observed.yaml',
      'Progressing',
      'Waiting for rollout to finish: observed deployment generation less than desired generation',
    ],
    ['deployment-suspended.yaml', 'Suspended', 'Deployment is paused'],
    ['deployment-degraded.yaml', 'Degraded', 'Deployment "guestbook-ui" exceeded its progress deadline'],
    ['statefulset.yaml', 'Healthy', 'statefulset has 1 ready pods'],
    ['statefulset-pods-not-ready.yaml', 'Progressing', 'Waiting for 3 pods to be ready...'],
    [
      'daemonset-rolling.yaml',
      'Progressing',
      'Waiting for daemon set "node-exporter" rollout to finish: 1 out of 3 new pods have been updated...',
    ],
    [
      'replicaset-failure.yaml',
      'Degraded',
      'pods "web-5d8f-" is forbidden: exceeded quota: compute, requested: cpu=2, used: cpu=8, limited: cpu=8',
    ],
    [
      'pod-crashloop.yaml',
      'Degraded',
      'Back-off 40s restarting failed container=main pod=my-pod_argocd(63674389-f613-11e8-a057-fe5f49266390)',
    ],
    ['pod-imagepullbackoff.yaml', 'Degraded', 'Back-off pulling image "alpine:does-not-exist"'],
    ['pod-createcontainerconfigerror.yaml', 'Degraded', 'secret "db-credentials" not found'],
    ['pod-running-not-ready.yaml', 'Progressing', undefined],
    ['pod-running-ready.yaml', 'Healthy', undefined],
    ['pod-running-restart-never.yaml', 'Progressing', undefined],
    ['pod-succeeded.yaml', 'Healthy', undefined],
    ['pod-failed.yaml', 'Degraded', 'container "test" failed with exit code 7'],
    ['pod-deletion.yaml', 'Progressing', 'Pending deletion'],
    ['job-running.yaml', 'Progressing', undefined],
    ['job-succeeded.yaml', 'Healthy', undefined],
    ['job-failed.yaml', 'Degraded', 'Job has reached the specified backoff limit'],
    ['job-suspended.yaml', 'Suspended', 'Job suspended'],
    ['cronjob-suspended.yaml', 'Suspended', 'CronJob is suspended'],
    ['svc-loadbalancer.yaml', 'Healthy', undefined],
    [
      'svc-loadbalancer-pending.yaml',
      'Progressing',
      'Waiting for the load balancer to be assigned an address',
    ],
    ['ingress-assigned.yaml', 'Healthy', undefined],
    ['ingress-unassigned.yaml', 'Progressing', 'Waiting for the ingress controller to assign an address'],
    ['pvc-bound.yaml', 'Healthy', undefined],
    ['pvc-pending-provisioning.yaml', 'Progressing', 'Provisioning volume'],
    ['pvc-pending-wait-for-consumer.yaml', 'Healthy', 'Waiting for consumer'],
    ['pvc-lost.yaml', 'Degraded', 'The bound persistent volume was lost'],
    ['hpa-v2-healthy.yaml', 'Healthy', 'recommended size matches current size'],
    [
      'hpa-v2-degraded.yaml',
      'Degraded',
      'the HPA was unable to compute the replica count: missing request for cpu',
    ],
    ['hpa-v1-progressing.yaml', 'Progressing', 'Waiting to Autoscale'],
    [
      'hpa-v1-degraded-failedgetobjectmetric.yaml',
      'Degraded',
      'the HPA was unable to compute the replica count: unable to get metric tomcat_sessions_active_current_sessions: Service on namespace sample-service/unable to fetch metrics from custom metrics API: the server could not find the metric tomcat_sessions_active_current_sessions for services',
    ],
    [
      'hpa-v2-degraded-partially.yaml',
      'Degraded',
      'the HPA was unable to compute the replica count: failed to get memory\nutilization: unable to get metrics for resource memory: unable to fetch\nmetrics from resource metrics API: the server could not find the\nrequested resource (get pods.metrics.k8s.io)\n',
    ],
    ['pod-running-restart-never-with-ignore-annotation.yaml', 'Healthy', undefined],
    ['pod-running-restart-never-with-ignore-annotation-backoff.yaml', 'Progressing', undefined],
    ['pod-running-restart-never-hook-with-ignore-annotation.yaml', 'Healthy', undefined],
    ['workflow-running.yaml', 'Progressing', undefined],
    ['workflow-failed.yaml', 'Degraded', "child 'hello-world-x7k2p' failed"],
    ['workflow-no-status.yaml', 'Progressing', undefined],
    ['conditions-flux-kustomization-ready.yaml', 'Healthy', 'Applied revision: main@sha1:2f1c0a9'],
    [
      'conditions-flux-helmrelease-stalled.yaml',
      'Degraded',
      "Failed to install after 1 attempt(s): values don't meet the specifications of the schema(s)",
    ],
    [
      'conditions-flux-gitrepository-reconciling.yaml',
      'Progressing',
      "building artifact: new upstream revision 'main@sha1:2f1c0a9'",
    ],
    [
      'conditions-generation-not-observed.yaml',
      'Progressing',
      'Waiting for the controller to observe generation 7 (observed 6)',
    ],
    [
      'conditions-ready-condition-stale.yaml',
      'Progressing',
      'Waiting for the controller to observe generation 3 (Ready is for generation 2)',
    ],
    [
      'conditions-tekton-pipelinerun-failed.yaml',
      'Degraded',
      'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 2',
    ],
    ['conditions-knative-service-ready.yaml', 'Healthy', undefined],
    ['conditions-none.yaml', 'Healthy', undefined],
    [
      'apiservice-v1-false.yaml',
      'Progressing',
      'FailedDiscoveryCheck: failing or missing response from https://10.96.0.20:443/apis/metrics.k8s.io/v1beta1',
    ],
    ['application-degraded.yaml', 'Degraded', 'Deployment "api" exceeded its progress deadline'],
    ['application-no-status.yaml', 'Progressing', 'Waiting for the application to report its health'],
  ])('%s is %s', (file, status, message) => {
    const h = healthOf(load(file));
    expect(h.status).toBe(status);
    expect(h.message).toBe(message);
  });
});

describe('healthOf', () => {
  const widget: KubeObject = {
    apiVersion: 'example.io/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    status: { phase: 'Broken' },
  };

  it('is Missing for an absent object and Healthy for a kind without a check', () => {
    expect(healthOf(undefined).status).toBe('Missing');
    expect(healthOf(widget)).toEqual({ status: 'Healthy' });
  });

  it('uses a custom check for a CRD, by exact key or group wildcard', () => {
    const check = (o: KubeObject) => ({
      status: 'Degraded' as const,
      message: `phase ${String((o['status'] as { phase: string }).phase)}`,
    });
    expect(healthOf(widget, new HealthCheckRegistry().register('example.io', 'Widget', check))).toEqual({
      status: 'Degraded',
      message: 'phase Broken',
    });
    expect(healthOf(widget, new HealthCheckRegistry().register('_.io', 'Widget', check)).status).toBe(
      'Degraded',
    );
    expect(healthOf(widget, new HealthCheckRegistry().register('other.io', 'Widget', check)).status).toBe(
      'Healthy',
    );
  });

  it('lets a custom check override a built-in, or defer to it by returning undefined', () => {
    const pod = load('pod-crashloop.yaml');
    expect(
      healthOf(
        pod,
        new HealthCheckRegistry().register('', 'Pod', () => ({ status: 'Healthy' })),
      ).status,
    ).toBe('Healthy');
    expect(
      healthOf(
        pod,
        new HealthCheckRegistry().register('', 'Pod', () => undefined),
      ).status,
    ).toBe('Degraded');
  });

  it('judges an object without metadata instead of crashing (a script sees it; Argo CD reports the error)', () => {
    const bare = { apiVersion: 'example.io/v1', kind: 'Widget' } as unknown as KubeObject;
    expect(healthOf(bare)).toEqual({ status: 'Healthy' });
    const reading = new HealthCheckRegistry().register('example.io', 'Widget', (o) => ({
      status: 'Healthy',
      message: o.metadata.name,
    }));
    expect(healthOf(bare, reading)).toEqual({
      status: 'Unknown',
      message: expect.stringContaining('Health check for Widget "" failed: ') as unknown as string,
    });
  });

  it('puts a script before the built-in check and both before the conditions rule', () => {
    const stalledDeployment = {
      ...load('deployment-healthy.yaml'),
      status: {
        ...(load('deployment-healthy.yaml')['status'] as object),
        conditions: [{ type: 'Stalled', status: 'True' }],
      },
    } as KubeObject;
    // The built-in Deployment check decides; the Stalled condition is not read for a built-in kind.
    expect(healthOf(stalledDeployment).status).toBe('Healthy');
    const stalledWidget = {
      ...widget,
      status: { conditions: [{ type: 'Stalled', status: 'True', message: 'x' }] },
    };
    expect(healthOf(stalledWidget)).toEqual({ status: 'Degraded', message: 'x' });
    const script = new HealthCheckRegistry().register('example.io', 'Widget', () => ({
      status: 'Suspended',
    }));
    expect(healthOf(stalledWidget, script)).toEqual({ status: 'Suspended' });
    const deferring = new HealthCheckRegistry().register('example.io', 'Widget', () => undefined);
    expect(healthOf(stalledWidget, deferring)).toEqual({ status: 'Degraded', message: 'x' });
  });

  it('reports a check that throws as Unknown, naming the resource', () => {
    const reg = new HealthCheckRegistry().register('example.io', 'Widget', () => {
      throw new Error('bad script');
    });
    expect(healthOf(widget, reg)).toEqual({
      status: 'Unknown',
      message: 'Health check for Widget "w" failed: bad script',
    });
  });
});

describe('HPA metric failures (Argo CD current HPA check)', () => {
  it.each([
    'FailedGetResourceMetric',
    'FailedGetObjectMetric',
    'FailedGetPodsMetric',
    'FailedGetExternalMetric',
    'FailedComputeMetricsReplicas',
    'InvalidSelector',
  ])('ScalingActive=False %s after AbleToScale=True is Degraded', (reason) => {
    const hpa = load('hpa-v2-degraded-partially.yaml');
    const status = hpa['status'] as { conditions: Array<Record<string, string>> };
    status.conditions[1] = { ...status.conditions[1], reason, message: `metric failed: ${reason}` };
    expect(healthOf(hpa)).toEqual({ status: 'Degraded', message: `metric failed: ${reason}` });
  });

  it('ScalingActive=False for a reason that is not a failure leaves AbleToScale=True Healthy', () => {
    const hpa = load('hpa-v2-degraded-partially.yaml');
    const status = hpa['status'] as { conditions: Array<Record<string, string>> };
    status.conditions[1] = { ...status.conditions[1], reason: 'ScalingDisabled' };
    expect(healthOf(hpa)).toEqual({
      status: 'Healthy',
      message: "the HPA controller was able to get the target's current scale",
    });
  });
});

describe('argoproj.io/Workflow phases (gitops-engine health_argo.go)', () => {
  it.each([
    ['Pending', 'Progressing'],
    ['Running', 'Progressing'],
    ['Succeeded', 'Healthy'],
    ['Failed', 'Degraded'],
    ['Error', 'Degraded'],
    ['Omitted', 'Unknown'],
  ])('phase %s is %s', (phase, status) => {
    const wf = load('workflow-running.yaml');
    (wf['status'] as Record<string, unknown>)['phase'] = phase;
    expect(healthOf(wf).status).toBe(status);
  });
});
