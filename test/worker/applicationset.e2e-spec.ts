import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  APPLICATION_SET_ANNOTATION,
  applicationSetAggregate,
  applicationSetStreamId,
  applicationStreamId,
  decideApplicationSet,
  validateApplicationSet,
  type ApplicationManifest,
  type ApplicationSet,
  type ApplicationsSyncPolicy,
} from '@berth/domain';
import { IN_CLUSTER_SERVER } from '@berth/kube';
import { eventually } from '@berth/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { WorkerRuntime } from '../../apps/worker/src/worker-runtime';
import { REDIS_URL, WorkerHarness } from './worker-harness';

// The seed's §4.4 ApplicationSet (testdata/applicationset/api-services.yaml): a matrix of the
// services/* directories of a real Git repository and two environments. Real Postgres, Redis and the
// sandbox cluster; a WorkerRuntime runs the applicationset, refresh and sync jobs.
let h: WorkerHarness;
let runtime: WorkerRuntime;
let ticker: NodeJS.Timeout;

const service = (name: string, env: string) => ({
  [`services/${name}/overlays/${env}/config.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
data:
  service: ${name}
  env: ${env}
`,
});

async function appSet(
  policy?: ApplicationsSyncPolicy,
  requeueAfterSeconds?: number,
): Promise<ApplicationSet> {
  const text = await readFile(
    join(process.cwd(), 'test/worker/testdata/applicationset/api-services.yaml'),
    'utf8',
  );
  const parsed = parse(text.replaceAll('REPO_URL', h.repo.fileUrl)) as ApplicationSet;
  if (policy) parsed.spec.syncPolicy = { applicationsSync: policy };
  if (requeueAfterSeconds !== undefined)
    parsed.spec.generators[0]!.matrix!.generators[0]!.git!.requeueAfterSeconds = requeueAfterSeconds;
  const result = validateApplicationSet(parsed);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.applicationSet;
}

async function upsert(set: ApplicationSet): Promise<void> {
  await h.deps.commands.handle(
    applicationSetAggregate,
    applicationSetStreamId(set.metadata.name),
    (state) =>
      decideApplicationSet({ type: 'UpsertApplicationSet', applicationSet: set, upsert: true }, state),
    { actor: 'test', reason: 'test' },
  );
  await h.deps.queues.requestApplicationSetReconcile(set.metadata.name, 'spec-changed');
}

async function apps(): Promise<
  Array<{ name: string; sync_status: string; health_status: string; manifest: ApplicationManifest }>
> {
  return h.db.dataSource.query(
    `SELECT name, sync_status, health_status, manifest FROM applications ORDER BY name`,
  );
}

async function setRow(): Promise<
  { applications: string[]; conditions: Array<{ type: string; status: string; message: string }> } | undefined
> {
  const rows = await h.db.dataSource.query<
    Array<{ applications: string[]; conditions: Array<{ type: string; status: string; message: string }> }>
  >(`SELECT applications, conditions FROM applicationsets WHERE name = 'api-services'`);
  return rows[0];
}

const configMap = (name: string, env: string) =>
  h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: env, name: `${name}-config` });

beforeAll(async () => {
  h = await WorkerHarness.start();
  await h.repo.commit({
    ...service('orders', 'dev'),
    ...service('orders', 'staging'),
    ...service('users', 'dev'),
    ...service('users', 'staging'),
  });
  runtime = new WorkerRuntime(h.deps, { redisUrl: REDIS_URL, prefix: h.prefix, concurrency: 4 });
  runtime.start();
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
  }, 200);
}, 60_000);

afterAll(async () => {
  clearInterval(ticker);
  await runtime?.close();
  await h?.deps.queues.applicationSet.obliterate({ force: true }).catch(() => undefined);
  await h?.stop();
});

