import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { GitFixtureRepo } from '../../libs/sources/src/testing/git-fixture-repo';
import { startGitHttpServer, type GitHttpServer } from '../../libs/sources/src/testing/git-http-server';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { type ClusterAnswer, type RepositoryAnswer, errorOf } from '../testing/api-answer';

// Silent replacement: registering a repository URL or a cluster name that is already registered
// used to overwrite it (credentials, server) without a word, so anyone who could call the API could
// redirect a cluster name to their own server, or swap the credentials of a repository. Now: 409,
// unless the caller asks for it with Argo CD's `upsert` flag, and then the event says what was replaced.

describe('replacing registered repositories and clusters', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  let root: string;
  let git: GitHttpServer;
  let prod: SandboxCluster;
  let attacker: SandboxCluster;
  let previousKey: string | undefined;

  const events = async (type: string) =>
    scheduler.db.dataSource.query<Array<{ actor: string; summary: string; data: Record<string, unknown> }>>(
      `SELECT actor, summary, data FROM audit_log WHERE event_type = $1 ORDER BY position`,
      [type],
    );

  beforeAll(async () => {
    previousKey = process.env['BERTH_SECRET_KEY'];
    process.env['BERTH_SECRET_KEY'] = randomBytes(32).toString('base64');
    root = await mkdtemp(join(tmpdir(), 'berth-replace-'));
    const repo = await GitFixtureRepo.create(root, 'deploy');
    await repo.commit({ 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    git = await startGitHttpServer({ projectRoot: root, basicAuth: { username: 'ci', password: 'ci-pass' } });
    prod = await startSandboxCluster({ port: 0, token: 'prod-token' });
    attacker = await startSandboxCluster({ port: 0, token: 'attacker-token' });
    scheduler = await startTestScheduler(
      { BERTH_ALLOW_HTTP_REPOS: 'true', BERTH_DATA_DIR: root },
      { accounts: ['alice', 'mallory', 'bob'] },
    );
    ({ http } = scheduler);
    const repoRes = await http
      .post('/api/v1/repositories')
      .set(scheduler.as('alice'))
      .send({ repo: git.repoUrl('deploy'), username: 'ci', password: 'ci-pass' });
    expect(repoRes.status).toBe(200);
    const clusterRes = await http
      .post('/api/v1/clusters')
      .set(scheduler.as('alice'))
      .send({ name: 'prod', server: prod.url, bearerToken: 'prod-token', insecure: true });
    expect(clusterRes.status).toBe(200);
  });
  afterAll(async () => {
    await scheduler.close();
    await git.close();
    await prod.close();
    await attacker.close();
    await rm(root, { recursive: true, force: true });
    if (previousKey === undefined) delete process.env['BERTH_SECRET_KEY'];
    else process.env['BERTH_SECRET_KEY'] = previousKey;
  });

  it('silent replace: a cluster name that exists answers 409 naming ?upsert=true, and the cluster keeps its server', async () => {
    const res = await http
      .post('/api/v1/clusters')
      .set(scheduler.as('mallory'))
      .send({ name: 'prod', server: attacker.url, bearerToken: 'attacker-token', insecure: true });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'AlreadyExists', field: 'name' });
    expect(errorOf(res).message).toMatch(/\?upsert=true/);
    expect(((await http.get('/api/v1/clusters/prod')).body as ClusterAnswer).server).toBe(prod.url);
    expect(await events('ClusterAdded')).toHaveLength(1);
  });

  it('silent replace: the same server under a second name answers 409 naming the cluster it is registered as', async () => {
    const res = await http
      .post('/api/v1/clusters')
      .send({ name: 'prod-alias', server: prod.url, bearerToken: 'prod-token', insecure: true });
    expect(res.status).toBe(409);
    expect(errorOf(res).message).toMatch(/already registered as cluster "prod"/);
  });

  it('silent replace: a repository URL that exists answers 409, and the stored credentials stay', async () => {
    const res = await http
      .post('/api/v1/repositories')
      .set(scheduler.as('mallory'))
      .send({ repo: `${git.repoUrl('deploy')}`, username: 'mallory', password: 'ci-pass' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'AlreadyExists', field: 'repo' });
    expect(
      (
        (await http.get(`/api/v1/repositories/${encodeURIComponent(git.repoUrl('deploy'))}`))
          .body as RepositoryAnswer
      ).username,
    ).toBe('ci');
    expect(await events('RepositoryAdded')).toHaveLength(1);
  });

  it('idempotent registration: sending the same repository and cluster again answers 200 and appends nothing', async () => {
    const repo = await http
      .post('/api/v1/repositories')
      .send({ repo: git.repoUrl('deploy'), username: 'ci', password: 'ci-pass' });
    expect(repo.status).toBe(200);
    const cluster = await http
      .post('/api/v1/clusters')
      .send({ name: 'prod', server: prod.url, bearerToken: 'prod-token', insecure: true });
    expect(cluster.status).toBe(200);
    expect(await events('RepositoryAdded')).toHaveLength(1);
    expect(await events('ClusterAdded')).toHaveLength(1);
  });

  it('upsert: ?upsert=true replaces a cluster, and the event log records who replaced which server with which', async () => {
    const res = await http
      .post('/api/v1/clusters?upsert=true')
      .set(scheduler.as('bob'))
      .set('X-Reason', 'moved to the new control plane')
      .send({ name: 'prod', server: attacker.url, bearerToken: 'attacker-token', insecure: true });
    expect(res.status).toBe(200);
    expect((res.body as ClusterAnswer).server).toBe(attacker.url);
    const added = await events('ClusterAdded');
    expect(added).toHaveLength(2);
    expect(added[1]).toMatchObject({
      actor: 'bob',
      summary: `replaced cluster prod (${prod.url}, token) with ${attacker.url}, token`,
      data: { cluster: 'prod', server: attacker.url, replaced: { server: prod.url, authType: 'token' } },
    });
  });

  it('upsert: ?upsert=true replaces a repository, and the event log records who replaced which credentials', async () => {
    const url = git.repoUrl('deploy');
    const res = await http
      .post('/api/v1/repositories?upsert=true')
      .set(scheduler.as('bob'))
      .send({ repo: url, username: 'ci', password: 'ci-pass', name: 'deploy' });
    expect(res.status).toBe(200);
    const added = await events('RepositoryAdded');
    expect(added).toHaveLength(2);
    expect(added[1]).toMatchObject({
      actor: 'bob',
      summary: `replaced git repository ${url} (https credentials) with git repository ${url} (https credentials)`,
      data: {
        repository: url,
        name: 'deploy',
        replaced: { repository: url, type: 'git', credentialType: 'https', username: 'ci' },
      },
    });
  });
});
