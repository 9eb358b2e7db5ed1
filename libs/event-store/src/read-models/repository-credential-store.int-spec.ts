import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { normalizeGitUrl } from '@berth/domain';
import { SecretBox } from '@berth/infra';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { RepositoryCredentialStore } from './repository-credential-store';

// The registered Helm repositories a render may resolve `@name` chart dependencies to: those of the
// app's project (or of no project) that its sourceRepos permit, as Argo CD's permitted Helm repositories.
let db: TestDatabase;
let store: RepositoryCredentialStore;
const box = new SecretBox(randomBytes(32).toString('base64'));

async function register(
  url: string,
  options: { name?: string; type: 'git' | 'helm'; project?: string; password?: string },
): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO repositories (url, normalized_url, name, type, project, credential_type, username, sealed_credentials)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      url,
      normalizeGitUrl(url),
      options.name ?? null,
      options.type,
      options.project ?? null,
      options.password ? 'https' : 'none',
      options.password ? 'bot' : null,
      options.password
        ? box.seal(JSON.stringify({ type: 'https', username: 'bot', password: options.password }))
        : null,
    ],
  );
}

async function project(name: string, sourceRepos: string[]): Promise<void> {
  const manifest = {
    metadata: { name },
    spec: { sourceRepos, destinations: [{ server: '*', namespace: '*' }] },
  };
  await db.dataSource.query(`INSERT INTO projects (name, manifest) VALUES ($1, $2::jsonb)`, [
    name,
    JSON.stringify(manifest),
  ]);
}

beforeAll(async () => {
  db = await createTestDatabase('berth_credential_store_test');
  store = new RepositoryCredentialStore(db.dataSource, box, 0);
  await register('https://charts.example.com/public', { name: 'public', type: 'helm' });
  await register('https://charts.example.com/private', { name: 'private', type: 'helm', password: 'p' });
  await register('https://charts.example.com/team-a', {
    name: 'team-a-charts',
    type: 'helm',
    project: 'team-a',
  });
  await register('https://charts.example.com/unnamed', { type: 'helm' });
  await register('https://git.example.com/org/repo.git', { name: 'repo', type: 'git' });
  await project('team-a', ['https://charts.example.com/*', 'https://git.example.com/*']);
  await project('team-b', ['https://charts.example.com/public', 'https://charts.example.com/team-a']);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe('RepositoryCredentialStore.forApplication: Helm repositories', () => {
  it('lists the named Helm repositories the project permits, with or without credentials', async () => {
    const access = await store.forApplication({ spec: { project: 'team-a' } });
    expect(access.helmRepositories.map((repo) => repo.name).sort()).toEqual([
      'private',
      'public',
      'team-a-charts',
    ]);
    expect(access.credentials('https://charts.example.com/private')).toEqual({
      type: 'https',
      username: 'bot',
      password: 'p',
    });
  });

  it("leaves out what sourceRepos does not permit and another project's repositories", async () => {
    const access = await store.forApplication({ spec: { project: 'team-b' } });
    expect(access.helmRepositories).toEqual([{ name: 'public', url: 'https://charts.example.com/public' }]);
  });

  it('gives an app of a project that does not exist none', async () => {
    const access = await store.forApplication({ spec: { project: 'missing' } });
    expect(access.helmRepositories).toEqual([]);
  });
});
