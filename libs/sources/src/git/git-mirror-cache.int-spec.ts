import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceError } from '../source.error';
import { freePort } from '../testing/free-port';
import { GitFixtureRepo } from '../testing/git-fixture-repo';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server';
import { GitMirrorCache } from './git-mirror-cache';

const CREDS = { username: 'berth', password: 's3cret-token-value' };

let root: string;
let repo: GitFixtureRepo;
let server: GitHttpServer;
const shas: Record<string, string> = {};

async function expectSourceError(promise: Promise<unknown>, code: string): Promise<SourceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  expect((err as SourceError).code).toBe(code);
  return err as SourceError;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-git-it-'));
  repo = await GitFixtureRepo.create(root, 'app');
  shas.first = await repo.commit({ 'README.md': 'one\n' }, 'first');
  await repo.tag('v1.0.0');
  shas.v110 = await repo.commit({ 'README.md': 'two\n' }, 'second');
  await repo.tag('v1.1.0', true);
  shas.v123 = await repo.commit({ 'README.md': 'three\n', 'dir/a.yaml': 'a: 1\n' }, 'third');
  await repo.tag('1.2.3');
  await repo.tag('v2.0.0-rc.1');
  shas.main = await repo.commit({ 'README.md': 'main\n' }, 'fourth on main');
  await repo.branch('feature/x');
  shas.feature = await repo.commit({ 'feature.txt': 'x\n' }, 'on feature');
  await repo.branch('main');
  server = await startGitHttpServer({ projectRoot: root, basicAuth: CREDS });
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

function cache(extra: Partial<ConstructorParameters<typeof GitMirrorCache>[0]> = {}): GitMirrorCache {
  return new GitMirrorCache({
    cacheDir: join(root, `cache-${Math.random().toString(36).slice(2)}`),
    allowFileUrls: true,
    ...extra,
  });
}

describe('GitMirrorCache.resolveRevision over file://', () => {
  const table: [string, string | undefined, () => string, string][] = [
    ['empty is the default branch', undefined, () => shas.main!, 'refs/heads/main'],
    ['HEAD is the default branch', 'HEAD', () => shas.main!, 'refs/heads/main'],
    ['branch by short name', 'feature/x', () => shas.feature!, 'refs/heads/feature/x'],
    ['branch by full ref', 'refs/heads/feature/x', () => shas.feature!, 'refs/heads/feature/x'],
    ['lightweight tag', 'v1.0.0', () => shas.first!, 'refs/tags/v1.0.0'],
    ['annotated tag peels to its commit', 'v1.1.0', () => shas.v110!, 'refs/tags/v1.1.0'],
    ['wildcard constraint', '1.1.*', () => shas.v110!, 'refs/tags/v1.1.0'],
    ['caret constraint picks the highest, skipping prereleases', '^1.0', () => shas.v123!, 'refs/tags/1.2.3'],
    ['range constraint', '>=1.0.0 <1.2.0', () => shas.v110!, 'refs/tags/v1.1.0'],
  ];
  it.each(table)('%s', async (_name, revision, sha, ref) => {
    const resolved = await cache().resolveRevision(repo.fileUrl, revision);
    expect(resolved).toEqual({ sha: sha(), ref });
  });

  it('expands a short SHA from the mirror', async () => {
    const resolved = await cache().resolveRevision(repo.fileUrl, shas.v110!.slice(0, 8));
    expect(resolved).toEqual({ sha: shas.v110, ref: shas.v110 });
  });

  it('keeps a full SHA as given', async () => {
    expect(await cache().resolveRevision(repo.fileUrl, shas.first)).toEqual({
      sha: shas.first,
      ref: shas.first,
    });
  });

  it('refuses an unknown revision naming targetRevision', async () => {
    const err = await expectSourceError(
      cache().resolveRevision(repo.fileUrl, 'no-such-branch'),
      'revision-not-found',
    );
    expect(err.field).toBe('spec.source.targetRevision');
  });

  it('reuses refs for refsMaxAgeMs, but never refs read before refsNotBefore', async () => {
    const moving = await GitFixtureRepo.create(root, 'moving');
    const before = await moving.commit({ 'a.txt': '1\n' });
    const git = cache({ refsMaxAgeMs: 60_000 });
    expect((await git.resolveRevision(moving.fileUrl, 'main')).sha).toBe(before);
    const pushedAt = Date.now();
    const after = await moving.commit({ 'a.txt': '2\n' });
    // Within the max age: the refs read before the push answer (one ls-remote for many apps).
    expect((await git.resolveRevision(moving.fileUrl, 'main')).sha).toBe(before);
    // Told about the push: read again.
    expect((await git.resolveRevision(moving.fileUrl, 'main', { refsNotBefore: pushedAt })).sha).toBe(after);
    // Without reuse (the default), every call reads the remote.
    const plain = cache();
    expect((await plain.resolveRevision(moving.fileUrl, 'main')).sha).toBe(after);
    const fresh = await moving.commit({ 'a.txt': '3\n' });
    expect((await plain.resolveRevision(moving.fileUrl, 'main')).sha).toBe(fresh);
  });

  it('resolves a full SHA without asking the remote, under the same URL policy', async () => {
    const sha = 'ab'.repeat(20);
    expect(await cache().resolveRevision('https://git.invalid.example/none.git', sha)).toEqual({
      sha,
      ref: sha,
    });
    await expectSourceError(
      cache().resolveRevision('ftp://git.invalid.example/none.git', sha),
      'invalid-repo-url',
    );
  });

  it('refuses file:// unless allowed', async () => {
    const err = await expectSourceError(
      new GitMirrorCache({ cacheDir: join(root, 'nofile') }).resolveRevision(repo.fileUrl, 'main'),
      'invalid-repo-url',
    );
    expect(err.field).toBe('spec.source.repoURL');
  });
});

