import { OutboundGuard } from '@berth/net';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { dataDirWritable } from '../disk/data-dir-writable';
import { diskErrorOf, writingTo } from '../disk/disk-error';
import type { CredentialsProvider } from '../git/git-credentials';
import { redactUrl } from '../git/repo-url';
import { assertOutboundAllowed, isSourceError, SourceError } from '../source.error';
import { runTool } from '../tools/run-tool';
import { copyTree, treeDigest, type TreeLimits } from '../tree/tree-copy';
import { isInside, realpathOfDeepestExisting } from '../tree/tree-guard';
import { parseChartDependencies, type ChartDependency } from './chart-dependencies';
import type { HelmChartCache } from './helm-chart-cache';
import { resolveChartVersion, type ChartSubject } from './helm-repo-index';

/** A Helm repository registered in Berth under a name (Chart.yaml refers to it as `@name` or `alias:name`). */
export interface RegisteredHelmRepository {
  name: string;
  url: string;
}

/** What one render may use to fetch dependencies: the app's project's credentials and Helm repositories. */
export interface HelmDependencyAccess {
  /** Credentials by repository URL (scoped to the app's project, as for every other fetch). */
  credentials?: CredentialsProvider;
  /** Registered Helm repositories the app's project may use, for `@name` dependencies. */
  repositories?: readonly RegisteredHelmRepository[];
  /** Argo CD's `helm.passCredentials`: send the credentials to chart URLs on other hosts too. */
  passCredentials?: boolean;
}

export interface HelmDependencyCacheOptions {
  /** Where built `charts/` directories are kept, one per dependency key. */
  cacheDir: string;
  helm: string | undefined;
  /** Index fetches (outbound policy, credentials, errors that name the repository) go through it. */
  charts: HelmChartCache;
  /** The outbound policy for helm's own connections (the repositories and the chart archive URLs). */
  outbound?: OutboundGuard;
  /** Per `helm dependency build`. Default 90 s. */
  timeoutMs?: number;
}

/** The chart whose dependencies are built: its directory inside the tree it was fetched in. */
export interface ChartLocation {
  chartDir: string;
  /** Nothing a dependency names (`file://`) may leave this tree. */
  treeRoot: string;
}

const FIELD = 'spec.source.path';
const LOCK_FILES = ['Chart.lock', 'requirements.lock', 'requirements.yaml'];

interface RemoteDependency {
  dependency: ChartDependency & { source: 'registered' | 'url' };
  url: string;
  subject: ChartSubject;
}

function digest(material: unknown): string {
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

function relPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}

/** The versions a Chart.lock pins, by dependency position (helm keeps Chart.yaml's order). */
function lockedVersions(lockText: string | undefined): (string | undefined)[] {
  if (!lockText) return [];
  try {
    const lock = parse(lockText, { schema: 'failsafe', maxAliasCount: 100 }) as {
      dependencies?: { version?: unknown }[];
    } | null;
    return (lock?.dependencies ?? []).map((entry) =>
      typeof entry?.version === 'string' ? entry.version : undefined,
    );
  } catch {
    return []; // helm reports a broken lock file itself
  }
}

/**
 * Chart dependencies (`dependencies` in Chart.yaml) built with `helm dependency build`, as Argo CD's
 * repo-server does when `helm template` reports them missing, and kept: the built `charts/` directory
 * is stored under `cacheDir` by a key of everything it is made of (the dependency list, the lock files,
 * the versions the repositories resolve a range to, the contents of `file://` charts and of the chart's
 * own `charts/`, and whether credentials were used), so a later render, of any commit, reuses it.
 *
 * - Before helm runs, every remote dependency is checked through Berth: the outbound policy, the index
 *   (with the credentials the app may use), the chart and a matching version, and the archive URLs the
 *   index names. A problem names the dependency, its repository and what to register or change.
 * - `@name` dependencies resolve to the Helm repositories registered under that name that the app's
 *   project may use; an unknown name lists the registered ones.
 * - `file://` dependencies must stay inside the tree; they are packaged offline.
 * - helm runs on a copy (not links) of the chart and its `file://` charts in a staging directory, with
 *   a throwaway Helm home whose `repositories.yaml` (mode 0600) holds the repositories and their
 *   credentials: never the command line.
 * - Concurrency: one build per key in this process; across processes, each builds in its own staging
 *   directory and the first rename wins (the others use it).
 */
