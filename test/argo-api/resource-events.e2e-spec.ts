import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '@berth/domain';
import { KubeCluster } from '@berth/kube';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { eventually } from '@berth/testing';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { argoShapeProblems } from './testing/argo-shapes';
import { createSyncedWebApp, webDeployment } from './testing/recorded-status';

// Argo CD's UI, Events tab: `GET /api/v1/applications/{name}/events` lists the Application's own events
// (no resource named) or, with resourceName/resourceNamespace/resourceUID, the destination cluster's
// Events about one resource of the app: the Deployment it deployed, or a Pod that Deployment owns. The
// cluster is the sandbox (core/v1 Events listed with an involvedObject field selector).

interface EventAnswer {
  metadata?: { resourceVersion?: string };
  items: Array<{
    reason: string;
    message: string;
    type: string;
    involvedObject: { kind: string; name: string; namespace?: string; uid?: string };
    metadata: { annotations?: Record<string, string> };
  }>;
}

const deployment = webDeployment('shop');

/** An Event about `obj`, as the kubelet or a controller records one. */
function eventAbout(obj: KubeObject, reason: string, message: string): KubeObject {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${obj.metadata.name}.${reason.toLowerCase()}`, namespace: obj.metadata.namespace! },
    involvedObject: {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata['uid'] as string,
    },
    reason,
    message,
    type: 'Normal',
    source: { component: 'kubelet' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}

describe('Argo CD client: resource events', () => {
  let root: string;
  let sandbox: SandboxCluster;
  let kube: KubeCluster;
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  let liveDeployment: KubeObject;
  let pod: KubeObject;
  let stranger: KubeObject;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-argo-events-'));
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const kubeconfig = join(root, 'kubeconfig');
    await sandbox.writeKubeconfig(kubeconfig);
    kube = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
    await kube.ensureNamespace('shop');
    liveDeployment = await kube.create(deployment);
    // The simulated controllers make the ReplicaSet and its Pod, each owned by the one above.
    pod = await eventually(async () => {
      const pods = await kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop' });
      expect(pods).toHaveLength(1);
      return pods[0]!;
    });
    stranger = await kube.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'not-ours', namespace: 'shop' },
      data: {},
    });
    await kube.create(eventAbout(liveDeployment, 'ScalingReplicaSet', 'Scaled up replica set web-abc to 1'));
    await kube.create(eventAbout(pod, 'Pulled', 'Container image "nginx:1.27" already present on machine'));
    await kube.create(eventAbout(stranger, 'Touched', 'someone else edited it'));

    scheduler = await startTestScheduler({ KUBECONFIG: kubeconfig, BERTH_DATA_DIR: join(root, 'data') });
    ({ http } = scheduler);
    await createSyncedWebApp(scheduler, 'shop');
  });

  afterAll(async () => {
    await scheduler?.close();
    await sandbox?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("without a resource: the Application's own events, from the log, in Argo CD's reasons", async () => {
    const res = await http.get('/api/v1/applications/shop/events');
    expect(res.status).toBe(200);
    expect(argoShapeProblems('event-list', res.body)).toEqual([]);
    const { items, metadata } = res.body as EventAnswer;
    expect(items.map((e) => e.reason)).toEqual([
      'ResourceCreated',
      'OperationStarted',
      'ResourceSynced',
      'OperationCompleted',
      'ResourceUpdated',
      'ResourceUpdated',
    ]);
    expect(
      items.every((e) => e.involvedObject.kind === 'Application' && e.involvedObject.name === 'shop'),
    ).toBe(true);
    // Who did it: the actor the log recorded (Argo CD's audit logger writes the user the same way).
    const audit = (await http.get('/api/v1/applications/shop/audit')).body as Array<{
      metadata: { actor: string };
    }>;
    expect(items.map((e) => e.metadata.annotations?.['user'])).toEqual(audit.map((e) => e.metadata.actor));
    expect(metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it("a resource the app deployed: the cluster's events about it", async () => {
    const res = await http.get(
      `/api/v1/applications/shop/events?resourceName=web&resourceNamespace=shop&resourceUID=${liveDeployment.metadata['uid'] as string}`,
    );
    expect(res.status).toBe(200);
    expect(argoShapeProblems('event-list', res.body)).toEqual([]);
    expect((res.body as EventAnswer).items.map((e) => [e.involvedObject.kind, e.reason])).toEqual([
      ['Deployment', 'ScalingReplicaSet'],
    ]);
  });

  it('a Pod the Deployment owns (through its ReplicaSet) belongs to the app too', async () => {
    const res = await http.get(
      `/api/v1/applications/shop/events?resourceName=${pod.metadata.name}&resourceNamespace=shop&resourceUID=${pod.metadata['uid'] as string}`,
    );
    expect(res.status).toBe(200);
    expect((res.body as EventAnswer).items.map((e) => [e.involvedObject.name, e.reason])).toEqual([
      [pod.metadata.name, 'Pulled'],
    ]);
  });

  it("a resource that is not part of the app is refused, as Argo CD's InvalidArgument", async () => {
    const res = await http.get(
      '/api/v1/applications/shop/events?resourceName=not-ours&resourceNamespace=shop',
    );
    expect(res.status).toBe(400);
    expect(argoShapeProblems('runtime-error', res.body)).toEqual([]);
    expect((res.body as { message: string }).message).toMatch(
      /not-ours .*not found as part of application shop/,
    );
    const nothing = await http.get(
      '/api/v1/applications/shop/events?resourceName=ghost&resourceNamespace=shop',
    );
    expect(nothing.status).toBe(200);
    expect((nothing.body as EventAnswer).items).toEqual([]);
  });

  it('query values that would change the field selector are refused before the cluster sees them', async () => {
    for (const query of [
      'resourceName=web,involvedObject.name%3Dnot-ours',
      'resourceName=web&resourceNamespace=Shop!',
      'resourceUID=x%20y',
      'resourceName=web&appNamespace=elsewhere',
      'resourceName=web&resourceKind=Pod',
    ]) {
      const res = await http.get(`/api/v1/applications/shop/events?${query}`);
      expect([query, res.status]).toEqual([query, query.includes('appNamespace') ? 404 : 400]);
      expect(argoShapeProblems('runtime-error', res.body)).toEqual([]);
    }
  });

  it("Berth's own event stream is at .../audit", async () => {
    const res = await http.get('/api/v1/applications/shop/audit');
    expect(res.status).toBe(200);
    expect((res.body as Array<{ type: string }>).map((e) => e.type)).toEqual([
      'ApplicationCreated',
      'SyncRequested',
      'ResourceSynced',
      'SyncOperationSucceeded',
      'SyncStatusChanged',
      'HealthStatusChanged',
    ]);
  });
});
