import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  applicationEvent,
  type ApplicationManifest,
  applicationStreamId,
  type RecordedEvent,
  PARENT_ANNOTATION,
} from '@berth/domain';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IN_CLUSTER_SERVER } from '@berth/kube';
import { WorkerRuntime } from '../../apps/worker/src/worker-runtime';
import { eventually } from '@berth/testing';
import { describeEvent, REDIS_URL, WorkerHarness } from './worker-harness';

// The seed's App of Apps chart (§4.1, testdata/argocd-apps/apps) with values-dev.yaml, its
// children pointing at a second repository whose `services/<name>/dev` paths hold plain YAML.
// Real queues: a WorkerRuntime runs every refresh and sync the worker enqueues; the test only
// plays the scheduler's periodic refresh.
const CHART_DIR = join(process.cwd(), 'test', 'worker', 'testdata', 'argocd-apps', 'apps');
const SERVICES = ['api-gateway', 'order-service', 'payment-service', 'user-service'];
/** Added to the chart later, in sync waves 0 and 1. */
const LATER = ['cart-service', 'web-frontend'];
const CHILDREN = SERVICES.map((s) => `${s}-dev`);

let h: WorkerHarness;
let services: GitFixtureRepo;
let runtime: WorkerRuntime;
let ticker: NodeJS.Timeout;

const serviceFiles = (name: string) => ({
  [`services/${name}/dev/config.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
data:
  service: ${name}
`,
  [`services/${name}/dev/deployment.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: main
          image: nginx:1.27
`,
});

/** The chart as the seed has it, plus Argo CD's resources finalizer so deleting a child deletes its resources. */
async function chartFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const file of ['Chart.yaml', 'values.yaml', 'values-dev.yaml'])
    files[`apps/${file}`] = await readFile(join(CHART_DIR, file), 'utf8');
  for (const file of await readdir(join(CHART_DIR, 'templates'))) {
    const text = await readFile(join(CHART_DIR, 'templates', file), 'utf8');
    files[`apps/templates/${file}`] = text.replace(
      '  namespace: argocd\n',
      '  namespace: argocd\n  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n',
    );
  }
  return files;
}

const parent = (): ApplicationManifest => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'root', namespace: 'argocd' },
  spec: {
    project: 'default',
    source: {
      repoURL: h.repo.fileUrl,
      targetRevision: 'main',
      path: 'apps',
      helm: { valueFiles: ['values-dev.yaml'], parameters: [{ name: 'repoURL', value: services.fileUrl }] },
    },
    destination: { server: IN_CLUSTER_SERVER, namespace: 'argocd' },
    syncPolicy: { automated: { prune: true } },
  },
});

async function apps(): Promise<
  Array<{ name: string; sync_status: string; health_status: string; manifest: ApplicationManifest }>
> {
  return h.db.dataSource.query(
    `SELECT name, sync_status, health_status, manifest FROM applications ORDER BY name`,
  );
}

async function recorded(name: string): Promise<RecordedEvent[]> {
  return h.deps.store.readStream(applicationStreamId(name));
}

beforeAll(async () => {
  h = await WorkerHarness.start();
  services = await GitFixtureRepo.create(h.root, 'services');
  await services.commit(
    Object.assign({}, ...[...SERVICES, ...LATER].map(serviceFiles)) as Record<string, string>,
  );
  await h.repo.commit(await chartFiles());
  runtime = new WorkerRuntime(h.deps, { redisUrl: REDIS_URL, prefix: h.prefix, concurrency: 4 });
  runtime.start();
  // The scheduler's periodic refresh, every 150 ms instead of 3 min.
  ticker = setInterval(() => {
    void apps()
      .then((rows) =>
        Promise.all(
          rows.map((r) =>
            h.deps.queues.requestRefresh({ application: r.name, hard: false, reason: 'periodic' }),
          ),
        ),
      )
      .catch(() => undefined);
  }, 150);
}, 60_000);

afterAll(async () => {
  clearInterval(ticker);
  await runtime?.close();
  await h?.stop();
});

