import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { KubeObject } from '@berth/domain';
import { loadConfig } from '@berth/infra';
import { bearer, provisionTestAdmin } from '@berth/testing';
import { createSchedulerApp } from '../../apps/scheduler/src/create-scheduler-app';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';
import { issueTestApiKeys, loginTestAdmin, testAccountsConfig } from '../scheduler/scheduler-harness';
import { guestbook, REDIS_URL, under, WorkerHarness } from '../worker/worker-harness';
import { argoShapeProblems } from './testing/argo-shapes';

// Argo CD's UI and CLI on one live object of a synced app (`argocd app actions run`, `argocd app
// patch-resource`, `argocd app delete-resource`, the UI's live manifest): the scheduler answers from the
// destination cluster (the sandbox), only for the app's own resources, and each change is an event of the
// app with who asked and why. The app is synced for real by the worker's processors.

const secret = `apiVersion: v1
kind: Secret
metadata:
  name: guestbook-secret
stringData:
  password: hunter2
`;

interface AuditEntry {
  type: string;
  data: Record<string, unknown>;
  metadata: { actor: string; reason?: string };
}

let h: WorkerHarness;
let app: NestExpressApplication;
let ctx: SchedulerContext;
let http: ReturnType<typeof request.agent>;
let dir: string;
let keys: Map<string, string>;
const asAlice = () => bearer(keys.get('alice')!);
const asBob = () => bearer(keys.get('bob')!);

// alice may restart, patch a ConfigMap and delete one (Argo CD's fine-grained actions, not `update`/`delete`
// on the app); bob only reads (policy.default).
const RBAC = `policy.default: role:readonly
policy.csv: |
  p, alice, applications, action/apps/Deployment/*, */*, allow
  p, alice, applications, update/*/ConfigMap/*, */*, allow
  p, alice, applications, delete/*/ConfigMap/*, */*, allow
`;

const DEPLOYMENT = 'namespace=web&resourceName=guestbook-ui&version=v1&group=apps&kind=Deployment';
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'guestbook-ui' };
const live = async (r: { apiVersion: string; kind: string; namespace: string; name: string } = ref) =>
  (await h.cluster.get(r)) as (KubeObject & { spec: Record<string, unknown> }) | undefined;
const audit = async (type: string) =>
  ((await http.get('/api/v1/applications/web/audit')).body as AuditEntry[]).filter((e) => e.type === type);
const actionNames = async () =>
  (
    (await http.get(`/api/v1/applications/web/resource/actions?${DEPLOYMENT}`)).body as {
      actions: Array<{ name: string; disabled?: boolean }>;
    }
  ).actions;

