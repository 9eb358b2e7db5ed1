import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiException, AuthorizationV1Api, CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@berth/testing';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 4: the sandbox says it is Kubernetes 1.34 and serves the built-in kinds a GitOps repo
// commonly holds, including the create-only reviews `kubectl auth` sends.

describe('version, discovery and the built-in kinds', () => {
  let cluster: SandboxCluster;
  let kc: KubeConfig;
  let dir: string;
  let kubeconfig: string;
  const kubectl = (args: string[], input?: string) =>
    runKubectl(args, { kubeconfig, home: dir, ...(input !== undefined ? { input } : {}) });
  const kubectlIt = findKubectl() ? it : it.skip;

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    dir = await mkdtemp(join(tmpdir(), 'sandbox-discovery-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports Kubernetes 1.34 (/version through client-node)', async () => {
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version).toMatchObject({ major: '1', minor: '34', gitVersion: 'v1.34.1+sandbox' });
  });

  kubectlIt('kubectl version prints no version skew warning against a v1.34 kubectl', async () => {
    const result = await kubectl(['version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Server Version: v1.34.1+sandbox');
    expect(result.stderr).not.toContain('WARNING');
  });

  kubectlIt('kubectl api-resources lists the kinds a GitOps repo commonly holds', async () => {
    const names = (await kubectl(['api-resources', '-o', 'name'])).stdout.split('\n');
    expect(names).toEqual(
      expect.arrayContaining([
        'resourcequotas',
        'limitranges',
        'replicationcontrollers',
        'podtemplates',
        'priorityclasses.scheduling.k8s.io',
        'mutatingwebhookconfigurations.admissionregistration.k8s.io',
        'validatingwebhookconfigurations.admissionregistration.k8s.io',
        'validatingadmissionpolicies.admissionregistration.k8s.io',
        'selfsubjectaccessreviews.authorization.k8s.io',
        'subjectaccessreviews.authorization.k8s.io',
        'selfsubjectreviews.authentication.k8s.io',
        'events.events.k8s.io',
        'storageclasses.storage.k8s.io',
        'csidrivers.storage.k8s.io',
        'runtimeclasses.node.k8s.io',
        'certificatesigningrequests.certificates.k8s.io',
        'flowschemas.flowcontrol.apiserver.k8s.io',
      ]),
    );
    const verbs = (await kubectl(['api-resources', '--api-group=authorization.k8s.io', '-o', 'wide'])).stdout;
    expect(verbs).toMatch(
      /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview\s+create\s*$/m,
    );
  });

  kubectlIt(
    'applies a repo of those kinds, and kubectl apply --prune with its default allow-list prunes',
    async () => {
      await kubectl(['create', 'namespace', 'team']);
      const repo = `apiVersion: v1
kind: ResourceQuota
metadata: { name: quota, namespace: team, labels: { app: team } }
spec: { hard: { pods: "10" } }
---
apiVersion: v1
kind: LimitRange
metadata: { name: limits, namespace: team, labels: { app: team } }
spec: { limits: [{ type: Container, default: { cpu: 500m } }] }
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: high, labels: { app: team } }
value: 1000
---
apiVersion: v1
kind: ReplicationController
metadata: { name: legacy, namespace: team, labels: { app: team } }
spec:
  replicas: 2
  template:
    metadata: { labels: { app: legacy } }
    spec: { containers: [{ name: web, image: "nginx:1.27" }] }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: old, namespace: team, labels: { app: team } }
`;
      const applied = await kubectl(['apply', '-f', '-'], repo);
      expect(applied.stderr).toBe('');
      expect(applied.stdout.split('\n')).toEqual(
        expect.arrayContaining([
          'resourcequota/quota created',
          'limitrange/limits created',
          'priorityclass.scheduling.k8s.io/high created',
          'replicationcontroller/legacy created',
        ]),
      );
      // The ReplicationController manager keeps its pods.
      await eventually(async () => {
        const rc = await kubectl([
          'get',
          'rc',
          'legacy',
          '-n',
          'team',
          '-o',
          'jsonpath={.status.readyReplicas}',
        ]);
        expect(rc.stdout).toBe('2');
      });
      const withoutConfigMap = repo.slice(0, repo.lastIndexOf('---'));
      const pruned = await kubectl(
        ['apply', '--prune', '-l', 'app=team', '-n', 'team', '-f', '-'],
        withoutConfigMap,
      );
      // kubectl's own deprecation note on --namespace with --prune is the only thing on stderr.
      expect(pruned).toMatchObject({ code: 0, stderr: expect.not.stringMatching(/error/i) });
      expect(pruned.stdout).toContain('configmap/old pruned');
      expect(pruned.stdout).not.toContain('replicationcontroller/legacy pruned');
    },
  );

  kubectlIt('kubectl auth can-i and whoami are answered (the sandbox allows everything)', async () => {
    const canI = await kubectl(['auth', 'can-i', 'delete', 'deployments', '-n', 'team']);
    expect(canI).toMatchObject({ code: 0, stdout: 'yes\n' });
    const list = await kubectl(['auth', 'can-i', '--list', '-n', 'team']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
    const whoami = await kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    expect(whoami).toMatchObject({ code: 0, stdout: 'kubernetes-admin' });
  });

  it('answers access reviews through client-node, validates them, and refuses to list them', async () => {
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const review = await authz.createSelfSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' } },
      },
    });
    expect(review.status?.allowed).toBe(true);
    const sar = await authz
      .createSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } },
      })
      .catch((e: unknown) => e);
    expect(sar).toBeInstanceOf(ApiException);
    expect((sar as ApiException<string>).code).toBe(422);
    expect(JSON.parse((sar as ApiException<string>).body)).toMatchObject({
      reason: 'Invalid',
      details: { causes: [{ field: 'spec.user', reason: 'FieldValueInvalid' }] },
    });
    const res = await fetch(`${cluster.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`);
    expect(res.status).toBe(405);
  });

  it('events.k8s.io/v1 Events are served (created and listed through client-node)', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'ev' } } });
    const res = await fetch(`${cluster.url}/apis/events.k8s.io/v1/namespaces/ev/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'web.1' },
        eventTime: '2026-01-01T00:00:00.000000Z',
        reportingController: 'example.com/ctl',
        reportingInstance: 'ctl-0',
        action: 'Scale',
        reason: 'Scaled',
        regarding: { kind: 'Deployment', name: 'web', namespace: 'ev' },
        type: 'Normal',
        note: 'scaled to 2',
      }),
    });
    expect(res.status).toBe(201);
    const list = (await (
      await fetch(`${cluster.url}/apis/events.k8s.io/v1/namespaces/ev/events`)
    ).json()) as {
      items: Array<{ note?: string }>;
    };
    expect(list.items.map((e) => e.note)).toEqual(['scaled to 2']);
  });
});