describe('GitMirrorCache trees and metadata', () => {
  it('extracts the tree at a commit and removes it afterwards', async () => {
    const git = cache();
    let seen = '';
    const files = await git.withTree(repo.fileUrl, shas.v123!, async (dir) => {
      seen = dir;
      return { readme: await readFile(join(dir, 'README.md'), 'utf8'), dir: await readdir(join(dir, 'dir')) };
    });
    expect(files).toEqual({ readme: 'three\n', dir: ['a.yaml'] });
    await expect(readdir(seen)).rejects.toThrow();
  });

  it('reads two commits concurrently without interference', async () => {
    const git = cache();
    const read = (sha: string) =>
      git.withTree(repo.fileUrl, sha, (dir) => readFile(join(dir, 'README.md'), 'utf8'));
    expect(await Promise.all([read(shas.first!), read(shas.main!)])).toEqual(['one\n', 'main\n']);
  });

  it('refuses a tree over the size limit', async () => {
    await expectSourceError(
      cache({ maxTreeBytes: 1024 }).withTree(repo.fileUrl, shas.v123!, async () => 1),
      'repo-too-large',
    );
  });

  it('returns commit metadata with tags', async () => {
    const meta = await cache().commitMetadata(repo.fileUrl, shas.v110!);
    expect(meta).toMatchObject({
      author: 'Berth Test <test@berth.invalid>',
      message: 'second',
      tags: ['v1.1.0'],
    });
    expect(Number.isNaN(Date.parse(meta.date))).toBe(false);
  });
});

describe('GitMirrorCache.listTree and readFile (the ApplicationSet git generator)', () => {
  it('lists directories (without hidden ones) and regular files from the tree object: symlinks and anything outside left out', async () => {
    const trees = await GitFixtureRepo.create(root, 'trees');
    const sha = await trees.commit({
      'services/api/overlays/dev/kustomization.yaml': 'resources: []\n',
      'services/web/config.json': '{"replicas": 2}',
      '.github/workflows/ci.yaml': 'on: push\n',
      'services/escape': { symlink: '../../../../etc' },
      'services/passwd.json': { symlink: '/etc/passwd' },
    });
    const git = cache();
    const listing = await git.listTree(trees.fileUrl, sha);
    expect(listing.directories.sort()).toEqual([
      'services',
      'services/api',
      'services/api/overlays',
      'services/api/overlays/dev',
      'services/web',
    ]);
    expect(listing.files.sort()).toEqual([
      '.github/workflows/ci.yaml',
      'services/api/overlays/dev/kustomization.yaml',
      'services/web/config.json',
    ]);
    expect(await git.readFile(trees.fileUrl, sha, 'services/web/config.json', 1024)).toBe('{"replicas": 2}');
    await expectSourceError(git.readFile(trees.fileUrl, sha, '../etc/passwd', 1024), 'path-escape');
    await expectSourceError(
      git.readFile(trees.fileUrl, sha, 'services/web/config.json', 4),
      'repo-too-large',
    );
    await expectSourceError(git.listTree(trees.fileUrl, sha, {}, 3), 'repo-too-large');
  });
});

describe('GitMirrorCache over HTTP with basic auth', () => {
  it('fetches with the right credentials, once for concurrent callers', async () => {
    const git = cache({ allowHttp: true, credentials: () => ({ type: 'https', ...CREDS }) });
    const url = server.repoUrl('app');
    // Each git process opens with one GET of info/refs: count processes, not protocol round trips.
    const handshakes = () =>
      server.requests.filter((r) => r.startsWith('GET /app.git/info/refs') && !r.endsWith(' 401')).length;
    const before = handshakes();
    await Promise.all([git.fetch(url), git.fetch(url), git.fetch(url)]);
    const after = handshakes();
    expect(after - before).toBe(1);
    const text = await git.withTree(url, shas.main!, (dir) => readFile(join(dir, 'README.md'), 'utf8'));
    expect(text).toBe('main\n');
  });

  it('classifies a wrong password as auth-failed without leaking it', async () => {
    const git = cache({ allowHttp: true });
    const err = await expectSourceError(
      git.lsRemote(server.repoUrl('app'), {
        type: 'https',
        username: 'berth',
        password: 'wrong-password-xyz',
      }),
      'auth-failed',
    );
    expect(err.message).not.toContain('wrong-password-xyz');
  });

  it('classifies no credentials as auth-failed', async () => {
    await expectSourceError(cache({ allowHttp: true }).lsRemote(server.repoUrl('app')), 'auth-failed');
  });

  it('classifies a missing repository as not-found', async () => {
    const git = cache({ allowHttp: true, credentials: () => ({ type: 'https', ...CREDS }) });
    await expectSourceError(git.lsRemote(server.repoUrl('missing')), 'not-found');
  });

  it('classifies a closed port as unreachable', async () => {
    const port = await freePort();
    const git = cache({ allowHttp: true, credentials: () => ({ type: 'https', ...CREDS }) });
    const err = await expectSourceError(git.lsRemote(`http://127.0.0.1:${port}/app.git`), 'unreachable');
    expect(err.retryable).toBe(true);
  });

  it('classifies a missing file:// repository as not-found', async () => {
    await expectSourceError(cache().lsRemote(`file://${join(root, 'nope.git')}`), 'not-found');
  });
});
