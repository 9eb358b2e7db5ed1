import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceError } from '../source.error';
import { GitFixtureRepo } from '../testing/git-fixture-repo';
import { GitMirrorCache } from './git-mirror-cache';

let root: string;
let repo: GitFixtureRepo;
let first: string;
let second: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-shared-tree-it-'));
  repo = await GitFixtureRepo.create(root, 'repo');
  first = await repo.commit({ 'k8s-manifests/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n' });
  second = await repo.commit({ 'README.md': 'second commit\n' });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function cache(name: string, sharedTrees?: number): GitMirrorCache {
  return new GitMirrorCache({
    cacheDir: join(root, `cache-${name}`),
    workDir: root,
    allowFileUrls: true,
    sharedTrees,
  });
}

describe('GitMirrorCache.withSharedTree', () => {
  it('extracts a commit once for concurrent and later users, and close() removes it', async () => {
    const git = cache('once');
    const dirs = await Promise.all(
      [1, 2, 3].map(() => git.withSharedTree(repo.fileUrl, first, async (dir) => dir)),
    );
    const later = await git.withSharedTree(repo.fileUrl, first, async (dir) => {
      expect(await readFile(join(dir, 'k8s-manifests/base/kustomization.yaml'), 'utf8')).toContain(
        'resources',
      );
      return dir;
    });
    expect(new Set([...dirs, later]).size).toBe(1);
    expect(existsSync(later)).toBe(true);
    await git.close();
    expect(existsSync(later)).toBe(false);
  });

  it('keeps at most `sharedTrees` idle trees, dropping the least recently used', async () => {
    const git = cache('lru', 1);
    const a = await git.withSharedTree(repo.fileUrl, first, async (dir) => dir);
    const b = await git.withSharedTree(repo.fileUrl, second, async (dir) => dir);
    expect([existsSync(a), existsSync(b)]).toEqual([false, true]);
    await git.close();
  });

  it('keeps a tree while it is in use, even over capacity', async () => {
    const git = cache('busy', 0);
    const dir = await git.withSharedTree(repo.fileUrl, first, async (outer) => {
      await git.withSharedTree(repo.fileUrl, second, async () => {});
      expect(existsSync(outer)).toBe(true);
      return outer;
    });
    expect(existsSync(dir)).toBe(false);
  });

  it("removes this host's trees left by a process that is gone, and no others", async () => {
    const git = cache('sweep');
    const trees = join(root, 'berth-shared-trees');
    const host = hostname().replace(/[^A-Za-z0-9-]/g, '_');
    const leftovers = {
      dead: `${host}.999999999-abc`,
      alive: `${host}.${process.ppid}-abc`,
      otherHost: 'other-pod.999999999-abc',
    };
    for (const name of Object.values(leftovers)) await mkdir(join(trees, name), { recursive: true });
    await git.withSharedTree(repo.fileUrl, first, async () => {});
    const remaining = Object.entries(leftovers).map(([what, name]) => [what, existsSync(join(trees, name))]);
    expect(Object.fromEntries(remaining)).toEqual({ dead: false, alive: true, otherHost: true });
    await git.close();
  });

  it('does not keep a tree whose extraction was refused', async () => {
    const escaping = await GitFixtureRepo.create(root, 'escaping');
    const sha = await escaping.commit({ 'passwd.yaml': { symlink: '/etc/passwd' } });
    const git = cache('refused');
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await git
        .withSharedTree(escaping.fileUrl, sha, async () => 'rendered')
        .catch((e: unknown) => e);
      expect((err as SourceError).code).toBe('symlink-escape');
    }
  });
});
