import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HealthCheckRegistry, type ApplicationStatus } from '@berth/domain';
import { loadHealthCustomizations, LuaHealthRunner } from '@berth/infra';
import { RefreshProcessor } from '../../apps/worker/src/refresh.processor';
import { SyncProcessor } from '../../apps/worker/src/sync.processor';
import { WorkerHarness } from './worker-harness';

// A CRD without a status subresource: its status is written through the main resource, which is
// how the test plays cert-manager's controller (the sandbox has none).
const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: certificates.cert-manager.io
spec:
  group: cert-manager.io
  names: { kind: Certificate, listKind: CertificateList, plural: certificates, singular: certificate }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
const certificate = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web-tls
spec:
  secretName: web-tls
  dnsNames: [web.example.com]
  issuerRef: { name: letsencrypt, kind: ClusterIssuer }
`;

describe("CRD health from Argo CD's resource_customizations health.lua, as-is", () => {
  let h: WorkerHarness;
  let refresh: RefreshProcessor;

  beforeAll(async () => {
    h = await WorkerHarness.start();
    // Argo CD's layout, made from the script the Lua runner's own tests use.
    const customizations = join(h.root, 'resource_customizations');
    await mkdir(join(customizations, 'cert-manager.io/Certificate'), { recursive: true });
    await copyFile(
      join(
        process.cwd(),
        'libs/infra/src/lua/testdata/resource_customizations/cert-manager.io/Certificate/health.lua',
      ),
      join(customizations, 'cert-manager.io/Certificate/health.lua'),
    );
    const scripts = await loadHealthCustomizations(customizations);
    expect(scripts.map((s) => `${s.group}/${s.kind}`)).toEqual(['cert-manager.io/Certificate']);
    const healthChecks = await LuaHealthRunner.create().register(new HealthCheckRegistry(), scripts);
    const deps = { ...h.deps, healthChecks };
    refresh = new RefreshProcessor(deps);
    await h.repo.commit({ 'certs/crd.yaml': crd, 'certs/certificate.yaml': certificate });
    await h.createApp('certs', 'certs');
    const operationId = await h.requestSync('certs');
    expect(await new SyncProcessor(deps).process({ application: 'certs', operationId })).toBe('Succeeded');
  });
  afterAll(async () => h?.stop());

  const healthAfterRefresh = async () => {
    await refresh.process({ application: 'certs', hard: false, reason: 'test' });
    const [row] = await h.db.dataSource.query<Array<{ health_status: string; status: ApplicationStatus }>>(
      `SELECT health_status, status FROM applications WHERE name = 'certs'`,
    );
    return { status: row!.health_status, message: row!.status.health.message };
  };
  const setReady = (status: 'True' | 'False', message: string) =>
    h.cluster.mergePatch(
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', namespace: 'certs', name: 'web-tls' },
      { status: { conditions: [{ type: 'Ready', status, message }] } },
    );

  it("a Certificate with no status yet is Progressing, with the script's message", async () => {
    expect(await healthAfterRefresh()).toEqual({ status: 'Progressing', message: 'Waiting for certificate' });
  });

  it('Ready=False makes the app Degraded with the condition message; Ready=True makes it Healthy', async () => {
    await setReady('False', 'Issuer letsencrypt not found');
    expect((await healthAfterRefresh()).status).toBe('Degraded');
    const [row] = await h.db.dataSource.query<Array<{ status: ApplicationStatus }>>(
      `SELECT status FROM applications WHERE name = 'certs'`,
    );
    // Every managed resource, as Argo CD lists them: the healthy CRD too.
    const resources = row!.status.resources;
    expect(resources).toEqual([
      expect.objectContaining({
        kind: 'CustomResourceDefinition',
        status: 'Synced',
        health: { status: 'Healthy' },
      }),
      expect.objectContaining({
        kind: 'Certificate',
        version: 'v1',
        health: { status: 'Degraded', message: 'Issuer letsencrypt not found' },
      }),
    ]);
    await setReady('True', 'Certificate is up to date and has not expired');
    expect((await healthAfterRefresh()).status).toBe('Healthy');
  });
});

describe('Lua health on live objects with nulls, refresh after refresh (issue #14)', () => {
  let h: WorkerHarness;
  let refresh: RefreshProcessor;
  let runner: LuaHealthRunner;

  beforeAll(async () => {
    h = await WorkerHarness.start();
    runner = LuaHealthRunner.create();
    const healthChecks = await runner.register(new HealthCheckRegistry(), [
      {
        group: 'cert-manager.io',
        kind: 'Certificate',
        script: await readFile(
          join(
            process.cwd(),
            'libs/infra/src/lua/testdata/resource_customizations/cert-manager.io/Certificate/health.lua',
          ),
          'utf8',
        ),
      },
    ]);
    const deps = { ...h.deps, healthChecks };
    refresh = new RefreshProcessor(deps);
    await h.repo.commit({ 'certs/crd.yaml': crd, 'certs/certificate.yaml': certificate });
    await h.createApp('nulls', 'certs');
    const operationId = await h.requestSync('nulls');
    expect(await new SyncProcessor(deps).process({ application: 'nulls', operationId })).toBe('Succeeded');
  });
  afterAll(async () => h?.stop());

  it('stays Healthy while the controller writes nulls (a merge patch keeps nulls inside lists)', async () => {
    // The script decides: a Certificate without status is its "Waiting for certificate".
    expect((await refresh.process({ application: 'nulls', hard: false, reason: 'test' })).healthStatus).toBe(
      'Progressing',
    );
    await h.cluster.mergePatch(
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', namespace: 'nulls', name: 'web-tls' },
      {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              message: 'Certificate is up to date and has not expired',
              observedGeneration: null,
              lastTransitionTime: null,
            },
          ],
        },
      },
    );
    // Before the fix the object could not be handed to Lua (Unknown), and the engine broke for good.
    for (let i = 0; i < 20; i++) {
      const outcome = await refresh.process({ application: 'nulls', hard: false, reason: 'test' });
      expect(outcome.healthStatus).toBe('Healthy');
    }
    expect(await runner.restarts()).toBe(0);
  });
});
