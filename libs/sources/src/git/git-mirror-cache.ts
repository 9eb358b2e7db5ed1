import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import type { Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import * as tar from 'tar';
import { OutboundGuard } from '@berth/net';
import { dataDirWritable } from '../disk/data-dir-writable';
import { diskErrorOf, writingTo } from '../disk/disk-error';
import { assertOutboundAllowed, SourceError } from '../source.error';
import { assertNoEscapingSymlinks, isInside } from '../tree/tree-guard';
import type { CredentialsProvider, GitCredentials, RepoAccess } from './git-credentials';
import { classifyGitError } from './git-error.classifier';
import { lockMirror } from './mirror-lock';
import { parseRepoUrl, redactUrl, type RepoUrlPolicy } from './repo-url';
import { publishGitRequest } from '../source-metrics.channel';
import {
  parseLsRemote,
  isFullSha,
  resolveRevisionFromRefs,
  type RemoteRefs,
  type ResolvedRevision,
} from './revision-resolver';

export interface GitMirrorCacheOptions extends RepoUrlPolicy {
  /** Where the bare mirrors live, one directory per repo URL. */
  cacheDir: string;
  credentials?: CredentialsProvider;
  /** Kill a git network command that is silent for this long. Default 60 s. */
  networkTimeoutMs?: number;
  /** Refuse repositories whose tree at a commit is larger than this (bytes of `git archive`). Default 512 MiB. */
  maxTreeBytes?: number;
  /** Directory for extracted trees and the short-lived SSH key files. Default the OS temp dir. */
  workDir?: string;
  /**
   * Idle read-only trees `withSharedTree` keeps for reuse (most recently used first), under
   * `<workDir>/berth-shared-trees` (not the cache dir, which holds every repository's mirror). Default 4; 0 removes each shared tree as soon as its last user
   * is done. Trees left by a process that is gone are removed by the next one.
   */
  sharedTrees?: number;
  /**
   * How old the refs read by one `ls-remote` may be when another `resolveRevision` reuses them (ms).
   * Default 0: every call asks the remote. Callers that know of a later change (a push webhook) pass
   * `refsNotBefore`, so reuse never hides a push Berth was told about.
   */
  refsMaxAgeMs?: number;
  /**
   * Where git may connect (checked before every ls-remote and fetch): link-local and cloud metadata
   * hosts are refused unless the operator's allow-list (`BERTH_OUTBOUND_ALLOW`) names them. Default: the
   * policy with an empty allow-list.
   */
  outbound?: OutboundGuard;
}

export interface ResolveRevisionOptions extends RepoAccess {
  /** Epoch ms: refs read (started) before this are not reused, e.g. the time of the last push webhook. */
  refsNotBefore?: number;
}

/** One `ls-remote` of a repository, shared by the resolutions that start while it is fresh. */
interface RefsRead {
  startedAt: number;
  refs: Promise<RemoteRefs>;
}

/** One extracted commit shared by concurrent and later read-only renders. */
interface SharedTree {
  dir: Promise<string>;
  users: number;
}

/** Argo CD's `GetCommitMetadata` shape. */
export interface CommitMetadata {
  author: string;
  /** ISO 8601 author date. */
  date: string;
  message: string;
  tags: string[];
}

const ASKPASS_SCRIPT = `#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$BERTH_GIT_USERNAME" ;;
  *) printf '%s\\n' "$BERTH_GIT_PASSWORD" ;;
esac
`;

/** Per-command git environment carrying credentials, and its cleanup. */
interface GitAuth {
  env: Record<string, string>;
  options: Partial<SimpleGitOptions>;
  secrets: string[];
  dispose(): Promise<void>;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Shared trees are named `<host>.<pid>-<random>`: the host keeps processes of other machines
 * or pods that share the cache volume (other pid namespaces) out of the sweep.
 */
function sharedTreeHost(): string {
  return hostname().replace(/[^A-Za-z0-9-]/g, '_');
}

/** Removes this host's shared trees whose process has exited (crash, or exit without `close()`). */
async function sweepTreesOfDeadProcesses(root: string): Promise<void> {
  const host = sharedTreeHost();
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const match = /^(.*)\.(\d+)-/.exec(name);
    const pid = Number(match?.[2]);
    if (match?.[1] === host && pid > 0 && pid !== process.pid && !processAlive(pid))
      await rm(join(root, name), { recursive: true, force: true });
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Bare mirrors of Git repositories, shared by every render on the host.
 *
 * - One mirror per repo URL (`<cacheDir>/<host>-<sha256 prefix>`), fetched with explicit
 *   refspecs for branches and tags (a bare clone has none; `--mirror` would also drag in
 *   `refs/pull/*`). The URL is passed on each fetch, never stored with credentials.
 * - Fetches are single-flight: one promise per mirror in this process, and a proper-lockfile
 *   lock on the mirror directory across processes, so N jobs on one host fetch once.
 * - Trees are read with `git archive <sha> | tar -x` into a fresh temp dir per render: no
 *   shared mutable checkout, so concurrent renders of different commits cannot interfere.
 */
export class GitMirrorCache {
  private readonly inflight = new Map<string, Promise<void>>();
  /** Insertion order is recency: a tree is re-inserted on each use. */
  private readonly sharedTrees = new Map<string, SharedTree>();
  private readonly refsReads = new Map<string, RefsRead>();
  /** Full SHAs known to be in a mirror (`dir\0sha`): a mirror never loses commits, so no `rev-parse` again. */
  private readonly knownCommits = new Set<string>();
  private readonly changedFilesByPair = new Map<string, Promise<string[]>>();
  private sweptStaleTrees?: Promise<void>;
  private readonly networkTimeoutMs: number;
  private readonly maxTreeBytes: number;
  readonly outbound: OutboundGuard;

  constructor(private readonly options: GitMirrorCacheOptions) {
    this.outbound = options.outbound ?? new OutboundGuard();
    this.networkTimeoutMs = options.networkTimeoutMs ?? 60_000;
    this.maxTreeBytes = options.maxTreeBytes ?? 512 * 1024 * 1024;
  }

  /** Cache dir, credentials and URL policy: for caches that sit beside the mirrors (Helm charts). */
  get settings(): Readonly<GitMirrorCacheOptions> {
    return this.options;
  }

  /** The credentials `access` (or else the cache's own provider) holds for a repo URL. */
  private credentialsFor(repoUrl: string, access: RepoAccess): GitCredentials | undefined {
    return (access.credentials ?? this.options.credentials)?.(repoUrl);
  }

  /**
   * The mirror directory for a repo URL (exists after the first fetch). A caller without the
   * repository's credentials gets its own mirror, fetched anonymously: what credentials fetched (a
   * private repository's commits) never serves a caller that may not use them, even by a full SHA.
   */
  mirrorDir(repoUrl: string, access: RepoAccess = {}): string {
    const { host } = parseRepoUrl(repoUrl, this.options);
    const material = this.credentialsFor(repoUrl, access) ? repoUrl.trim() : `anonymous\0${repoUrl.trim()}`;
    const digest = createHash('sha256').update(material).digest('hex').slice(0, 20);
    const safeHost = host.replace(/[^A-Za-z0-9.-]/g, '_') || 'local';
    return join(this.options.cacheDir, `${safeHost}-${digest}`);
  }

  /**
   * Lists the remote's refs: the connection check for a repository (wrong credentials ->
   * `auth-failed`, no such repo -> `not-found`, no answer -> `unreachable`).
   */
  async lsRemote(
    repoUrl: string,
    credentials?: GitCredentials,
    access: RepoAccess = {},
  ): Promise<RemoteRefs> {
    const { url } = parseRepoUrl(repoUrl, this.options);
    await assertOutboundAllowed(this.outbound, url, 'spec.source.repoURL');
    await writingTo('git mirror cache', this.options.cacheDir, () =>
      mkdir(this.options.cacheDir, { recursive: true }),
    );
    const auth = await this.auth(credentials ?? this.credentialsFor(repoUrl, access));
    try {
      const git = this.git(this.options.cacheDir, auth);
      const output = await publishGitRequest(redactUrl(repoUrl), 'ls-remote', () =>
        git.raw(['ls-remote', '--symref', '--', url]),
      );
      return parseLsRemote(output);
    } catch (err) {
      throw classifyGitError(errorText(err), repoUrl, auth.secrets, err);
    } finally {
      await auth.dispose();
    }
  }

  /**
   * Resolves `targetRevision` to a commit, as Argo CD does (see `resolveRevisionFromRefs`). A full SHA
   * needs no `ls-remote`. Refs are reused across calls within `refsMaxAgeMs` and not before
   * `options.refsNotBefore`: 1,000 apps of one monorepo refreshed together ran 1,000 `git ls-remote`
   * processes, 20% of a worker's CPU (bench/README.md).
   */
  async resolveRevision(
    repoUrl: string,
    targetRevision?: string,
    options: ResolveRevisionOptions = {},
  ): Promise<ResolvedRevision> {
    const wanted = (targetRevision ?? '').trim();
    if (isFullSha(wanted)) {
      parseRepoUrl(repoUrl, this.options); // the same URL policy as a remote call
      return { sha: wanted, ref: wanted };
    }
    const lookup = resolveRevisionFromRefs(await this.sharedRefs(repoUrl, options), targetRevision);
    if (!('shortSha' in lookup)) return lookup;
    await this.fetch(repoUrl, options);
    const sha = await this.expandSha(repoUrl, lookup.shortSha, options);
    if (!sha) {
      throw new SourceError(
        'revision-not-found',
        `targetRevision "${lookup.shortSha}" is not a branch, tag or commit of ${redactUrl(repoUrl)}`,
        'spec.source.targetRevision',
      );
    }
    return { sha, ref: sha };
  }

  private sharedRefs(repoUrl: string, options: ResolveRevisionOptions): Promise<RemoteRefs> {
    const maxAge = this.options.refsMaxAgeMs ?? 0;
    const now = Date.now();
    const key = this.mirrorDir(repoUrl, options);
    const previous = this.refsReads.get(key);
    if (
      maxAge > 0 &&
      previous &&
      previous.startedAt >= now - maxAge &&
      previous.startedAt >= (options.refsNotBefore ?? 0)
    )
      return previous.refs;
    const read: RefsRead = { startedAt: now, refs: this.lsRemote(repoUrl, undefined, options) };
    if (maxAge > 0) {
      this.refsReads.set(key, read);
      // A failed read is not shared: the next call asks again.
      read.refs.catch(() => {
        if (this.refsReads.get(key) === read) this.refsReads.delete(key);
      });
    }
    return read.refs;
  }

  /** Fetches branches and tags into the mirror; concurrent callers share one fetch. */
  fetch(repoUrl: string, access: RepoAccess = {}): Promise<void> {
    const dir = this.mirrorDir(repoUrl, access);
    let pending = this.inflight.get(dir);
    if (!pending) {
      pending = this.fetchLocked(repoUrl, dir, access).finally(() => this.inflight.delete(dir));
      this.inflight.set(dir, pending);
    }
    return pending;
  }

  /** Makes sure the mirror has the commit, fetching once if it does not. */
  async ensureCommit(repoUrl: string, sha: string, access: RepoAccess = {}): Promise<string> {
    // A commit reaches `git rev-parse` and `git archive` as an argument: hex only, never an option.
    if (!/^[0-9a-f]{4,64}$/i.test(sha)) {
      throw new SourceError(
        'revision-not-found',
        `"${sha}" is not a commit SHA of ${redactUrl(repoUrl)}`,
        'spec.source.targetRevision',
      );
    }
    const dir = this.mirrorDir(repoUrl, access);
    const known = `${dir}\0${sha}`;
    if (this.knownCommits.has(known)) return sha;
    const present = existsSync(dir) ? await this.expandSha(repoUrl, sha, access) : undefined;
    if (present) return this.remember(dir, present);
    await this.fetch(repoUrl, access);
    const fetched = await this.expandSha(repoUrl, sha, access);
    if (!fetched) {
      throw new SourceError(
        'revision-not-found',
        `commit ${sha} is not in ${redactUrl(repoUrl)} (was it force-pushed away?)`,
        'spec.source.targetRevision',
      );
    }
    return this.remember(dir, fetched);
  }

  private remember(mirror: string, sha: string): string {
    if (this.knownCommits.size > 100_000) this.knownCommits.clear();
    this.knownCommits.add(`${mirror}\0${sha}`);
    return sha;
  }

  /**
   * Extracts the tree at `sha` into a fresh temp dir, runs `fn` on it and removes it.
   * Refuses trees larger than `maxTreeBytes` (`repo-too-large`).
   */
  async withTree<T>(
    repoUrl: string,
    sha: string,
    fn: (dir: string) => Promise<T>,
    access: RepoAccess = {},
  ): Promise<T> {
    const commit = await this.ensureCommit(repoUrl, sha, access);
    const workDir = this.options.workDir ?? tmpdir();
    const dir = await writingTo('work dir', workDir, () => mkdtemp(join(workDir, 'berth-tree-')));
    try {
      await this.extract(repoUrl, commit, dir, access);
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Like `withTree`, but the tree is shared: extracted once per commit, reused by concurrent
   * and later calls, and kept (up to `sharedTrees` idle ones) after `fn` returns. `fn` must
   * not write into it; renders that edit files (kustomize options) use `withTree`. In a repo
   * of many apps at one commit this turns one extraction per render into one per commit. The tree
   * holds no symlink that leaves it (`assertNoEscapingSymlinks` ran when it was extracted).
   */
  async withSharedTree<T>(
    repoUrl: string,
    sha: string,
    fn: (dir: string) => Promise<T>,
    access: RepoAccess = {},
  ): Promise<T> {
    const commit = await this.ensureCommit(repoUrl, sha, access);
    const key = `${this.mirrorDir(repoUrl, access)}\0${commit}`;
    let tree = this.sharedTrees.get(key);
    if (tree) this.sharedTrees.delete(key);
    else {
      const created: SharedTree = { dir: this.extractShared(repoUrl, commit, access), users: 0 };
      // A failed extraction is not kept: the next render tries again.
      created.dir.catch(() => {
        if (this.sharedTrees.get(key) === created) this.sharedTrees.delete(key);
      });
      tree = created;
    }
    this.sharedTrees.set(key, tree);
    tree.users++;
    try {
      return await fn(await tree.dir);
    } finally {
      tree.users--;
      await this.evictSharedTrees();
    }
  }

  /**
   * `withSharedTree` at a revision (`HEAD` when undefined) resolved as `resolveRevision` does: how a
   * kustomize remote base (`https://host/org/repo.git//dir?ref=v1`) is read.
   */
  async withSharedTreeAt<T>(
    repoUrl: string,
    revision: string | undefined,
    fn: (dir: string) => Promise<T>,
    access: RepoAccess = {},
  ): Promise<T> {
    const { sha } = await this.resolveRevision(repoUrl, revision ?? 'HEAD', access);
    return this.withSharedTree(repoUrl, sha, fn, access);
  }

  /** Removes every idle shared tree (on shutdown, or in tests). */
  async close(): Promise<void> {
    await this.evictSharedTrees(0);
  }

  private async extractShared(repoUrl: string, commit: string, access: RepoAccess): Promise<string> {
    // Outside the cache dir: the mirrors (other tenants' repositories) are never a `../` away from a tree.
    const root = join(this.options.workDir ?? tmpdir(), 'berth-shared-trees');
    await writingTo('shared trees dir', root, () => mkdir(root, { recursive: true }));
    this.sweptStaleTrees ??= sweepTreesOfDeadProcesses(root);
    await this.sweptStaleTrees;
    // The pid in the name lets a later process tell a leftover tree from one still in use.
    const dir = await writingTo('shared trees dir', root, () =>
      mkdtemp(join(root, `${sharedTreeHost()}.${process.pid}-`)),
    );
    try {
      await this.extract(repoUrl, commit, dir, access);
      // Checked once per extraction, not per render: a shared tree is never written to, and walking a
      // monorepo of 1,000 apps for each of its apps was 9% of a worker's CPU (bench/README.md).
      await assertNoEscapingSymlinks(dir);
      return dir;
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private async evictSharedTrees(keep = this.options.sharedTrees ?? 4): Promise<void> {
    const idle = [...this.sharedTrees].filter(([, tree]) => tree.users === 0);
    // Oldest first: Map order is least recently used first.
    const excess = idle.slice(0, Math.max(0, idle.length - keep));
    for (const [key, tree] of excess) {
      this.sharedTrees.delete(key);
      const dir = await tree.dir.catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * The directories and regular files of the tree at `sha`, as Argo CD's repo server lists them for the
   * ApplicationSet git generator: paths relative to the root; directories without hidden ones (`.github`)
   * and those under them (its directory walk), files with them (its `git ls-files`); symlinks and
   * submodules left out (never followed); at most
   * `maxEntries` entries (`repo-too-large` beyond).
   */
  async listTree(
    repoUrl: string,
    sha: string,
    access: RepoAccess = {},
    maxEntries = 100_000,
  ): Promise<{ directories: string[]; files: string[] }> {
    const commit = await this.ensureCommit(repoUrl, sha, access);
    const out = await this.git(this.mirrorDir(repoUrl, access)).raw([
      'ls-tree',
      '-r',
      '-t',
      '-z',
      '--full-tree',
      commit,
    ]);
    const directories: string[] = [];
    const files: string[] = [];
    for (const entry of out.split('\0')) {
      if (entry === '') continue;
      if (directories.length + files.length >= maxEntries)
        throw new SourceError(
          'repo-too-large',
          `${redactUrl(repoUrl)} at ${commit} has more than ${maxEntries} files and directories`,
        );
      const tab = entry.indexOf('\t');
      const [mode, type] = entry.slice(0, tab).split(' ');
      const path = entry.slice(tab + 1);
      // Directories as the repo server walks them (a hidden one and all under it skipped); files as
      // `git ls-files` lists them (hidden ones too).
      if (type === 'tree') {
        if (!path.split('/').some((segment) => segment.startsWith('.'))) directories.push(path);
      } else if (type === 'blob' && (mode === '100644' || mode === '100755')) files.push(path);
    }
    return { directories, files };
  }

  /** A regular file of the tree at `sha` (a path `listTree` listed), refused above `maxBytes`. */
  async readFile(
    repoUrl: string,
    sha: string,
    path: string,
    maxBytes: number,
    access: RepoAccess = {},
  ): Promise<string> {
    const commit = await this.ensureCommit(repoUrl, sha, access);
    if (path === '' || path.startsWith('/') || path.split('/').includes('..') || path.includes('\0'))
      throw new SourceError('path-escape', `"${path}" is not a path inside ${redactUrl(repoUrl)}`);
    const git = this.git(this.mirrorDir(repoUrl, access));
    // `<commit>:<path>` is one argument starting with hex: never read as an option.
    const size = Number((await git.raw(['cat-file', '-s', `${commit}:${path}`])).trim());
    if (!(size <= maxBytes))
      throw new SourceError(
        'repo-too-large',
        `${path} in ${redactUrl(repoUrl)} is ${size} bytes, more than ${maxBytes}`,
      );
    return git.raw(['cat-file', 'blob', `${commit}:${path}`]);
  }

  /**
   * Paths (from the repository root) that differ between two commits, renames listed as a removal and an
   * addition. Memoised per pair: one `git diff` answers every app of a monorepo that moved between them.
   */
  changedFiles(repoUrl: string, from: string, to: string, access: RepoAccess = {}): Promise<string[]> {
    const mirror = this.mirrorDir(repoUrl, access);
    const key = `${mirror}\0${from}\0${to}`;
    let pending = this.changedFilesByPair.get(key);
    if (!pending) {
      pending = (async () => {
        const [a, b] = [
          await this.ensureCommit(repoUrl, from, access),
          await this.ensureCommit(repoUrl, to, access),
        ];
        const out = await this.git(mirror).raw(['diff', '--name-only', '--no-renames', a, b, '--']);
        return out.split('\n').filter(Boolean);
      })();
      if (this.changedFilesByPair.size > 1000) this.changedFilesByPair.clear();
      this.changedFilesByPair.set(key, pending);
      pending.catch(() => this.changedFilesByPair.delete(key));
    }
    return pending;
  }

  /** Author, date, message and tags of a commit (Argo CD's `RevisionMetadata`). */
  async commitMetadata(repoUrl: string, sha: string, access: RepoAccess = {}): Promise<CommitMetadata> {
    const commit = await this.ensureCommit(repoUrl, sha, access);
    const git = this.git(this.mirrorDir(repoUrl, access));
    const raw = await git.raw(['log', '-1', '--format=%an <%ae>%x00%aI%x00%B', commit, '--']);
    const [author = '', date = '', message = ''] = raw.split('\0');
    const tags = (await git.raw(['tag', '--points-at', commit])).split('\n').filter(Boolean);
    return { author, date, message: message.trim(), tags };
  }

  private async fetchLocked(repoUrl: string, dir: string, access: RepoAccess): Promise<void> {
    const { url } = parseRepoUrl(repoUrl, this.options);
    await assertOutboundAllowed(this.outbound, url, 'spec.source.repoURL');
    await writingTo('git mirror', dir, () => mkdir(dir, { recursive: true }));
    const release = await lockMirror(dir);
    const auth = await this.auth(this.credentialsFor(repoUrl, access));
    try {
      const git = this.git(dir, auth);
      if (!existsSync(join(dir, 'HEAD'))) await git.raw(['init', '--bare', '--quiet']);
      await publishGitRequest(redactUrl(repoUrl), 'fetch', () =>
        git.raw([
          'fetch',
          '--prune',
          '--force',
          '--quiet',
          '--no-write-fetch-head',
          '--',
          url,
          '+refs/heads/*:refs/heads/*',
          '+refs/tags/*:refs/tags/*',
        ]),
      );
    } catch (err) {
      // git words a full or read-only disk in its own way ("unable to create temporary file"); asking
      // the disk tells it apart from a failure of the remote, and names the errno.
      const disk = await dataDirWritable(dir, { what: 'git mirror' });
      if (!disk.ok) throw new SourceError('disk-error', disk.message, undefined, { cause: err });
      throw classifyGitError(errorText(err), repoUrl, auth.secrets, err);
    } finally {
      await auth.dispose();
      await release();
    }
  }

  private async expandSha(repoUrl: string, sha: string, access: RepoAccess): Promise<string | undefined> {
    try {
      const out = await this.git(this.mirrorDir(repoUrl, access)).raw([
        'rev-parse',
        '--verify',
        '--quiet',
        `${sha}^{commit}`,
      ]);
      return out.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  private async extract(repoUrl: string, sha: string, dir: string, access: RepoAccess): Promise<void> {
    const archive = spawn('git', ['archive', '--format=tar', sha], {
      cwd: this.mirrorDir(repoUrl, access),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    archive.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let bytes = 0;
    const limit = this.maxTreeBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > limit) {
          archive.kill('SIGKILL');
          callback(
            new SourceError(
              'repo-too-large',
              `${redactUrl(repoUrl)} at ${sha} is larger than ${limit} bytes; move large files out of the repository or raise the limit`,
              'spec.source.repoURL',
            ),
          );
          return;
        }
        callback(null, chunk);
      },
    });
    const exited = new Promise<number | null>((resolve) => archive.on('close', resolve));
    // node-tar would rewrite an absolute link target into a relative one, hiding it: note
    // links that leave the tree here and refuse the tree (Argo CD: CheckOutOfBoundsSymlinks).
    const escaping: string[] = [];
    const filter = (path: string, entry: tar.ReadEntry | Stats): boolean => {
      if (!('type' in entry) || entry.type !== 'SymbolicLink') return true;
      const link = entry.linkpath ?? '';
      if (isAbsolute(link) || !isInside(dir, resolve(dir, dirname(path), link)))
        escaping.push(`${path} -> ${link}`);
      return true;
    };
    // node-tar reports a failed write (ENOSPC, EROFS ...) as a warning and goes on with the next
    // entry: without this, a full disk would leave a partial tree that renders as if files were deleted.
    let writeFailure: SourceError | undefined;
    const onwarn = (_code: string, message: unknown, data: unknown): void => {
      // node-tar hands the fs error over as `data`, or as `message` when it was made in another realm.
      writeFailure ??= diskErrorOf(data, 'work dir', dir) ?? diskErrorOf(message, 'work dir', dir);
    };
    try {
      await pipeline(archive.stdout, counter, tar.x({ cwd: dir, preservePaths: false, filter, onwarn }));
    } catch (err) {
      if (err instanceof SourceError) throw err;
      const disk = diskErrorOf(err, 'work dir', dir);
      if (disk) throw disk;
      throw new SourceError(
        'git-failed',
        `cannot extract ${sha} of ${redactUrl(repoUrl)}: ${stderr || String(err)}`,
      );
    }
    if (writeFailure) throw writeFailure;
    const code = await exited;
    if (code !== 0)
      throw new SourceError('git-failed', `git archive ${sha} of ${redactUrl(repoUrl)} failed: ${stderr}`);
    if (escaping.length > 0) {
      throw new SourceError(
        'symlink-escape',
        `symlink "${escaping[0]}" points outside the repository; replace it with a file or a link inside the repository`,
        'spec.source.path',
      );
    }
  }

  private git(baseDir: string, auth?: GitAuth): SimpleGit {
    const git = simpleGit({
      baseDir,
      // Argo CD does not follow HTTP redirects either; here it also keeps a redirect from taking git to
      // an address the outbound policy refused before the connection (169.254.169.254).
      config: ['http.followRedirects=false'],
      timeout: { block: this.networkTimeoutMs },
      ...auth?.options,
      allowEnvironment: ['GIT_TERMINAL_PROMPT', ...(auth?.options.allowEnvironment ?? [])],
    });
    return git.env({ ...inheritedEnv(), GIT_TERMINAL_PROMPT: '0', ...auth?.env });
  }

  private async auth(credentials: GitCredentials | undefined): Promise<GitAuth> {
    if (!credentials) return { env: {}, options: {}, secrets: [], dispose: async () => {} };
    if (credentials.type === 'https') {
      // GIT_ASKPASS keeps the secret out of argv (visible in `ps`) and off disk: the helper
      // script only echoes environment variables of this one git process.
      const script = join(this.options.cacheDir, '.berth-askpass.sh');
      if (!existsSync(script)) {
        await writingTo('git credentials helper', script, async () => {
          await writeFile(script, ASKPASS_SCRIPT, { mode: 0o700 });
          await chmod(script, 0o700);
        });
      }
      return {
        env: {
          GIT_ASKPASS: script,
          BERTH_GIT_USERNAME: credentials.username,
          BERTH_GIT_PASSWORD: credentials.password,
        },
        // simple-git blocks GIT_ASKPASS because a hostile value runs a program; ours is our script.
        options: { allowEnvironment: ['GIT_ASKPASS'], unsafe: { allowUnsafeAskPass: true } },
        secrets: [credentials.password],
        dispose: async () => {},
      };
    }
    // The key lives in a 0700 temp dir, 0600 file, only while this one git command runs; it
    // sits beside the extracted trees (`workDir`) so a deployment that puts those on a private
    // volume keeps keys there too.
    const workDir = this.options.workDir ?? tmpdir();
    const keyDir = await writingTo('work dir', workDir, () => mkdtemp(join(workDir, 'berth-ssh-')));
    const keyFile = join(keyDir, 'id');
    const knownHosts = join(keyDir, 'known_hosts');
    // ssh refuses a key with CRLF line ends or no final newline ("error in libcrypto"): both
    // are common when a key is pasted into a secret from a Windows editor or a web form.
    const privateKey = `${credentials.privateKey.replace(/\r\n?/g, '\n').trimEnd()}\n`;
    try {
      await writeFile(keyFile, privateKey, { mode: 0o600 });
      await writeFile(knownHosts, credentials.knownHosts ?? '', { mode: 0o600 });
    } catch (err) {
      await rm(keyDir, { recursive: true, force: true });
      throw err;
    }
    const hostKeyOptions = credentials.insecureIgnoreHostKey
      ? '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'
      : `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${shellQuote(knownHosts)}`;
    return {
      env: {
        GIT_SSH_COMMAND: `ssh -F /dev/null -i ${shellQuote(keyFile)} -o IdentitiesOnly=yes -o BatchMode=yes ${hostKeyOptions}`,
      },
      // simple-git blocks GIT_SSH_COMMAND because it is a shell command line; ours is built
      // here from quoted temp paths, never from user input.
      options: { allowEnvironment: ['GIT_SSH_COMMAND'], unsafe: { allowUnsafeSshCommand: true } },
      secrets: [credentials.privateKey],
      dispose: () => rm(keyDir, { recursive: true, force: true }),
    };
  }
}

/**
 * Git runs with a small allowlist of the worker's environment: ambient GIT_* variables, an
 * EDITOR or a PAGER must not change what a render fetches (and simple-git rejects them).
 */
const INHERITED_ENV = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

function inheritedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