describe('ApplicationSet (seed §4.4)', () => {
  it('generates api-<basename>-<env> apps that sync through the normal path, and never takes over a hand-made app', async () => {
    // A person made an app with a generated name first.
    const handMade = h.manifest('api-users-staging', 'services/users/overlays/staging');
    await h.createAppFromManifest({
      ...handMade,
      spec: { ...handMade.spec, destination: { server: IN_CLUSTER_SERVER, namespace: 'staging' } },
    });
    await upsert(await appSet());
    const generated = ['api-orders-dev', 'api-orders-staging', 'api-users-dev'];
    await eventually(
      async () => {
        const rows = (await apps()).filter((r) => generated.includes(r.name));
        expect(rows.map((r) => `${r.name}:${r.sync_status}:${r.health_status}`)).toEqual(
          generated.map((n) => `${n}:Synced:Healthy`),
        );
      },
      { timeout: 40_000, interval: 100, what: 'the generated apps to be Synced and Healthy' },
    );
    expect(await configMap('orders', 'staging')).toBeDefined();
    for (const name of generated) {
      const [created] = await h.deps.store.readStream(applicationStreamId(name));
      expect(created).toMatchObject({
        type: 'ApplicationCreated',
        metadata: {
          actor: 'system:applicationset:api-services',
          reason: 'generated by ApplicationSet api-services',
        },
      });
      expect((created!.data as { manifest: ApplicationManifest }).manifest.metadata).toMatchObject({
        annotations: { [APPLICATION_SET_ANNOTATION]: 'api-services' },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      });
    }
    // The hand-made app is left alone and the set says why.
    const handMadeEvents = await h.deps.store.readStream(applicationStreamId('api-users-staging'));
    expect(handMadeEvents.every((e) => e.metadata.actor !== 'system:applicationset:api-services')).toBe(true);
    const row = await setRow();
    expect(row?.applications).toEqual(generated);
    expect(row?.conditions.find((c) => c.type === 'ErrorOccurred')).toMatchObject({
      status: 'True',
      message: expect.stringContaining(
        'application "api-users-staging" already exists and is not generated by any ApplicationSet',
      ) as unknown as string,
    });
  }, 60_000);

  it('removing a directory in Git deletes its apps and their resources (policy sync)', async () => {
    await h.repo.commit(
      {
        'services/orders/overlays/dev/config.yaml': null,
        'services/orders/overlays/staging/config.yaml': null,
      },
      'drop orders',
    );
    await h.deps.queues.markReposChanged([h.repo.fileUrl]);
    await h.deps.queues.requestApplicationSetReconcile('api-services', 'webhook');
    await eventually(
      async () => {
        const names = (await apps()).map((r) => r.name);
        expect(names).not.toContain('api-orders-dev');
        expect(names).not.toContain('api-orders-staging');
        expect(await configMap('orders', 'dev')).toBeUndefined();
      },
      { timeout: 30_000, interval: 100, what: 'the orders apps and their ConfigMaps to be deleted' },
    );
    const events = await h.deps.store.readStream(applicationStreamId('api-orders-dev'));
    expect(events.find((e) => e.type === 'ApplicationDeleted')).toMatchObject({
      data: { cascade: true },
      metadata: { actor: 'system:applicationset:api-services' },
    });
    expect((await setRow())?.applications).toEqual(['api-users-dev']);
  }, 60_000);

  it('with create-update a removed directory keeps its app; deleting the set deletes its apps', async () => {
    await upsert(await appSet('create-update'));
    await h.repo.commit(
      {
        'services/users/overlays/dev/config.yaml': null,
        'services/users/overlays/staging/config.yaml': null,
      },
      'drop users',
    );
    await h.deps.queues.markReposChanged([h.repo.fileUrl]);
    await h.deps.queues.requestApplicationSetReconcile('api-services', 'webhook');
    await eventually(
      async () => {
        const row = await setRow();
        expect(row?.conditions.find((c) => c.type === 'ResourcesUpToDate')?.status).toBe('True');
      },
      { timeout: 20_000, interval: 100, what: 'the set to reconcile after the push' },
    );
    expect((await apps()).map((r) => r.name)).toContain('api-users-dev');

    await h.deps.commands.handle(
      applicationSetAggregate,
      applicationSetStreamId('api-services'),
      (state) => decideApplicationSet({ type: 'DeleteApplicationSet' }, state),
      { actor: 'test', reason: 'test' },
    );
    await h.deps.queues.requestApplicationSetReconcile('api-services', 'deleted');
    await eventually(
      async () => {
        const names = (await apps()).map((r) => r.name);
        expect(names).not.toContain('api-users-dev');
        expect(names).toContain('api-users-staging');
        expect(await setRow()).toBeUndefined();
      },
      { timeout: 20_000, interval: 100, what: 'the generated app to be deleted with its set' },
    );
  }, 60_000);

  it('requeues itself after requeueAfterSeconds: a new directory appears without a webhook', async () => {
    await upsert(await appSet(undefined, 1));
    await eventually(async () => expect((await setRow())?.applications).toEqual([]), {
      timeout: 10_000,
      interval: 100,
      what: 'the set to reconcile once',
    });
    await h.repo.commit({ ...service('billing', 'dev') }, 'add billing');
    await eventually(async () => expect((await apps()).map((r) => r.name)).toContain('api-billing-dev'), {
      timeout: 15_000,
      interval: 200,
      what: 'the periodic requeue to pick up services/billing',
    });
    // The requeue keeps going: a second new directory is picked up too.
    await h.repo.commit({ ...service('search', 'dev') }, 'add search');
    await eventually(async () => expect((await apps()).map((r) => r.name)).toContain('api-search-dev'), {
      timeout: 15_000,
      interval: 200,
      what: 'the next periodic requeue to pick up services/search',
    });
  }, 60_000);
});