export class HelmDependencyCache {
  private readonly builds = new Map<string, Promise<string>>();
  private readonly outbound: OutboundGuard;
  private readonly timeoutMs: number;

  constructor(private readonly options: HelmDependencyCacheOptions) {
    this.outbound = options.outbound ?? new OutboundGuard();
    this.timeoutMs = options.timeoutMs ?? 90_000;
  }

  /**
   * The `charts/` directory to render `chart` with (in the cache: read it, never write it), or
   * undefined when Chart.yaml declares no dependencies.
   */
  async chartsDir(chart: ChartLocation, access: HelmDependencyAccess = {}): Promise<string | undefined> {
    const chartFile = `${relPath(chart.treeRoot, chart.chartDir)}/Chart.yaml`.replace(/^\.\//, '');
    const chartYaml = await readFile(join(chart.chartDir, 'Chart.yaml'), 'utf8').catch(() => undefined);
    if (chartYaml === undefined) return undefined;
    const dependencies = parseChartDependencies(chartYaml, chartFile);
    if (dependencies.length === 0) return undefined;
    const locks = await Promise.all(
      LOCK_FILES.map((name) => readFile(join(chart.chartDir, name), 'utf8').catch(() => undefined)),
    );
    const locked = lockedVersions(locks[0] ?? locks[1]);
    const limits: TreeLimits = { maxFiles: 20_000, what: `the chart ${chartFile}` };
    const fileDirs = await this.fileDependencyDirs(chart, dependencies, chartFile);
    const remotes = dependencies.flatMap((dependency) =>
      dependency.source === 'registered' || dependency.source === 'url'
        ? [this.remoteOf(dependency, chartFile, access)]
        : [],
    );
    // Checked through Berth before helm connects anywhere; the resolved versions key the cache.
    const resolved = await Promise.all(
      remotes.map((remote) =>
        this.checkRemote(remote, locked[dependencies.indexOf(remote.dependency)], access),
      ),
    );
    const ownCharts = join(chart.chartDir, 'charts');
    const key = digest({
      v: 1,
      dependencies,
      locks,
      resolved,
      // `@name` may be registered to another URL later: the URLs key the build too.
      urls: remotes.map((remote) => remote.url),
      authenticated: remotes.map((remote) => Boolean(this.credentialsOf(remote.url, access))),
      files: await Promise.all(
        fileDirs.map(async (dir) => [relPath(chart.treeRoot, dir), await treeDigest(dir, limits)]),
      ),
      charts: existsSync(ownCharts) ? await treeDigest(ownCharts, limits) : null,
    });
    const target = join(this.options.cacheDir, key.slice(0, 40));
    if (existsSync(target)) return target;
    let pending = this.builds.get(target);
    if (!pending) {
      pending = this.build(chart, fileDirs, remotes, access, target, limits, chartFile).finally(() =>
        this.builds.delete(target),
      );
      this.builds.set(target, pending);
    }
    return pending;
  }

  /** The directories of the `file://` dependencies, each inside the tree and holding a Chart.yaml. */
  private async fileDependencyDirs(
    chart: ChartLocation,
    dependencies: ChartDependency[],
    chartFile: string,
  ): Promise<string[]> {
    const dirs: string[] = [];
    const root = await realpathOfDeepestExisting(chart.treeRoot);
    for (const dependency of dependencies) {
      if (dependency.source !== 'file') continue;
      const where = `${chartFile} dependency "${dependency.name}" (file://${dependency.path})`;
      const dir = join(chart.chartDir, dependency.path);
      if (dependency.path.startsWith('/') || !isInside(chart.treeRoot, dir)) {
        throw new SourceError(
          'path-escape',
          `${where} points outside the repository; a file:// dependency must be a chart of the same repository (or publish it to a Helm repository)`,
          FIELD,
        );
      }
      const real = await realpathOfDeepestExisting(dir);
      if (!isInside(root, real)) {
        throw new SourceError(
          'symlink-escape',
          `${where} goes through a symlink to outside the repository; Berth only reads files inside it`,
          FIELD,
        );
      }
      if (!(await stat(join(dir, 'Chart.yaml')).catch(() => undefined))?.isFile()) {
        throw new SourceError(
          'path-not-found',
          `${where} is not a chart directory (no Chart.yaml) at this revision; fix the path`,
          FIELD,
        );
      }
      dirs.push(dir);
    }
    return dirs;
  }

  private remoteOf(
    dependency: ChartDependency & { source: 'registered' | 'url' },
    chartFile: string,
    access: HelmDependencyAccess,
  ): RemoteDependency {
    const dep = `dependency "${dependency.name}" of ${chartFile}`;
    let url: string;
    if (dependency.source === 'registered') {
      const registered = (access.repositories ?? []).find((repo) => repo.name === dependency.repoName);
      if (!registered) {
        const names = (access.repositories ?? []).map((repo) => repo.name).sort();
        throw new SourceError(
          'not-found',
          `${dep} names the Helm repository "${dependency.repository}", but no Helm repository named "${dependency.repoName}" is registered for this app's project` +
            (names.length > 0 ? ` (registered: ${names.join(', ')})` : ' (none is)') +
            `; register it (type helm, name ${dependency.repoName}) with a URL the project's sourceRepos permit, or write the repository URL in Chart.yaml`,
          FIELD,
        );
      }
      url = registered.url;
    } else url = dependency.url;
    const repoPhrase = (shown: string) => `the Helm repository "${shown}" of ${dep}`;
    return {
      dependency,
      url: url.replace(/\/+$/, ''),
      subject: {
        repo: repoPhrase,
        repoField: FIELD,
        chart: (name) => `chart "${name}" (${dep})`,
        chartField: FIELD,
        revision: (wanted) => `version "${wanted}" of ${dep}`,
        revisionField: FIELD,
      },
    };
  }

  /** The outbound policy, the index, the chart and a version (locked, or matching the range); returns the version. */
  private async checkRemote(
    remote: RemoteDependency,
    lockedVersion: string | undefined,
    access: HelmDependencyAccess,
  ): Promise<string> {
    const { dependency, url, subject } = remote;
    await assertOutboundAllowed(this.outbound, url, FIELD).catch((err: unknown) => {
      if (!isSourceError(err)) throw err;
      throw new SourceError(err.code, `${subject.repo(redactUrl(url))}: ${err.message}`, FIELD, {
        cause: err,
      });
    });
    let index;
    try {
      index = await this.options.charts.index(url, access.credentials, subject);
    } catch (err) {
      if (isSourceError(err, 'auth-failed') && !this.credentialsOf(url, access)) {
        throw new SourceError(
          'auth-failed',
          `${subject.repo(redactUrl(url))} needs credentials: register it as a Helm repository with its username and password, for this app's project (its sourceRepos must permit ${redactUrl(url)})`,
          FIELD,
          { cause: err },
        );
      }
      if (isSourceError(err, 'unreachable')) {
        throw new SourceError(
          'unreachable',
          `${err.message}; if it moved, change the repository of the dependency in Chart.yaml (or register the Helm repository it moved to and name it as @name)`,
          FIELD,
          { cause: err },
        );
      }
      throw err;
    }
    const entry = resolveChartVersion(index, dependency.name, lockedVersion ?? dependency.version, subject);
    await this.options.charts.assertChartUrlsAllowed(url, entry, FIELD);
    return entry.version;
  }

  private credentialsOf(
    url: string,
    access: HelmDependencyAccess,
  ): { username: string; password: string } | undefined {
    const credentials = access.credentials?.(url);
    return credentials?.type === 'https' ? credentials : undefined;
  }

  private async build(
    chart: ChartLocation,
    fileDirs: string[],
    remotes: RemoteDependency[],
    access: HelmDependencyAccess,
    target: string,
    limits: TreeLimits,
    chartFile: string,
  ): Promise<string> {
    const helm = this.options.helm;
    if (!helm)
      throw new SourceError('tool-not-found', 'helm was not found; run `npm run tools` or set HELM_PATH');
    const cacheDir = this.options.cacheDir;
    await writingTo('Helm dependency cache', cacheDir, () => mkdir(cacheDir, { recursive: true }));
    const staging = await writingTo('Helm dependency cache', cacheDir, () =>
      mkdtemp(join(cacheDir, '.build-')),
    );
    const passwords = remotes.flatMap((remote) => this.credentialsOf(remote.url, access)?.password ?? []);
    try {
      // The chart and its file:// charts at their places in the tree, copied: helm writes there.
      const tree = join(staging, 'tree');
      const chartCopy = join(tree, relative(chart.treeRoot, chart.chartDir));
      await copyTree(chart.chartDir, chartCopy, { hardLink: false, limits });
      for (const dir of fileDirs) {
        if (isInside(chart.chartDir, dir)) continue; // already copied with the chart
        await copyTree(dir, join(tree, relative(chart.treeRoot, dir)), { hardLink: false, limits });
      }
      const home = join(staging, 'home');
      const config = join(home, 'config');
      await mkdir(config, { recursive: true, mode: 0o700 });
      const repositoriesFile = join(config, 'repositories.yaml');
      await writeFile(repositoriesFile, this.repositoriesYaml(remotes, access), { mode: 0o600 });
      await chmod(repositoriesFile, 0o600);
      try {
        await runTool(helm, ['dependency', 'build', '--', chartCopy], {
          cwd: chartCopy,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: home,
            HELM_CACHE_HOME: join(home, 'cache'),
            HELM_CONFIG_HOME: config,
            HELM_DATA_HOME: join(home, 'data'),
          },
          timeoutMs: this.timeoutMs,
          maxOutputBytes: 1024 * 1024,
          label: `helm dependency build (${chartFile})`,
        });
      } catch (err) {
        const disk = await dataDirWritable(staging, { what: 'Helm dependency cache' });
        if (!disk.ok) throw new SourceError('disk-error', disk.message, undefined, { cause: err });
        throw scrubbed(err, passwords);
      }
      const built = join(chartCopy, 'charts');
      await mkdir(built, { recursive: true });
      try {
        await mkdir(dirname(target), { recursive: true });
        await rename(built, target);
      } catch (err) {
        // Another process finished the same build first; its charts are the same inputs' output.
        if (!existsSync(target)) throw diskErrorOf(err, 'Helm dependency cache', target) ?? err;
      }
      return target;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * helm's repositories file: every remote dependency's repository, under its registered name (for
   * `@name`) or a made-up one, with its credentials. JSON is YAML, and escapes whatever the values hold.
   */
  private repositoriesYaml(remotes: RemoteDependency[], access: HelmDependencyAccess): string {
    const entries = new Map<string, Record<string, unknown>>();
    for (const [i, { dependency, url }] of remotes.entries()) {
      const name = dependency.source === 'registered' ? dependency.repoName : `berth-dependency-${i}`;
      if (entries.has(name)) continue;
      const credentials = this.credentialsOf(url, access);
      entries.set(name, {
        name,
        url,
        username: credentials?.username ?? '',
        password: credentials?.password ?? '',
        pass_credentials_all: access.passCredentials ?? false,
      });
    }
    return `${JSON.stringify({ apiVersion: '', generated: '0001-01-01T00:00:00Z', repositories: [...entries.values()] }, null, 2)}\n`;
  }
}

/** helm's own failure, with any password it might echo removed. */
function scrubbed(err: unknown, passwords: string[]): unknown {
  if (!isSourceError(err, 'tool-failed')) return err;
  let text = redactUrl(err.message);
  for (const password of passwords) if (password) text = text.split(password).join('***');
  // No cause: it holds the unscrubbed text.
  return new SourceError('tool-failed', text, FIELD);
}
