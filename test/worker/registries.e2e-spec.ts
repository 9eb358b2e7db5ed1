import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { normalizeGitUrl } from '@berth/domain';
import { KubeCluster } from '@berth/kube';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { type GitHttpServer, startGitHttpServer } from '@berth/sources/testing/git-http-server';
import { type SandboxCluster, startSandboxCluster } from '@berth/sandbox-cluster';
import { guestbook, under, WorkerHarness } from './worker-harness';

// The worker's registry wiring: a private repository's credentials and a second cluster, both
// read from the tables the scheduler's registry API writes (sealed with the Berth key).
let h: WorkerHarness;
let server: GitHttpServer;
let privateRepo: GitFixtureRepo;
let staging: SandboxCluster;
const CREDS = { username: 'deploy-bot', password: 's3cret-token' };

beforeAll(async () => {
  h = await WorkerHarness.start();
  privateRepo = await GitFixtureRepo.create(h.root, 'private');
  await privateRepo.commit(under('guestbook', guestbook()));
  await h.repo.commit(under('staging', guestbook()));
  server = await startGitHttpServer({ projectRoot: h.root, basicAuth: CREDS });
  staging = await startSandboxCluster({ port: 0, timeScale: 0.01 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await staging?.close();
  await h?.stop();
});

async function registerRepository(url: string, credentials: object): Promise<void> {
  await h.db.dataSource.query(
    `INSERT INTO repositories (url, normalized_url, type, credential_type, username, sealed_credentials)
     VALUES ($1, $2, 'git', 'https', $3, $4)`,
    [url, normalizeGitUrl(url), CREDS.username, h.box.seal(JSON.stringify(credentials))],
  );
}

async function syncOnce(name: string): Promise<string> {
  const operationId = await h.requestSync(name);
  return h.sync().process({ application: name, operationId });
}

describe('registered repositories', () => {
  it('a private repository is refused until its credentials are registered, then syncs', async () => {
    const url = server.repoUrl('private');
    const manifest = h.manifest('private-app', 'guestbook');
    (manifest.spec['source'] as { repoURL: string }).repoURL = url;
    await h.createAppFromManifest(manifest);

    const refused = await h.refresh().process({ application: 'private-app', hard: false, reason: 'test' });
    expect(refused.appended).toContain('ConditionRaised');
    const events = await h.events('private-app');
    const condition = events.find((e) => e.type === 'ConditionRaised');
    expect(condition?.data).toMatchObject({ conditionType: 'ComparisonError' });
    expect(JSON.stringify(condition?.data)).toMatch(/credentials/);
    expect(server.requests.some((r) => r.endsWith(' 401'))).toBe(true);

    await registerRepository(url, { type: 'https', ...CREDS });
    expect(await syncOnce('private-app')).toBe('Succeeded');
    await h.refreshUntilHealth('private-app', 'Healthy');
    expect(await h.view('private-app')).toMatchObject({
      sync_status: 'Synced',
      revision: await privateRepo.head(),
    });
    const live = await h.cluster.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'private-app',
      name: 'guestbook-ui',
    });
    expect(live).toBeDefined();
    // No secret in the log.
    expect(JSON.stringify(await h.events('private-app'))).not.toContain(CREDS.password);
  });
});

describe('registered clusters', () => {
  const stagingManifest = (name: string, destination: Record<string, string>, namespace = 'web') => {
    const manifest = h.manifest(name, 'staging');
    manifest.spec['destination'] = { ...destination, namespace };
    return manifest;
  };

  it('an app whose destination is not registered gets a ComparisonError naming spec.destination and the fix', async () => {
    await h.createAppFromManifest(stagingManifest('to-unknown', { name: 'staging' }));
    await h.refresh().process({ application: 'to-unknown', hard: false, reason: 'test' });
    const condition = (await h.events('to-unknown')).find((e) => e.type === 'ConditionRaised');
    expect(condition?.data).toMatchObject({ conditionType: 'ComparisonError' });
    const message = (condition?.data as { message: string }).message;
    expect(message).toContain('spec.destination name "staging"');
    expect(message).toContain('POST /api/v1/clusters');
    expect((await h.view('to-unknown')).sync_status).toBe('Unknown');
  });

  it('an app to a cluster registered by name syncs there, and one by server URL too', async () => {
    await h.db.dataSource.query(
      `INSERT INTO clusters (name, server, auth_type, sealed_config) VALUES ('staging', $1, 'kubeconfig', $2)`,
      [staging.url, h.box.seal(staging.kubeconfig())],
    );
    const stagingClient = KubeCluster.fromKubeconfig(staging.kubeconfig());
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'guestbook-ui' };

    // The app that failed before recovers: the cluster is found now.
    expect(await syncOnce('to-unknown')).toBe('Succeeded');
    await h.refreshUntilHealth('to-unknown', 'Healthy');
    expect((await h.timeline('to-unknown')).filter((t) => t.startsWith('Condition'))).toEqual([
      'ConditionRaised:ComparisonError',
      'ConditionCleared:ComparisonError',
    ]);
    expect(await stagingClient.get(deployment)).toBeDefined();
    expect(await h.cluster.get(deployment)).toBeUndefined();

    const byServer = stagingManifest('by-server', { server: `${staging.url}/` }, 'api');
    await h.createAppFromManifest(byServer);
    expect(await syncOnce('by-server')).toBe('Succeeded');
    expect(await stagingClient.get({ ...deployment, namespace: 'api' })).toBeDefined();
  });
});
