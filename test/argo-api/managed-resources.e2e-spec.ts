import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTrackingId } from '@berth/domain';
import { KubeCluster } from '@berth/kube';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { argoShapeProblems } from './testing/argo-shapes';

// Argo CD's UI diff view and `argocd app diff` read `GET /api/v1/applications/{name}/managed-resources`:
// per resource, the target (Git, rendered), the live object (the sandbox cluster) and both normalized as the
// app's comparison normalizes them, Secret values masked.

interface ResourceDiff {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  targetState: string;
  liveState: string;
  normalizedLiveState: string;
  predictedLiveState: string;
  hook: boolean;
  modified: boolean;
  resourceVersion: string;
}

const NS = 'managed';
const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  },
});
const settings = (ignored: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: NS },
  data: { color: 'blue', ignored },
});
const yaml = (obj: unknown) => JSON.stringify(obj);

describe('Argo CD client: managed resources', () => {
  let root: string;
  let sandbox: SandboxCluster;
  let kube: KubeCluster;
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-argo-managed-'));
    const repo = await GitFixtureRepo.create(root, 'deploy');
    // JSON is YAML: Git declares 3 replicas, a ConfigMap and a Secret.
    await repo.commit(
      {
        'app/deployment.yaml': yaml(deployment(3)),
        'app/settings.yaml': yaml(settings('from-git')),
        'app/secret.yaml': yaml({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'creds', namespace: NS },
          stringData: { password: 'git-password', user: 'admin' },
        }),
      },
      'web',
    );
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    const kubeconfig = join(root, 'kubeconfig');
    await sandbox.writeKubeconfig(kubeconfig);
    kube = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
    await kube.ensureNamespace(NS);
    // Live: 1 replica (drift), the ConfigMap differing only where ignoreDifferences looks away, the Secret
    // with another password.
    await kube.create(withTrackingId('managed', deployment(1)));
    await kube.create(withTrackingId('managed', settings('changed-by-hand')));
    await kube.create(
      withTrackingId('managed', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: NS },
        data: { password: btoa('live-password'), user: btoa('admin') },
      }),
    );
    scheduler = await startTestScheduler(
      { KUBECONFIG: kubeconfig, BERTH_ALLOW_FILE_REPOS: 'true', BERTH_DATA_DIR: join(root, 'data') },
      {
        accounts: ['viewer', 'stranger'],
        // Argo CD's check: applications, get, <project>/<app>.
        rbac: 'policy.csv: |\n  p, viewer, applications, get, default/managed, allow\n',
      },
    );
    ({ http } = scheduler);
    const created = await http.post('/api/v1/applications').send({
      metadata: { name: 'managed' },
      spec: {
        project: 'default',
        source: { repoURL: repo.fileUrl, targetRevision: 'HEAD', path: 'app' },
        destination: { server: 'https://kubernetes.default.svc', namespace: NS },
        ignoreDifferences: [{ kind: 'ConfigMap', name: 'settings', jsonPointers: ['/data/ignored'] }],
      },
    });
    expect(created.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await scheduler?.close();
    await sandbox?.close();
    await rm(root, { recursive: true, force: true });
  });

  const managed = async (query = '') => {
    const res = await http.get(`/api/v1/applications/managed/managed-resources${query}`);
    expect([res.status, argoShapeProblems('managed-resources-response', res.body)]).toEqual([200, []]);
    return { items: (res.body as { items: ResourceDiff[] }).items, text: JSON.stringify(res.body) };
  };

  it('answers a ManagedResourcesResponse: every resource with target, live, normalized and predicted state', async () => {
    const { items } = await managed();
    expect(items.map((i) => `${i.group}/${i.kind}/${i.namespace}/${i.name}:${i.modified}`)).toEqual([
      '/ConfigMap/managed/settings:false',
      '/Secret/managed/creds:true',
      'apps/Deployment/managed/web:true',
    ]);
    const web = items.find((i) => i.kind === 'Deployment')!;
    const live = JSON.parse(web.liveState) as { metadata: { resourceVersion: string; uid: string } };
    expect(web.resourceVersion).toBe(live.metadata.resourceVersion);
    expect(JSON.parse(web.targetState)).toMatchObject({ spec: { replicas: 3 } });
    expect(live).toMatchObject({ spec: { replicas: 1 } });
    // Normalized: no server metadata or status; the prediction differs from it in replicas only.
    const normalized = JSON.parse(web.normalizedLiveState) as Record<string, unknown> & {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    expect(normalized.metadata['uid']).toBeUndefined();
    expect(normalized.metadata['managedFields']).toBeUndefined();
    expect(normalized['status']).toBeUndefined();
    const predicted = JSON.parse(web.predictedLiveState) as typeof normalized;
    expect(predicted).toEqual({ ...normalized, spec: { ...normalized.spec, replicas: 3 } });
  });

  it("applies the app's ignoreDifferences: the ConfigMap is in sync and the ignored key is in neither state compared", async () => {
    const { items } = await managed('?kind=ConfigMap');
    expect(items).toHaveLength(1);
    const cm = items[0]!;
    expect(cm.modified).toBe(false);
    expect(JSON.parse(cm.normalizedLiveState)).toMatchObject({ data: { color: 'blue' } });
    expect(cm.normalizedLiveState).not.toContain('ignored');
    expect(cm.predictedLiveState).toBe(cm.normalizedLiveState);
    // The raw live state still shows the cluster as it is.
    expect(JSON.parse(cm.liveState)).toMatchObject({ data: { ignored: 'changed-by-hand' } });
  });

  it('masks Secret values in every state, as GET .../manifests and .../resource do: a changed value shows as a different mask', async () => {
    const { items, text } = await managed('?group=&kind=Secret&name=creds&namespace=managed');
    for (const value of [
      'git-password',
      'live-password',
      btoa('git-password'),
      btoa('live-password'),
      btoa('admin'),
    ])
      expect(text).not.toContain(value);
    const secret = items[0]!;
    expect(JSON.parse(secret.normalizedLiveState)).toMatchObject({
      data: { user: '++++++++', password: '+++++++++' },
    });
    expect(JSON.parse(secret.predictedLiveState)).toMatchObject({
      data: { user: '++++++++', password: '++++++++' },
    });
  });

  it("filters as Argo CD's ResourcesQuery: name, namespace, group, kind, and the app's namespace and project", async () => {
    expect((await managed('?group=apps')).items.map((i) => i.kind)).toEqual(['Deployment']);
    expect((await managed('?name=web&version=v1')).items.map((i) => i.name)).toEqual(['web']);
    expect((await managed('?namespace=other')).items).toEqual([]);
    expect((await managed('?appNamespace=argocd&project=default')).items).toHaveLength(3);
    const elsewhere = await http.get('/api/v1/applications/managed/managed-resources?project=other');
    expect(elsewhere.status).toBe(404);
  });

  it('is guarded as Argo CD guards it: applications, get on the app; no login is 401', async () => {
    const path = '/api/v1/applications/managed/managed-resources';
    expect((await scheduler.anonymous.get(path)).status).toBe(401);
    expect((await scheduler.anonymous.get(path).set(scheduler.as('viewer'))).status).toBe(200);
    expect((await scheduler.anonymous.get(path).set(scheduler.as('stranger'))).status).toBe(403);
  });

  it('an unknown application is 404, a malformed filter 400 naming it', async () => {
    const missing = await http.get('/api/v1/applications/nope/managed-resources');
    expect(missing.status).toBe(404);
    expect(argoShapeProblems('runtime-error', missing.body)).toEqual([]);
    const bad = await http.get('/api/v1/applications/managed/managed-resources?kind=..%2Fx');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('kind');
  });
});