beforeAll(async () => {
  h = await WorkerHarness.start();
  await h.repo.commit({ ...under('web', guestbook()), 'web/secret.yaml': secret });
  await provisionTestAdmin(h.db.dataSource);
  dir = await mkdtemp(join(tmpdir(), 'berth-actions-e2e-'));
  await writeFile(join(dir, 'accounts.yaml'), testAccountsConfig(['alice', 'bob']));
  await writeFile(join(dir, 'rbac.yaml'), RBAC);
  await h.sandbox.writeKubeconfig(join(dir, 'kubeconfig'));
  const config = loadConfig({
    BERTH_ACCOUNTS_CONFIG: join(dir, 'accounts.yaml'),
    DATABASE_URL: h.db.url,
    REDIS_URL,
    BERTH_QUEUE_PREFIX: h.prefix,
    LOG_LEVEL: 'error',
    REFRESH_INTERVAL_SECONDS: '0',
    KUBECONFIG: join(dir, 'kubeconfig'),
    BERTH_RBAC_CONFIG: join(dir, 'rbac.yaml'),
  });
  ({ app, ctx } = await createSchedulerApp(config));
  await app.init();
  const adminToken = await loginTestAdmin(app.getHttpServer());
  keys = await issueTestApiKeys(app.getHttpServer(), adminToken, ['alice', 'bob']);
  http = request.agent(app.getHttpServer()).set(bearer(adminToken));

  expect((await http.post('/api/v1/applications').send(h.manifest('web', 'web'))).status).toBe(200);
  const operationId = await h.requestSync('web');
  expect(await h.sync().process({ application: 'web', operationId })).toBe('Succeeded');
  await h.refresh().process({ application: 'web', hard: false, reason: 'test' });
  expect(await h.view('web')).toMatchObject({ sync_status: 'Synced' });
  // In the app's namespace, but not the app's.
  await h.cluster.create({ ...(await live())!, metadata: { name: 'stranger', namespace: 'web' } });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('resource actions (Argo CD ListResourceActions / RunResourceAction)', () => {
  it("lists a Deployment's actions in Argo CD's shape", async () => {
    const res = await http.get(`/api/v1/applications/web/resource/actions?${DEPLOYMENT}`);
    expect(res.status).toBe(200);
    expect(argoShapeProblems('resource-actions-list', res.body)).toEqual([]);
    expect(res.body).toEqual({
      actions: [{ name: 'pause' }, { name: 'restart' }, { name: 'resume', disabled: true }],
    });
  });

  it('restart: the annotation is on the live object, the run is in the audit log with the actor and reason', async () => {
    const before = Date.now();
    const res = await http
      .post(`/api/v1/applications/web/resource/actions?${DEPLOYMENT}`)
      .set(asAlice())
      .set('X-Reason', 'pods stuck on an old config')
      .set('Content-Type', 'application/json')
      .send('"restart"');
    expect([res.status, res.body]).toEqual([200, {}]);
    expect(argoShapeProblems('application-response', res.body)).toEqual([]);
    const template = (await live())!.spec['template'] as {
      metadata: { annotations: Record<string, string> };
    };
    const at = template.metadata.annotations['kubectl.kubernetes.io/restartedAt']!;
    expect(Date.parse(at)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    const runs = await audit('ResourceActionRun');
    expect(runs).toEqual([
      {
        ...runs[0],
        data: {
          application: 'web',
          action: 'restart',
          changed: true,
          resource: {
            group: 'apps',
            version: 'v1',
            kind: 'Deployment',
            namespace: 'web',
            name: 'guestbook-ui',
          },
        },
        metadata: expect.objectContaining({ actor: 'alice', reason: 'pods stuck on an old config' }),
      },
    ]);
    // Argo CD's Events tab shows it under Argo CD's reason, with the user.
    const events = (await http.get('/api/v1/applications/web/events')).body as {
      items: Array<{ reason: string; message: string; metadata: { annotations: Record<string, string> } }>;
    };
    const ran = events.items.find((e) => e.reason === 'ResourceActionRan')!;
    expect(ran.message).toBe("ran action restart on apps/Deployment 'guestbook-ui' in web");
    expect(ran.metadata.annotations['user']).toBe('alice');
    // A restart is not drift: the app stays Synced.
    await h.refresh().process({ application: 'web', hard: false, reason: 'test' });
    expect(await h.view('web')).toMatchObject({ sync_status: 'Synced' });
  });

  it('pause, then resume (the v2 route, every field in the body)', async () => {
    const pause = await http
      .post(`/api/v1/applications/web/resource/actions?${DEPLOYMENT}`)
      .send(JSON.stringify('pause'));
    expect(pause.status).toBe(200);
    expect((await live())!.spec['paused']).toBe(true);
    expect(await actionNames()).toEqual([
      { name: 'pause', disabled: true },
      { name: 'restart' },
      { name: 'resume' },
    ]);
    const resume = await http.post('/api/v1/applications/web/resource/actions/v2').send({
      name: 'web',
      namespace: 'web',
      resourceName: 'guestbook-ui',
      version: 'v1',
      group: 'apps',
      kind: 'Deployment',
      action: 'resume',
      resourceActionParameters: [],
    });
    expect([resume.status, resume.body]).toEqual([200, {}]);
    expect((await live())!.spec['paused']).toBeUndefined();
    expect((await audit('ResourceActionRun')).map((e) => e.data['action'])).toEqual([
      'restart',
      'pause',
      'resume',
    ]);
  });

  it('an unknown action: 400 naming the action and the ones there are; a disabled one: 409', async () => {
    const unknown = await http
      .post(`/api/v1/applications/web/resource/actions?${DEPLOYMENT}`)
      .send('"explode"');
    expect(unknown.status).toBe(400);
    expect(argoShapeProblems('runtime-error', unknown.body)).toEqual([]);
    expect((unknown.body as { message: string }).message).toBe(
      'Deployment "guestbook-ui" has no action "explode"; its actions are pause, restart, resume',
    );
    const disabled = await http
      .post(`/api/v1/applications/web/resource/actions?${DEPLOYMENT}`)
      .send('"resume"');
    expect(disabled.status).toBe(409);
    expect((await audit('ResourceActionRun')).length).toBe(3);
  });

  it('a resource that is not part of the app: 404, untouched', async () => {
    const stranger = DEPLOYMENT.replace('guestbook-ui', 'stranger');
    for (const res of [
      await http.get(`/api/v1/applications/web/resource/actions?${stranger}`),
      await http.post(`/api/v1/applications/web/resource/actions?${stranger}`).send('"restart"'),
      await http.get(`/api/v1/applications/web/resource?${stranger}`),
      await http.post(`/api/v1/applications/web/resource?${stranger}`).send('{"spec":{"replicas":3}}'),
      await http.delete(`/api/v1/applications/web/resource?${stranger}`),
    ]) {
      expect(res.status).toBe(404);
      expect(argoShapeProblems('runtime-error', res.body)).toEqual([]);
      expect((res.body as { message: string }).message).toBe(
        'Deployment apps stranger (namespace web) not found as part of application web',
      );
    }
    const untouched = (await live({ ...ref, name: 'stranger' }))!;
    expect(JSON.stringify(untouched.spec['template'])).not.toContain('restartedAt');
  });

  it('RBAC as Argo CD: action/<group>/<kind>/<action> to run one, update/delete (or their fine-grained form) to change one, get to read', async () => {
    const run = (who: { Authorization: string }, action: string) =>
      http.post(`/api/v1/applications/web/resource/actions?${DEPLOYMENT}`).set(who).send(`"${action}"`);
    const denied = await run(asBob(), 'restart');
    expect(denied.status).toBe(403);
    expect((denied.body as { message: string }).message).toMatch(/action\/apps\/Deployment\/restart/);
    expect(
      (await http.get(`/api/v1/applications/web/resource/actions?${DEPLOYMENT}`).set(asBob())).status,
    ).toBe(200);
    expect((await http.get(`/api/v1/applications/web/resource?${DEPLOYMENT}`).set(asBob())).status).toBe(200);
    const patch = await http
      .post(`/api/v1/applications/web/resource?${DEPLOYMENT}`)
      .set(asAlice())
      .send('{"spec":{"replicas":3}}');
    expect(patch.status).toBe(403);
    expect((patch.body as { message: string }).message).toMatch(
      /update\/apps\/Deployment\/web\/guestbook-ui/,
    );
    expect((await http.delete(`/api/v1/applications/web/resource?${DEPLOYMENT}`).set(asAlice())).status).toBe(
      403,
    );
    expect((await live())!.spec['replicas']).toBe(1);
    expect(await audit('ResourceActionRun')).toHaveLength(3);
  });

  it("argocd-cm's resource.customizations.actions key adds an action (mergeBuiltinActions), read when the file changes", async () => {
    const action = `discovery.lua: |
  return {["scale-to-two"] = {displayName = "Scale to two"}}
definitions:
  - name: scale-to-two
    action.lua: |
      obj.spec.replicas = 2
      return obj
mergeBuiltinActions: true
`;
    await writeFile(
      join(dir, 'accounts.yaml'),
      testAccountsConfig(['alice', 'bob'], { 'resource.customizations.actions.apps_Deployment': action }),
    );
    expect(await actionNames()).toEqual([
      { name: 'pause' },
      { name: 'restart' },
      { name: 'resume', disabled: true },
      { name: 'scale-to-two', displayName: 'Scale to two' },
    ]);
    const res = await http
      .post(`/api/v1/applications/web/resource/actions?${DEPLOYMENT}`)
      .send('"scale-to-two"');
    expect(res.status).toBe(200);
    expect((await live())!.spec['replicas']).toBe(2);
    await writeFile(join(dir, 'accounts.yaml'), testAccountsConfig(['alice', 'bob']));
    expect((await actionNames()).map((a) => a.name)).toEqual(['pause', 'restart', 'resume']);
  });
});

describe('one live resource (Argo CD GetResource / PatchResource / DeleteResource)', () => {
  const CONFIGMAP = 'namespace=web&resourceName=guestbook-config&version=v1&kind=ConfigMap';

  it('GET answers the live object as a JSON string', async () => {
    const res = await http.get(`/api/v1/applications/web/resource?${DEPLOYMENT}`);
    expect(res.status).toBe(200);
    expect(argoShapeProblems('application-resource-response', res.body)).toEqual([]);
    const obj = JSON.parse((res.body as { manifest: string }).manifest) as KubeObject;
    expect([obj.kind, obj.metadata.name, obj.metadata['uid']]).toEqual([
      'Deployment',
      'guestbook-ui',
      (await live())!.metadata['uid'],
    ]);
  });

  it("a Secret's values are masked, the last-applied annotation too", async () => {
    // As `kubectl apply` leaves it: the whole Secret, in clear text, in an annotation.
    await h.cluster.mergePatch(
      { apiVersion: 'v1', kind: 'Secret', namespace: 'web', name: 'guestbook-secret' },
      {
        metadata: {
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
              stringData: { password: 'hunter2' },
            }),
          },
        },
      },
    );
    const res = await http.get(
      '/api/v1/applications/web/resource?namespace=web&resourceName=guestbook-secret&version=v1&kind=Secret',
    );
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('hunter2');
    expect(res.text).not.toContain(Buffer.from('hunter2').toString('base64'));
    const obj = JSON.parse((res.body as { manifest: string }).manifest) as {
      data?: Record<string, string>;
      stringData?: Record<string, string>;
      metadata: { annotations?: Record<string, string> };
    };
    // The sandbox keeps stringData as written (a real API server moves it to data): either is masked.
    expect(obj.data ?? obj.stringData).toEqual({ password: '++++++++' });
    const lastApplied = obj.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
    expect(lastApplied).toBe('++++++++');
  });

  it('POST (Argo CD) and PATCH patch it; the answer is the patched object; each is an event with the actor', async () => {
    const merge = await http
      .post(`/api/v1/applications/web/resource?${CONFIGMAP}&patchType=application/merge-patch%2Bjson`)
      .set(asAlice())
      .send(JSON.stringify(JSON.stringify({ data: { greeting: 'hi' } })));
    expect(merge.status).toBe(200);
    expect(argoShapeProblems('application-resource-response', merge.body)).toEqual([]);
    expect((JSON.parse((merge.body as { manifest: string }).manifest) as { data: object }).data).toEqual({
      greeting: 'hi',
    });
    const json = await http
      .patch(`/api/v1/applications/web/resource?${CONFIGMAP}&patchType=application/json-patch%2Bjson`)
      .send([{ op: 'add', path: '/data/extra', value: 'x' }]);
    expect(json.status).toBe(200);
    const cm = await live({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'web',
      name: 'guestbook-config',
    });
    expect(cm!['data']).toEqual({ greeting: 'hi', extra: 'x' });
    expect((await audit('LiveResourcePatched')).map((e) => [e.data['patchType'], e.metadata.actor])).toEqual([
      ['merge', 'alice'],
      ['json', 'admin'],
    ]);
  });

  it('a patch the body cannot be: 400 naming the patch, nothing recorded', async () => {
    for (const [type, body] of [
      ['application/merge-patch%2Bjson', '[1]'],
      ['application/json-patch%2Bjson', '{"op":"add"}'],
      ['application/merge-patch%2Bjson', 'not json'],
    ] as const) {
      const res = await http
        .post(`/api/v1/applications/web/resource?${CONFIGMAP}&patchType=${type}`)
        .send(body);
      expect([body, res.status]).toEqual([body, 400]);
      expect((res.body as { message: string }).message).toMatch(/patch/);
    }
    expect(await audit('LiveResourcePatched')).toHaveLength(2);
  });

  it('DELETE removes it from the cluster and records who did', async () => {
    const res = await http
      .delete(`/api/v1/applications/web/resource?${CONFIGMAP}&orphan=true`)
      .set(asAlice());
    expect([res.status, res.body]).toEqual([200, {}]);
    expect(argoShapeProblems('application-response', res.body)).toEqual([]);
    expect(
      await live({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'guestbook-config' }),
    ).toBeUndefined();
    const deleted = await audit('LiveResourceDeleted');
    expect(deleted.map((e) => [e.data['propagationPolicy'], e.data['force'], e.metadata.actor])).toEqual([
      ['Orphan', false, 'alice'],
    ]);
  });
});
