import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1Status,
} from '@kubernetes/client-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@berth/testing';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 3: the updates a real kube-apiserver 1.34 refuses as immutable are refused the same way
// (422 Invalid Status, the cause's type, field and message, and the line kubectl prints from them).

type Obj = KubernetesObject & Record<string, unknown>;

function deployment(selector: Record<string, string>): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'immutable' },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  };
}

async function failure(call: Promise<unknown>): Promise<{ code: number; status: V1Status }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    return { code: err.code, status: JSON.parse(String(err.body)) as V1Status };
  }
  throw new Error('expected the call to fail');
}

describe('immutable fields are refused as a real API server refuses them', () => {
  let cluster: SandboxCluster;
  let api: KubernetesObjectApi;
  let dir: string;
  let kubeconfig: string;
  const apply = (obj: Obj) =>
    api.patch(obj, undefined, undefined, 'test', true, PatchStrategy.ServerSideApply);

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    api = KubernetesObjectApi.makeApiClient(kc);
    dir = await mkdtemp(join(tmpdir(), 'sandbox-immutable-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'immutable' } });
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('Deployment spec.selector: 422 Invalid with the cause kubectl prints', async () => {
    await apply(deployment({ app: 'web' }));
    const { code, status } = await failure(apply(deployment({ app: 'web2' })));
    expect(code).toBe(422);
    const message = 'Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable';
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message: `Deployment.apps "web" is invalid: spec.selector: ${message}`,
      details: {
        name: 'web',
        group: 'apps',
        kind: 'Deployment',
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.selector', message }],
      },
    });
    // A PUT is refused the same way (what Replace=true sends without Force=true). Read once the rollout is
    // done, so no controller status write lands between the read and the PUT (that would be a 409).
    const ref = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'immutable' },
    };
    await eventually(async () => {
      const d = await api.read<Obj>(ref);
      expect((d['status'] as { availableReplicas?: number } | undefined)?.availableReplicas).toBe(1);
    });
    const live = await api.read<Obj>(ref);
    const put = { ...deployment({ app: 'web2' }), metadata: live.metadata };
    expect((await failure(api.replace(put))).status.message).toContain('spec.selector: Invalid value');
  });

  const kubectlIt = findKubectl() ? it : it.skip;
  kubectlIt('kubectl apply prints "The Deployment "web" is invalid: ... field is immutable"', async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: immutable }
spec:
  replicas: 1
  selector: { matchLabels: { app: web3, tier: front } }
  template:
    metadata: { labels: { app: web3, tier: front } }
    spec: { containers: [{ name: web, image: "nginx:1.27" }] }