describe('App of Apps', () => {
  it('the parent declares four auto-synced children that sync and become Healthy; the parent is Healthy after them', async () => {
    await h.createAppFromManifest(parent());
    await eventually(
      async () => {
        const rows = await apps();
        const children = rows.filter((r) => CHILDREN.includes(r.name));
        expect(children.map((r) => `${r.name}:${r.sync_status}:${r.health_status}`)).toEqual(
          CHILDREN.map((c) => `${c}:Synced:Healthy`),
        );
        expect(rows.find((r) => r.name === 'root')).toMatchObject({
          sync_status: 'Synced',
          health_status: 'Healthy',
        });
      },
      { timeout: 40_000, interval: 100, what: 'the children and the parent to be Synced and Healthy' },
    );

    // The children are Berth applications owned by the parent, not objects in the cluster.
    for (const row of (await apps()).filter((r) => CHILDREN.includes(r.name))) {
      expect(row.manifest.metadata.annotations?.[PARENT_ANNOTATION]).toBe('root');
      const [created] = await recorded(row.name);
      expect(created).toMatchObject({
        type: 'ApplicationCreated',
        metadata: { actor: 'system:app-of-apps:root' },
      });
    }
    const deployment = await h.cluster.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'dev',
      name: 'payment-service',
    });
    expect(deployment?.metadata.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
      'payment-service-dev:apps/Deployment:dev/payment-service',
    );

    const rootTimeline = (await h.events('root')).map(describeEvent);
    expect(rootTimeline.filter((t) => t.includes('Application/'))).toEqual(
      CHILDREN.map((c) => `ResourceSynced:Application/${c}:created`),
    );
    // The parent became Healthy only after every child had.
    const rootHealthy = (await recorded('root')).find(
      (e) => e.type === 'HealthStatusChanged' && (e.data as { to: string }).to === 'Healthy',
    )!;
    for (const child of CHILDREN) {
      const childHealthy = (await recorded(child)).find(
        (e) => e.type === 'HealthStatusChanged' && (e.data as { to: string }).to === 'Healthy',
      )!;
      expect(childHealthy.recordedAt.getTime()).toBeLessThanOrEqual(rootHealthy.recordedAt.getTime());
    }
  }, 60_000);

  it('removing a template from Git prunes that child and, by its finalizer, its resources', async () => {
    const before = (await h.events('root')).length;
    await h.repo.commit({ 'apps/templates/payment-service.yaml': null }, 'drop payment-service');
    await eventually(
      async () => {
        const names = (await apps()).map((r) => r.name);
        expect(names).not.toContain('payment-service-dev');
        const tail = (await h.events('root')).slice(before).map(describeEvent);
        expect(tail).toContain('ResourceSynced:Application/payment-service-dev:pruned');
        const child = (await h.events('payment-service-dev')).map((e) => e.type);
        expect(child.slice(-2)).toEqual(['ApplicationDeleted', 'ApplicationResourcesDeleted']);
      },
      { timeout: 30_000, interval: 100, what: 'payment-service-dev to be pruned and its resources deleted' },
    );
    const tail = (await h.events('root')).slice(before).map(describeEvent);
    // The other children were declared again, unchanged: no events in their streams.
    for (const c of CHILDREN.filter((c) => c !== 'payment-service-dev'))
      expect(tail).toContain(`ResourceSynced:Application/${c}:unchanged`);

    const childEvents = await recorded('payment-service-dev');
    expect(childEvents.find((e) => e.type === 'ApplicationDeleted')).toMatchObject({
      data: { cascade: true },
      metadata: { actor: 'system:app-of-apps:root' },
    });
    const deleted = childEvents.find((e) => e.type === 'ApplicationResourcesDeleted')!.data as {
      resources: Array<{ kind: string; name: string; result: string }>;
    };
    expect(deleted.resources.map((r) => `${r.kind}/${r.name}:${r.result}`).sort()).toEqual([
      'ConfigMap/payment-service-config:deleted',
      'Deployment/payment-service:deleted',
    ]);
    const [audit] = await h.db.dataSource.query<unknown[]>(
      `SELECT actor, summary FROM audit_log WHERE application = 'payment-service-dev' AND event_type = 'ApplicationResourcesDeleted'`,
    );
    expect(audit).toEqual({
      actor: 'system:cascade-delete',
      summary: 'deleted the resources of the deleted application: 2 deleted, 0 failed',
    });
    await eventually(
      async () =>
        expect(
          await h.cluster.get({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            namespace: 'dev',
            name: 'payment-service',
          }),
        ).toBeUndefined(),
      { timeout: 10_000, interval: 50, what: 'the payment-service Deployment to be gone' },
    );
    // The other services are untouched.
    expect(
      await h.cluster.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'dev',
        name: 'order-service',
      }),
    ).toBeDefined();
    await eventually(
      async () =>
        expect((await apps()).find((r) => r.name === 'root')).toMatchObject({ sync_status: 'Synced' }),
      { timeout: 10_000, interval: 100, what: 'root to be Synced again' },
    );
  }, 60_000);

  it("waits for a wave's child apps to be Healthy before the next wave (argo-cd#3781)", async () => {
    const template = await readFile(join(CHART_DIR, 'templates', 'order-service.yaml'), 'utf8');
    const withWave = (service: string, wave: number) =>
      template
        .replaceAll('order-service', service)
        .replace(
          '  namespace: argocd\n',
          `  namespace: argocd\n  annotations:\n    argocd.argoproj.io/sync-wave: "${wave}"\n`,
        );
    await h.repo.commit(
      {
        'apps/templates/cart-service.yaml': withWave('cart-service', 0),
        'apps/templates/web-frontend.yaml': withWave('web-frontend', 1),
      },
      'two more services, in order',
    );
    await eventually(
      async () => {
        const rows = await apps();
        expect(rows.filter((r) => r.name === 'web-frontend-dev').map((r) => r.health_status)).toEqual([
          'Healthy',
        ]);
      },
      { timeout: 30_000, interval: 100, what: 'web-frontend-dev to be Healthy' },
    );
    const cartHealthy = (await recorded('cart-service-dev')).find(
      (e) => e.type === 'HealthStatusChanged' && (e.data as { to: string }).to === 'Healthy',
    )!;
    const frontendDeclared = (await recorded('root')).find(
      (e) =>
        e.type === 'ResourceSynced' &&
        (e.data as { resource: { name: string }; result: string }).resource.name === 'web-frontend-dev',
    )!;
    expect((frontendDeclared.data as { result: string }).result).toBe('created');
    expect(frontendDeclared.recordedAt.getTime()).toBeGreaterThanOrEqual(cartHealthy.recordedAt.getTime());
  }, 60_000);

  it('deleting the parent with cascade deletes its children, and theirs', async () => {
    // Let the parent's own auto-sync finish first (a sync still running would append after the deletion).
    await eventually(
      async () => {
        const [row] = await h.db.dataSource.query<Array<{ operation: unknown }>>(
          `SELECT operation FROM applications WHERE name = 'root'`,
        );
        expect(row?.operation).toBeNull();
      },
      { timeout: 20_000, interval: 100, what: "the parent's own operation to finish" },
    );
    await h.record(
      'root',
      [applicationEvent('ApplicationDeleted', { application: 'root', cascade: true })],
      'alice',
    );
    await h.deps.queues.requestRefresh({ application: 'root', hard: false, reason: 'deleted' });
    await eventually(async () => expect((await apps()).map((r) => r.name)).toEqual([]), {
      timeout: 30_000,
      interval: 100,
      what: 'every application row to be gone',
    });
    // The rows go at once; the cascade that deletes the resources runs in the worker right after.
    await eventually(
      async () =>
        expect((await recorded('root')).some((e) => e.type === 'ApplicationResourcesDeleted')).toBe(true),
      { timeout: 30_000, interval: 100, what: "root's cascade to record ApplicationResourcesDeleted" },
    );
    const rootDeleted = (await recorded('root')).find((e) => e.type === 'ApplicationResourcesDeleted')!;
    expect(rootDeleted.metadata.actor).toBe('system:cascade-delete');
    const results = (rootDeleted.data as { resources: Array<{ kind: string; result: string }> }).resources;
    expect(results.filter((r) => r.kind === 'Application').map((r) => r.result)).toEqual(
      Array(5).fill('deleted'),
    );
    await eventually(
      async () =>
        expect(
          await h.cluster.get({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            namespace: 'dev',
            name: 'order-service',
          }),
        ).toBeUndefined(),
      { timeout: 10_000, interval: 100, what: 'the order-service Deployment to be gone' },
    );
  }, 60_000);
});
