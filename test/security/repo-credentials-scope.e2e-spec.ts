import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { normalizeGitUrl, type ApplicationManifest } from '@berth/domain';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { type GitHttpServer, startGitHttpServer } from '@berth/sources/testing/git-http-server';
import { guestbook, under, WorkerHarness } from '../worker/worker-harness';

// A registered repository's credentials belong to the projects allowed to use it. An app author in
// another project who names the same URL (or its commit SHA) must not read the private repository
// through them: the worker's real credential path (RepositoryCredentialStore.forApplication ->
// renderer -> GitMirrorCache) against a private repository behind basic auth, on real Postgres.
let h: WorkerHarness;
let server: GitHttpServer;
let privateRepo: GitFixtureRepo;
let scopedRepo: GitFixtureRepo;
const CREDS = { username: 'deploy-bot', password: 'scope-test-token' };

async function registerRepository(url: string, project: string | null): Promise<void> {
  await h.db.dataSource.query(
    `INSERT INTO repositories (url, normalized_url, type, project, credential_type, username, sealed_credentials)
     VALUES ($1, $2, 'git', $3, 'https', $4, $5)`,
    [
      url,
      normalizeGitUrl(url),
      project,
      CREDS.username,
      h.box.seal(JSON.stringify({ type: 'https', ...CREDS })),
    ],
  );
}

async function createProject(name: string, sourceRepos: string[]): Promise<void> {
  const manifest = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name, namespace: 'argocd' },
    spec: {
      sourceRepos,
      destinations: [{ server: '*', namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  };
  await h.db.dataSource.query(`INSERT INTO projects (name, manifest) VALUES ($1, $2::jsonb)`, [
    name,
    JSON.stringify(manifest),
  ]);
}

async function createApp(name: string, project: string, repoURL: string, targetRevision = 'main') {
  const manifest: ApplicationManifest = h.manifest(name, 'guestbook');
  manifest.spec['project'] = project;
  manifest.spec['source'] = { repoURL, targetRevision, path: 'guestbook' };
  await h.createAppFromManifest(manifest);
}

/** Refreshes once; returns the condition's message (ComparisonError, InvalidSpecError), or undefined when the app rendered. */
async function comparisonError(name: string): Promise<string | undefined> {
  await h.refresh().process({ application: name, hard: true, reason: 'test' });
  const events = await h.events(name);
  const raised = events.filter((e) => e.type === 'ConditionRaised').at(-1);
  return raised ? (raised.data as { message: string }).message : undefined;
}

beforeAll(async () => {
  h = await WorkerHarness.start();
  privateRepo = await GitFixtureRepo.create(h.root, 'private');
  await privateRepo.commit(under('guestbook', guestbook()));
  scopedRepo = await GitFixtureRepo.create(h.root, 'scoped');
  await scopedRepo.commit(under('guestbook', guestbook()));
  server = await startGitHttpServer({ projectRoot: h.root, basicAuth: CREDS });
  await registerRepository(server.repoUrl('private'), null);
  await registerRepository(server.repoUrl('scoped'), 'team-a');
  await createProject('team-a', [server.repoUrl('private'), server.repoUrl('scoped')]);
  await createProject('team-b', ['https://git.example.com/team-b/*']);
  await createProject('team-c', ['*']);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await h?.stop();
});

describe('repository credentials are scoped to projects', () => {
  it("an app of a project whose sourceRepos do not permit the repository is refused before anything is fetched, even after another project's app fetched it", async () => {
    await createApp('team-a-app', 'team-a', server.repoUrl('private'));
    expect(await comparisonError('team-a-app')).toBeUndefined();
    expect((await h.view('team-a-app')).revision).toBe(await privateRepo.head());

    // The worker checks the project again before it renders (Argo CD's InvalidSpecError): no request reaches
    // the repository, so neither its credentials nor the authenticated mirror serve team-b.
    await createApp('team-b-app', 'team-b', server.repoUrl('private'));
    const before = server.requests.length;
    const message = await comparisonError('team-b-app');
    expect(message).toBe(
      `application repo ${server.repoUrl('private')} is not permitted in project 'team-b'`,
    );
    expect(server.requests.slice(before)).toEqual([]);
    expect((await h.view('team-b-app')).revision).toBeNull();
  });

  it("a commit SHA does not read another project's authenticated mirror either", async () => {
    const sha = await privateRepo.head();
    await createApp('team-b-by-sha', 'team-b', server.repoUrl('private'), sha);
    const message = await comparisonError('team-b-by-sha');
    expect(message).toMatch(/is not permitted in project 'team-b'/);
    expect((await h.view('team-b-by-sha')).revision).toBeNull();
  });

  it('a repository registered with a project serves only that project, even to a project permitting every source', async () => {
    await createApp('team-c-app', 'team-c', server.repoUrl('scoped'));
    expect(await comparisonError('team-c-app')).toMatch(/credentials/);

    await createApp('team-a-scoped', 'team-a', server.repoUrl('scoped'));
    expect(await comparisonError('team-a-scoped')).toBeUndefined();
    expect((await h.view('team-a-scoped')).revision).toBe(await scopedRepo.head());
  });
});
