import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GitMirrorCache } from '../git/git-mirror-cache';
import { HelmChartCache } from '../helm-repo/helm-chart-cache';
import { isSourceError, type SourceError } from '../source.error';
import { GitFixtureRepo } from '../testing/git-fixture-repo';
import { buildHelmRepo, startHelmRepoServer, type HelmRepoServer } from '../testing/helm-repo-server';
import { errnoOf, makeReadOnly, readOnlyFaultAvailable, restoreAllReadOnly } from '../testing/read-only-dir';
import { dataDirWritable } from './data-dir-writable';

// A real fault, whoever runs this: chmod 0555 as a user, a read-only bind mount as root (chmod does not
// stop root). Where neither is possible (root without CAP_SYS_ADMIN) the specs are skipped.
const fault = readOnlyFaultAvailable();
const describeFault = fault ? describe : describe.skip;
const errno = fault ? errnoOf(fault) : 'EACCES';
/** The pinned helm of `npm run tools` (findTools lives in render, above this lib). */
const helm = [resolve('.tools/bin/helm'), process.env.HELM_PATH].find((p) => p && existsSync(p));

let root: string;
let repo: GitFixtureRepo;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-disk-faults-it-'));
  repo = await GitFixtureRepo.create(root, 'repo');
  await repo.commit({ 'app/config.yaml': 'a: 1\n' });
});

afterAll(async () => {
  await restoreAllReadOnly();
  await rm(root, { recursive: true, force: true });
});

async function sourceError(promise: Promise<unknown>): Promise<SourceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSourceError(err)) throw new Error(`expected a SourceError, got ${String(err)}`);
  return err;
}

describeFault(`a data dir that refuses writes (${fault ?? 'no fault available'}: ${errno})`, () => {
  it('fails the fetch at once naming the mirror lock and the errno, and fetches once it is writable again', async () => {
    const cacheDir = join(root, 'git-ro-cache');
    const git = new GitMirrorCache({ cacheDir, workDir: root, allowFileUrls: true });
    await git.withTree(repo.fileUrl, (await git.resolveRevision(repo.fileUrl, 'main')).sha, async () => {});
    const next = await repo.commit({ 'app/config.yaml': 'a: 2\n' });

    const restore = await makeReadOnly(cacheDir);
    let failure: SourceError;
    try {
      // proper-lockfile used to retry this for five minutes: the test would time out.
      failure = await sourceError(git.withTree(repo.fileUrl, next, async () => {}));
    } finally {
      await restore();
    }
    expect(failure.code).toBe('disk-error');
    expect(failure.message).toContain(`${git.mirrorDir(repo.fileUrl)}.lock`);
    expect(failure.message).toContain(errno);
    expect(failure.message).toMatch(/BERTH_DATA_DIR/);

    const read = await git.withTree(repo.fileUrl, next, async (dir) => readdir(join(dir, 'app')));
    expect(read).toEqual(['config.yaml']);
  });

  it('tells a git fetch that cannot write into the mirror from a remote failure', async () => {
    const git = new GitMirrorCache({
      cacheDir: join(root, 'git-ro-mirror'),
      workDir: root,
      allowFileUrls: true,
    });
    await git.fetch(repo.fileUrl);
    const next = await repo.commit({ 'app/config.yaml': 'a: 3\n' });
    const mirror = git.mirrorDir(repo.fileUrl);

    const restore = await makeReadOnly(mirror);
    let failure: SourceError;
    try {
      failure = await sourceError(git.ensureCommit(repo.fileUrl, next));
    } finally {
      await restore();
    }
    expect(failure.code).toBe('disk-error');
    expect(failure.message).toContain(`git mirror at ${mirror}`);
    expect(failure.message).toContain(errno);
    expect(await git.ensureCommit(repo.fileUrl, next)).toBe(next);
  });

  it('reports the data dir unwritable for readiness, naming the path and the errno, and writable again after', async () => {
    const dataDir = join(root, 'data');
    expect(await dataDirWritable(dataDir)).toEqual({ ok: true });
    const restore = await makeReadOnly(dataDir);
    try {
      const answer = await dataDirWritable(dataDir);
      expect(answer.ok).toBe(false);
      expect(!answer.ok && answer.message).toContain(`data dir at ${dataDir}: ${errno}`);
    } finally {
      await restore();
    }
    expect(await dataDirWritable(dataDir)).toEqual({ ok: true });
    expect(await readdir(dataDir)).toEqual([]);
  });

  (helm ? it : it.skip)(
    'fails a Helm chart pull into a cache that refuses writes, and pulls once it is writable',
    async () => {
      const chartDir = join(root, 'chart');
      await mkdir(join(chartDir, 'templates'), { recursive: true });
      await writeFile(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
      await writeFile(
        join(chartDir, 'templates', 'cm.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\n',
      );
      await buildHelmRepo(helm!, join(root, 'charts-repo'), [{ chartDir, versions: ['1.0.0'] }]);
      const server: HelmRepoServer = await startHelmRepoServer({ dir: join(root, 'charts-repo') });
      try {
        const cacheDir = join(root, 'helm-charts');
        await mkdir(cacheDir);
        const charts = new HelmChartCache({ cacheDir, helm, allowHttp: true });
        const restore = await makeReadOnly(cacheDir);
        let failure: SourceError;
        try {
          failure = await sourceError(charts.pull(server.url, 'web', '1.0.0'));
        } finally {
          await restore();
        }
        expect(failure.code).toBe('disk-error');
        expect(failure.message).toContain(`Helm chart cache at ${cacheDir}`);
        expect(failure.message).toContain(errno);
        expect(existsSync(join(await charts.pull(server.url, 'web', '1.0.0'), 'Chart.yaml'))).toBe(true);
      } finally {
        await server.close();
      }
    },
  );
});

// A full disk needs a small filesystem: a 256 KiB tmpfs, which only root with CAP_SYS_ADMIN mounts.
const describeFull = fault === 'read-only-bind-mount' ? describe : describe.skip;

describeFull('a work dir that is full (ENOSPC)', () => {
  it('fails the extraction naming the errno instead of leaving a partial tree to render', async () => {
    const big = await GitFixtureRepo.create(root, 'big');
    const files = Object.fromEntries(
      Array.from({ length: 64 }, (_, i) => [`app/file-${i}.yaml`, `data: ${'x'.repeat(16 * 1024)}\n`]),
    );
    const sha = await big.commit(files);
    const small = join(root, 'small');
    await mkdir(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', small]);
    try {
      const git = new GitMirrorCache({
        cacheDir: join(root, 'git-full'),
        workDir: small,
        allowFileUrls: true,
      });
      const failure = await sourceError(git.withTree(big.fileUrl, sha, async () => 'rendered'));
      expect(failure.code).toBe('disk-error');
      expect(failure.message).toContain('ENOSPC');
      expect(failure.message).toContain(`work dir at ${small}`);
    } finally {
      execFileSync('umount', [small]);
    }
  });
});
