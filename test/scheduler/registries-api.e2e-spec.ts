import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import type { TestDatabase } from '../../libs/event-store/src/testing/test-database';
import { startTestScheduler, type TestScheduler } from './scheduler-harness';
import { GitFixtureRepo } from '../../libs/sources/src/testing/git-fixture-repo';
import { startGitHttpServer, type GitHttpServer } from '../../libs/sources/src/testing/git-http-server';
import { type ApiPage, type ClusterAnswer, type RepositoryAnswer, errorOf } from '../testing/api-answer';

const PASSWORD = 'hunter2-token-9f8e';

describe('repository and cluster registries (real git server, sandbox cluster)', () => {
  let scheduler: TestScheduler;
  let db: TestDatabase;
  let http: TestScheduler['http'];
  let root: string;
  let git: GitHttpServer;
  let sandbox: SandboxCluster;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-registries-'));
    const repo = await GitFixtureRepo.create(root, 'deploy');
    await repo.commit({ 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    git = await startGitHttpServer({ projectRoot: root, basicAuth: { username: 'ci', password: PASSWORD } });
    sandbox = await startSandboxCluster({ port: 0 });
    scheduler = await startTestScheduler(
      {
        BERTH_ALLOW_HTTP_REPOS: 'true',
        BERTH_DATA_DIR: root,
        BERTH_SECRET_KEY: randomBytes(32).toString('base64'),
      },
      { accounts: ['alice'] },
    );
    ({ db, http } = scheduler);
  });
  afterAll(async () => {
    await scheduler.close();
    await git.close();
    await sandbox.close();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a repository whose password is wrong, saying auth failed, and stores nothing', async () => {
    const res = await http
      .post('/api/v1/repositories')
      .send({ repo: git.repoUrl('deploy'), username: 'ci', password: 'wrong' });
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(/failed the connection check \(auth-failed\)/);
    expect(errorOf(res).message).not.toContain('wrong');
    expect(((await http.get('/api/v1/repositories')).body as ApiPage<RepositoryAnswer>).items).toEqual([]);
  });

  it('names a missing repository and an unreachable host differently', async () => {
    const missing = await http
      .post('/api/v1/repositories')
      .send({ repo: git.repoUrl('nope'), username: 'ci', password: PASSWORD });
    expect(errorOf(missing).message).toMatch(/\(not-found\)/);
    const closed = await http.post('/api/v1/repositories').send({ repo: 'http://127.0.0.1:9/x.git' });
    expect(errorOf(closed).message).toMatch(/\(unreachable\)/);
  });

  it('stores credentials sealed, never returns them, and keeps them out of the event log', async () => {
    const res = await http
      .post('/api/v1/repositories')
      .set(scheduler.as('alice'))
      .send({ repo: git.repoUrl('deploy'), username: 'ci', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      repo: git.repoUrl('deploy'),
      credentialType: 'https',
      username: 'ci',
      hasCredentials: true,
    });
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    expect(JSON.stringify((await http.get('/api/v1/repositories')).body)).not.toContain(PASSWORD);
    const [row] = await db.dataSource.query<Array<{ sealed_credentials: string }>>(
      `SELECT sealed_credentials FROM repositories`,
    );
    expect(row?.sealed_credentials).toMatch(/^v1:/);
    expect(row?.sealed_credentials).not.toContain(PASSWORD);
    const events = await db.dataSource.query<unknown[]>(`SELECT data::text, metadata::text FROM events`);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
    const audit = await db.dataSource.query<unknown[]>(
      `SELECT actor, event_type, summary FROM audit_log WHERE event_type = 'RepositoryAdded'`,
    );
    expect(audit).toEqual([
      {
        actor: 'alice',
        event_type: 'RepositoryAdded',
        summary: `added git repository ${git.repoUrl('deploy')} (https credentials)`,
      },
    ]);
  });

  it('UpdateRepository (PUT) replaces the registration named in the path; a body naming another repository is refused', async () => {
    const path = `/api/v1/repositories/${encodeURIComponent(git.repoUrl('deploy'))}`;
    const updated = await http
      .put(path)
      .send({ repo: git.repoUrl('deploy'), username: 'ci', password: PASSWORD, name: 'deploy' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ repo: git.repoUrl('deploy'), username: 'ci', name: 'deploy' });
    // Checked like a registration: credentials that do not work are refused, the stored ones stay.
    const wrong = await http
      .put(path)
      .send({ repo: git.repoUrl('deploy'), username: 'ci', password: 'nope' });
    expect(errorOf(wrong).message).toMatch(/\(auth-failed\)/);
    expect(JSON.stringify(updated.body)).not.toContain(PASSWORD);
    const other = await http.put(path).send({ repo: 'https://example.com/other.git' });
    expect(other.status).toBe(400);
    expect(errorOf(other).issues?.map((i) => i.field)).toEqual(['repo']);
    const missing = await http
      .put(`/api/v1/repositories/${encodeURIComponent('https://example.com/nope.git')}`)
      .send({ repo: 'https://example.com/nope.git' });
    expect(missing.status).toBe(404);
  });

  it('ValidateAccess checks the credentials given without storing anything; wrong ones are the same refusal as a registration', async () => {
    const url = git.repoUrl('deploy');
    const path = `/api/v1/repositories/${encodeURIComponent(url)}/validate`;
    const before = await db.dataSource.query<unknown[]>(`SELECT count(*) FROM events`);
    const ok = await http.post(path).send({ username: 'ci', password: PASSWORD });
    expect([ok.status, ok.body]).toEqual([200, {}]);
    const wrong = await http.post(path).send({ username: 'ci', password: 'nope' });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong).message).toMatch(/failed the connection check \(auth-failed\)/);
    expect(JSON.stringify(wrong.body)).not.toContain('nope');
    const other = await http.post(path).send({ repo: 'https://example.com/other.git' });
    expect(errorOf(other).issues?.map((i) => i.field)).toEqual(['repo']);
    expect(await db.dataSource.query<unknown[]>(`SELECT count(*) FROM events`)).toEqual(before);
  });

  it('removes a repository by its URL-encoded URL', async () => {
    const deleted = await http.delete(`/api/v1/repositories/${encodeURIComponent(git.repoUrl('deploy'))}`);
    expect([deleted.status, deleted.body]).toEqual([200, {}]);
    expect(((await http.get('/api/v1/repositories')).body as ApiPage<RepositoryAnswer>).items).toEqual([]);
  });

  it('adds a cluster from a kubeconfig after a connection check, and shows its status', async () => {
    const res = await http
      .post('/api/v1/clusters')
      .set(scheduler.as('alice'))
      .send({ name: 'sandbox', kubeconfig: sandbox.kubeconfig() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'sandbox',
      server: sandbox.url,
      authType: 'kubeconfig',
      connectionState: { status: 'Successful' },
    });
    const list = await http.get('/api/v1/clusters');
    expect((list.body as ApiPage<ClusterAnswer>).items.map((c) => c.name)).toEqual(['in-cluster', 'sandbox']);
    const [row] = await db.dataSource.query<Array<{ sealed_config: string }>>(
      `SELECT sealed_config FROM clusters`,
    );
    expect(row?.sealed_config).toMatch(/^v1:/);
  });

  it('refuses a cluster it cannot reach, with the reason', async () => {
    const res = await http
      .post('/api/v1/clusters')
      .send({ name: 'gone', server: 'http://127.0.0.1:9', bearerToken: 't0ken', insecure: true });
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(/cluster gone \(http:\/\/127.0.0.1:9\) failed the connection check/);
    expect(errorOf(res).message).not.toContain('t0ken');
  });
});
