import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import type { KubeObject } from '@berth/domain';
import { KubeApiError } from './kube-api.error';
import { KubeCluster } from './kube-cluster';

const job = (name: string, namespace: string, containers: unknown[]): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace },
  spec: { template: { spec: { restartPolicy: 'Never', containers } } },
});

// What the sync's hook handling (BeforeHookCreation by annotation) and its dry run rely on.
describe('KubeCluster list and dry runs against the sandbox', () => {
  let sandbox: SandboxCluster;
  let cluster: KubeCluster;

  beforeAll(async () => {
    sandbox = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    cluster = KubeCluster.fromKubeconfig(sandbox.kubeconfig());
    await cluster.ensureNamespace('list-it');
    await cluster.ensureNamespace('list-other');
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('lists the objects of one kind in one namespace, each with apiVersion and kind', async () => {
    await cluster.create(job('a', 'list-it', [{ name: 'c', image: 'busybox' }]));
    await cluster.create(job('b', 'list-it', [{ name: 'c', image: 'busybox' }]));
    await cluster.create(job('elsewhere', 'list-other', [{ name: 'c', image: 'busybox' }]));
    const listed = await cluster.list({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'list-it' });
    expect(listed.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`).sort()).toEqual([
      'batch/v1 Job a',
      'batch/v1 Job b',
    ]);
  });

  it('lists nothing of a kind the cluster does not serve', async () => {
    expect(await cluster.list({ apiVersion: 'example.io/v1', kind: 'Gadget', namespace: 'list-it' })).toEqual(
      [],
    );
  });

  it('a dryRun=All create is validated like a real one and stores nothing', async () => {
    const invalid = await cluster
      .create(job('bad', 'list-it', []), { dryRun: true })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(KubeApiError);
    expect((invalid as KubeApiError).code).toBe('Invalid');
    const missingNamespace = await cluster
      .create(job('x', 'no-such-namespace', [{ name: 'c', image: 'busybox' }]), { dryRun: true })
      .catch((e: unknown) => e);
    expect((missingNamespace as KubeApiError).code).toBe('NotFound');
    await cluster.create(job('dry', 'list-it', [{ name: 'c', image: 'busybox' }]), { dryRun: true });
    expect(
      await cluster.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'list-it', name: 'dry' }),
    ).toBeUndefined();
  });
});
