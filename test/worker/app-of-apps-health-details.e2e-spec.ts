import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApplicationManifest } from '@berth/domain';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { IN_CLUSTER_SERVER } from '@berth/kube';
import { eventually } from '@berth/testing';
import { WorkerRuntime } from '../../apps/worker/src/worker-runtime';
import { REDIS_URL, WorkerHarness } from './worker-harness';

// Issue #13 item 5: a parent in App of Apps kept the health message it got at its first compare, because
// details were rewritten only when the status code changed. The child here rolls out an image that cannot
// be pulled (Progressing for as long as the test runs); a hand-made scale of its Deployment changes the
// child's message while every health status stays Progressing: the parent must show the new message.

interface Row {
  name: string;
  health_status: string;
  status: {
    health: { status: string; message?: string };
    resources: Array<{ kind: string; name: string; health?: { status: string; message?: string } }>;
  };
}

let h: WorkerHarness;
let services: GitFixtureRepo;
let runtime: WorkerRuntime;
let ticker: NodeJS.Timeout;

const childApplication = (repoURL: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: rolling-dev
  namespace: argocd
spec:
  project: default
  source:
    repoURL: ${repoURL}
    targetRevision: main
    path: services/rolling
  destination:
    server: ${IN_CLUSTER_SERVER}
    namespace: details
  syncPolicy:
    automated:
      prune: true
    syncOptions:
      - CreateNamespace=true
`;

const rollingDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: rolling
spec:
  replicas: 1
  progressDeadlineSeconds: 100000000
  selector:
    matchLabels: { app: rolling }
  template:
    metadata:
      labels: { app: rolling }
    spec:
      containers:
        - name: main
          image: nginx:doesnotexist
`;

const parent = (): ApplicationManifest => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'details-root', namespace: 'argocd' },
  spec: {
    project: 'default',
    source: { repoURL: h.repo.fileUrl, targetRevision: 'main', path: 'apps' },
    destination: { server: IN_CLUSTER_SERVER, namespace: 'argocd' },
    syncPolicy: { automated: { prune: true } },
  },
});

async function row(name: string): Promise<Row | undefined> {
  const [r] = await h.db.dataSource.query<Row[]>(
    `SELECT name, health_status, status FROM applications WHERE name = $1`,
    [name],
  );
  return r;
}

beforeAll(async () => {
  h = await WorkerHarness.start();
  services = await GitFixtureRepo.create(h.root, 'services');
  await services.commit({ 'services/rolling/deployment.yaml': rollingDeployment });
  await h.repo.commit({ 'apps/rolling-dev.yaml': childApplication(services.fileUrl) });
  runtime = new WorkerRuntime(h.deps, { redisUrl: REDIS_URL, prefix: h.prefix, concurrency: 2 });
  runtime.start();
  // The scheduler's periodic refresh, every 200 ms instead of 2 min.
  ticker = setInterval(() => {
    for (const application of ['details-root', 'rolling-dev'])
      void h.deps.queues
        .requestRefresh({ application, hard: false, reason: 'periodic' })
        .catch(() => undefined);
  }, 200);
}, 60_000);

afterAll(async () => {
  clearInterval(ticker);
  await runtime?.close();
  await h?.stop();
});

describe('App of Apps: health details stay current', () => {
  it("a child's new health message reaches the parent while every status stays Progressing", async () => {
    await h.createAppFromManifest(parent());
    let first = '';
    await eventually(
      async () => {
        const child = await row('rolling-dev');
        const root = await row('details-root');
        expect(child?.health_status).toBe('Progressing');
        expect(child?.status.health.message).toMatch(/^Waiting for rollout to finish: .* 1 /);
        expect(root?.health_status).toBe('Progressing');
        expect(root?.status.health.message).toBe(child?.status.health.message);
        first = child!.status.health.message!;
      },
      { timeout: 40_000, interval: 100, what: 'the child and the parent to be Progressing with one message' },
    );

    const transitions = async () =>
      (await h.events('details-root')).filter((e) => e.type === 'HealthStatusChanged').length;
    const transitionsBefore = await transitions();

    // kubectl scale deployment rolling --replicas=3, by hand.
    await h.cluster.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'details', name: 'rolling' },
      { spec: { replicas: 3 } },
    );
    await eventually(
      async () => {
        const child = await row('rolling-dev');
        const root = await row('details-root');
        expect(child?.health_status).toBe('Progressing');
        expect(child?.status.health.message).toMatch(/ 3 /);
        expect(root?.health_status).toBe('Progressing');
        expect(root?.status.health.message).toBe(child?.status.health.message);
        const listed = root?.status.resources.find((r) => r.kind === 'Application');
        expect(listed?.health).toEqual({ status: 'Progressing', message: child?.status.health.message });
      },
      { timeout: 30_000, interval: 100, what: "the child's new message to reach the parent" },
    );

    // The parent's health status did not move: the new details came as their own event.
    expect(await transitions()).toBe(transitionsBefore);
    expect((await h.events('details-root')).map((e) => e.type)).toContain('HealthDetailsChanged');
    expect(first).not.toBe((await row('details-root'))?.status.health.message);
  }, 90_000);
});
