import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import type { KubeObject } from '@berth/domain';
import { isClusterUnreachable, KubeApiError } from './kube-api.error';
import { createServer, type Socket } from 'node:net';
import { KubeCluster } from './kube-cluster';

function configMap(name: string, namespace: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' }, ...extra };
}

describe('KubeCluster against the sandbox API server', () => {
  let sandbox: SandboxCluster;
  let cluster: KubeCluster;

  beforeAll(async () => {
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    cluster = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
    await cluster.ensureNamespace('kube-it');
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('server-side applies the exact object: a field no model knows reaches the server', async () => {
    // client-node's models would drop it and the apply would pass; the server refuses it as kube-apiserver does.
    await expect(
      cluster.apply(configMap('extra', 'kube-it', { berthExtra: { keep: 'me' } })),
    ).rejects.toThrow(
      'failed to create typed patch object (kube-it/extra; /v1, Kind=ConfigMap): .berthExtra: field not declared in schema',
    );
    const applied = await cluster.apply(configMap('extra', 'kube-it', { data: { keep: 'me' } }));
    expect(applied['data']).toEqual({ keep: 'me' });
    const live = await cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'kube-it',
      name: 'extra',
    });
    expect(live?.['data']).toEqual({ keep: 'me' });
    // Plain JSON back: timestamps stay strings (client-node's models would make them Dates).
    expect(typeof live?.metadata['creationTimestamp']).toBe('string');
    const managers = (live?.metadata['managedFields'] as Array<{ manager: string; operation: string }>) ?? [];
    expect(managers.map((m) => `${m.manager}:${m.operation}`)).toContain('berth:Apply');
  });

  it('apply with dryRun validates without storing', async () => {
    const result = await cluster.apply(configMap('dry', 'kube-it'), { dryRun: true });
    expect(result.metadata.name).toBe('dry');
    expect(
      await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-it', name: 'dry' }),
    ).toBe(undefined);
  });

  it('resolves plural and scope by discovery, also from a versionless inventory key', async () => {
    expect(await cluster.typeOf({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' })).toMatchObject({
      plural: 'deployments',
      namespaced: true,
    });
    expect(await cluster.typeOf({ group: '', kind: 'Namespace', name: 'x' })).toMatchObject({
      plural: 'namespaces',
      namespaced: false,
    });
    expect(await cluster.typeOf({ group: 'apps', kind: 'Deployment', name: 'x' })).toMatchObject({
      apiVersion: 'apps/v1',
    });
  });

  it('lists an app’s live objects by desired objects and inventory keys, skipping what is absent', async () => {
    await cluster.apply(configMap('tracked', 'kube-it'));
    const live = await cluster.liveObjects(
      [configMap('extra', 'kube-it'), configMap('not-there', 'kube-it')],
      ['/ConfigMap/kube-it/tracked', 'example.com/Widget/kube-it/w'],
    );
    expect(live.map((o) => o.metadata.name).sort()).toEqual(['extra', 'tracked']);
  });

  it('replaces, creates and deletes; a second delete reports the object gone', async () => {
    await cluster.create(configMap('crud', 'kube-it'));
    const created = await cluster.create(configMap('crud', 'kube-it')).catch((e: unknown) => e);
    expect(created).toBeInstanceOf(KubeApiError);
    expect((created as KubeApiError).code).toBe('AlreadyExists');
    const replaced = await cluster.replace(configMap('crud', 'kube-it', { data: { b: '2' } }));
    expect(replaced['data']).toEqual({ b: '2' });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-it', name: 'crud' };
    expect(await cluster.delete(ref, { propagationPolicy: 'Background' })).toBe(true);
    expect(await cluster.delete(ref)).toBe(false);
  });

  it('names the kind and what to do when the cluster does not serve it', async () => {
    const err = await cluster
      .apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'kube-it' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).code).toBe('UnknownResourceType');
    expect((err as KubeApiError).message).toContain('CustomResourceDefinition');
  });

  it('ensureNamespace is idempotent', async () => {
    expect(await cluster.ensureNamespace('kube-it-2')).toBe(true);
    expect(await cluster.ensureNamespace('kube-it-2')).toBe(false);
  });

  it('a cluster that refuses or resets connections is unreachable for now, and says how', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const refusedPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const resetting = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const resetPort = (resetting.address() as { port: number }).port;
    const at = (port: number) =>
      KubeCluster.fromKubeconfig(sandbox.kubeconfig().replaceAll(sandbox.url, `http://127.0.0.1:${port}`));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-it', name: 'any' };
    try {
      const refused = await at(refusedPort)
        .get(ref)
        .catch((e: unknown) => e);
      expect(isClusterUnreachable(refused)).toBe(true);
      // fetch says only "fetch failed": the reason is its cause's.
      expect((refused as Error).message).toContain(`connect ECONNREFUSED 127.0.0.1:${refusedPort}`);
      const reset = await at(resetPort)
        .get(ref)
        .catch((e: unknown) => e);
      expect(isClusterUnreachable(reset)).toBe(true);
    } finally {
      await new Promise((resolve) => resetting.close(resolve));
    }
    // A name that does not resolve does not pass by waiting: unreachable, not for now.
    const misspelt = await KubeCluster.fromKubeconfig(
      sandbox.kubeconfig().replaceAll(sandbox.url, 'http://cluster.berth-test.invalid:6443'),
    )
      .get(ref)
      .catch((e: unknown) => e);
    expect(misspelt).toMatchObject({ code: 'Unreachable', status: 0, transient: false });
    expect((misspelt as Error).message).toContain('ENOTFOUND');
  });

  it('gives up on a server that hangs, before or during its answer: unreachable for now, never a stalled job', async () => {
    // One server accepts and never answers; the other sends its headers and then stops mid-body.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    const stalling = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () =>
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"kind":',
        ),
      );
    });
    const listening = async (server: ReturnType<typeof createServer>) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as { port: number }).port;
    };
    const at = (port: number) =>
      KubeCluster.fromKubeconfig(sandbox.kubeconfig().replaceAll(sandbox.url, `http://127.0.0.1:${port}`), {
        requestTimeoutMs: 400,
      });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-it', name: 'any' };
    try {
      const silentPort = await listening(silent);
      const stallingPort = await listening(stalling);
      for (const port of [silentPort, stallingPort]) {
        const started = Date.now();
        const hung = await at(port)
          .get(ref)
          .catch((e: unknown) => e);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(isClusterUnreachable(hung)).toBe(true);
        expect((hung as Error).message).toContain(
          `the Kubernetes API server at http://127.0.0.1:${port} did not answer within 0.4 s`,
        );
        expect((hung as Error).message).toContain('BERTH_KUBE_REQUEST_TIMEOUT_SECONDS');
      }
      // The connection check of a cluster registration goes through the same limit.
      await expect(at(silentPort).serverVersion()).rejects.toMatchObject({
        code: 'Unreachable',
        transient: true,
      });
      // A server that answers in time is not cut short by the limit.
      expect(
        await KubeCluster.fromKubeconfig(sandbox.kubeconfig(), { requestTimeoutMs: 5_000 }).serverVersion(),
      ).toMatch(/^v1\./);
    } finally {
      // A hung connection would keep close() waiting: end them first.
      for (const socket of sockets) socket.destroy();
      for (const server of [silent, stalling]) server.close();
    }
  });
});