`;
    const result = await runKubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], {
      kubeconfig,
      home: dir,
      input: yaml,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'The Deployment "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web3","tier":"front"}}: field is immutable',
    );
  });

  it('ReplicaSet and DaemonSet selectors too; a StatefulSet refuses every spec field but the mutable ones', async () => {
    const withKind = (kind: string, selector: Record<string, string>, extra = {}): Obj => {
      const d = deployment(selector);
      return {
        ...d,
        kind,
        metadata: { name: kind.toLowerCase(), namespace: 'immutable' },
        spec: { ...(d['spec'] as object), ...extra },
      };
    };
    for (const kind of ['ReplicaSet', 'DaemonSet']) {
      const spec = kind === 'DaemonSet' ? { replicas: undefined } : {};
      await apply(withKind(kind, { app: 'a' }, spec));
      const { status } = await failure(apply(withKind(kind, { app: 'b' }, spec)));
      expect(status.details?.causes).toEqual([
        {
          reason: 'FieldValueInvalid',
          field: 'spec.selector',
          message: 'Invalid value: {"matchLabels":{"app":"b"}}: field is immutable',
        },
      ]);
    }
    const sts = (serviceName: string, replicas: number) =>
      withKind('StatefulSet', { app: 'db' }, { serviceName, replicas });
    await apply(sts('db', 1));
    await apply(sts('db', 3)); // replicas may change
    const { code, status } = await failure(apply(sts('db-headless', 3)));
    expect(code).toBe(422);
    expect(status.message).toBe(
      "StatefulSet.apps \"statefulset\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
    expect(status.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueForbidden', field: 'spec' });
  });

  it('Job spec.template and spec.selector', async () => {
    const job = (image: string): Obj => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'immutable' },
      spec: {
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image }] } },
      },
    });
    await apply(job('migrate:1'));
    const { status } = await failure(apply(job('migrate:2')));
    expect(status.details?.causes).toHaveLength(1);
    expect(status.details?.causes?.[0]).toMatchObject({
      reason: 'FieldValueInvalid',
      field: 'spec.template',
    });
    expect(status.details?.causes?.[0]?.message).toMatch(
      /^Invalid value: \{.*"migrate:2".*\}: field is immutable$/,
    );
  });

  it('Service: the allocated clusterIPs may not change once set; omitting clusterIP keeps it', async () => {
    const svc = (clusterIP?: string): Obj => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'immutable' },
      spec: { ...(clusterIP ? { clusterIP } : {}), ports: [{ port: 80 }], selector: { app: 'api' } },
    });
    const created = (await apply(svc())) as Obj & { spec: { clusterIP: string } };
    await apply(svc()); // no clusterIP in the config: the allocated one stays
    const { code, status } = await failure(apply(svc('10.96.200.200')));
    expect(code).toBe(422);
    expect(status.message).toBe(
      'Service "api" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.200.200"]: may not change once set',
    );
    expect(created.spec.clusterIP).toMatch(/^10\.96\./);
  });

  it('PersistentVolumeClaim: only the storage request of a bound claim may change', async () => {
    const pvc = (storage: string, accessMode = 'ReadWriteOnce'): Obj => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'immutable' },
      spec: { accessModes: [accessMode], resources: { requests: { storage } } },
    });
    await apply(pvc('1Gi'));
    await eventually(async () => {
      const live = await api.read<Obj & { status?: { phase?: string } }>({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: 'immutable' },
      });
      expect(live.status?.phase).toBe('Bound');
    });
    await apply(pvc('2Gi')); // expanding a bound claim is allowed
    const { status } = await failure(apply(pvc('2Gi', 'ReadWriteMany')));
    expect(status.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueForbidden', field: 'spec' });
    expect(status.message).toContain(
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{',
    );
    await apply(pvc('1Gi')); // back down to status.capacity is allowed (RecoverVolumeExpansionFailure, GA)
    const shrink = await failure(apply(pvc('500Mi')));
    expect(shrink.status.details?.causes).toContainEqual({
      reason: 'FieldValueForbidden',
      field: 'spec.resources.requests.storage',
      message: 'Forbidden: field can not be less than status.capacity',
    });
  });

  it('immutable ConfigMaps and Secrets keep their data, and a Secret its type', async () => {
    const cm = (value: string, immutable?: boolean): Obj => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'frozen', namespace: 'immutable' },
      data: { key: value },
      ...(immutable === undefined ? {} : { immutable }),
    });
    await apply(cm('a'));
    await apply(cm('b', true)); // a mutable one may change and become immutable
    const { status } = await failure(apply(cm('c', true)));
    expect(status.message).toBe(
      'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    );
    const unfreeze = await failure(apply(cm('b', false)));
    expect(unfreeze.status.details?.causes).toEqual([
      {
        reason: 'FieldValueForbidden',
        field: 'immutable',
        message: 'Forbidden: field is immutable when `immutable` is set',
      },
    ]);
    const secret = (type: string, value: string, immutable = false): Obj => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'immutable' },
      type,
      stringData: { token: value },
      ...(immutable ? { immutable } : {}),
    });
    await api.create(secret('Opaque', 'one', true));
    const data = await failure(
      api.patch(
        secret('Opaque', 'two', true),
        undefined,
        undefined,
        'test',
        undefined,
        PatchStrategy.MergePatch,
      ),
    );
    expect(data.status.details?.causes?.map((c) => c.field)).toEqual(['data']);
    const type = await failure(
      api.patch(
        secret('kubernetes.io/basic-auth', 'one', true),
        undefined,
        undefined,
        'test',
        undefined,
        PatchStrategy.MergePatch,
      ),
    );
    expect(type.status.details?.causes?.[0]).toEqual({
      reason: 'FieldValueInvalid',
      field: 'type',
      message: 'Invalid value: "kubernetes.io/basic-auth": field is immutable',
    });
  });
});
