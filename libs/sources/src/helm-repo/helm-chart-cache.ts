import { isHelmChartName } from '@berth/domain';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CredentialsProvider } from '../git/git-credentials';
import { parseRepoUrl, redactUrl } from '../git/repo-url';
import { OutboundGuard, OutboundRefusedError } from '@berth/net';
import { dataDirWritable } from '../disk/data-dir-writable';
import { diskErrorOf, writingTo } from '../disk/disk-error';
import { assertOutboundAllowed, isSourceError, SourceError } from '../source.error';
import { assertNoEscapingSymlinks } from '../tree/tree-guard';
import { runTool } from '../tools/run-tool';
import {
  APPLICATION_CHART,
  parseHelmRepoIndex,
  resolveChartVersion,
  type ChartSubject,
  type ChartVersionEntry,
  type HelmRepoIndex,
} from './helm-repo-index';

export interface HelmChartCacheOptions {
  /** Where pulled charts are kept, one directory per repo + chart + version. */
  cacheDir: string;
  /** The helm binary (`findTools().helm`). */
  helm: string | undefined;
  /** HTTPS basic auth per repoURL; SSH credentials do not apply to Helm repositories. */
  credentials?: CredentialsProvider;
  /** Plain `http://` repositories (local and test setups); credentials then travel unencrypted. */
  allowHttp?: boolean;
  /** How long a fetched `index.yaml` is reused. Default 3 min (Argo CD's revision cache). */
  indexTtlMs?: number;
  /** Per index download and per `helm` run. Default 60 s. */
  networkTimeoutMs?: number;
  /** Clock for the index cache; tests pass their own. */
  now?: () => number;
  /** Refuse an `index.yaml` larger than this. Default 64 MiB (large public indexes are ~20 MiB). */
  maxIndexBytes?: number;
  /**
   * Where the index fetch (judged at connect time, redirects included) and `helm pull` (the repository
   * and the chart URL the index names, judged before helm runs) may connect. Default: the policy with
   * an empty allow-list (no link-local or cloud metadata hosts).
   */
  outbound?: OutboundGuard;
}

const REPO_FIELD = 'spec.source.repoURL';
const CHART_FIELD = 'spec.source.chart';
/** Helm's exit text for a refused login, a missing chart and a host that does not answer. */
const AUTH_FAILED = /\b(401|403)\b|unauthori[sz]ed|forbidden/i;
const NOT_FOUND = /\b404\b|not found/i;
const UNREACHABLE =
  /connection refused|no such host|i\/o timeout|timeout|dial tcp|connection reset|EOF|no route to host/i;

interface CachedIndex {
  index: Promise<HelmRepoIndex>;
  expiresAt: number;
}

function digestOf(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 20);
}

function safeName(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);
}

/**
 * Charts from Helm chart repositories (Argo CD: `spec.source.chart` with an `https://` repoURL).
 *
 * - `index.yaml` is fetched with the repository's basic-auth credentials, kept for a short TTL
 *   (single-flight per repo) and drives version resolution and the error messages.
 * - Charts are pulled with `helm pull --untar` so auth, TLS and relative chart URLs behave as
 *   with Helm, and are kept on disk by repo + chart + version: a published chart version is
 *   immutable, so a cached one is never fetched again.
 * - Credentials reach helm through `--password-stdin` into a throwaway Helm config home (mode
 *   0700, removed after the pull): never in argv, where other local users could read them.
 */
export class HelmChartCache {
  private readonly indexes = new Map<string, CachedIndex>();
  private readonly pulls = new Map<string, Promise<string>>();
  private readonly indexTtlMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly outbound: OutboundGuard;

  constructor(private readonly options: HelmChartCacheOptions) {
    this.outbound = options.outbound ?? new OutboundGuard();
    this.indexTtlMs = options.indexTtlMs ?? 180_000;
    this.timeoutMs = options.networkTimeoutMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The repository's `index.yaml`, from the short-lived cache or fetched. `credentials` is the lookup
   * scoped to the caller (see RenderRequest.credentials); default the cache's own provider.
   */
  index(
    repoUrl: string,
    credentialsOf?: CredentialsProvider,
    /** How errors name the repository: the app's `spec.source.repoURL` unless a dependency's. */
    subject: ChartSubject = APPLICATION_CHART,
  ): Promise<HelmRepoIndex> {
    const url = this.checkUrl(repoUrl, subject);
    const credentials = this.credentialsFor(url, credentialsOf);
    const key = `${url}\0${credentials?.username ?? ''}`;
    const cached = this.indexes.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.index;
    const index = this.fetchIndex(url, credentials, subject);
    this.indexes.set(key, { index, expiresAt: this.now() + this.indexTtlMs });
    // A failure is not cached: the next render asks the repository again.
    index.catch(() => {
      if (this.indexes.get(key)?.index === index) this.indexes.delete(key);
    });
    return index;
  }

  /** Resolves `targetRevision` (exact version or semver constraint) to a listed chart version. */
  async resolve(
    repoUrl: string,
    chart: string,
    targetRevision: string | undefined,
    credentialsOf?: CredentialsProvider,
  ): Promise<ChartVersionEntry> {
    assertChartName(chart);
    return resolveChartVersion(await this.index(repoUrl, credentialsOf), chart, targetRevision);
  }

  /** Where a pulled chart lives (exists once `pull` returned). */
  chartDir(repoUrl: string, chart: string, version: string, credentialsOf?: CredentialsProvider): string {
    const url = this.checkUrl(repoUrl);
    // A chart pulled with credentials is kept apart from one pulled anonymously (as Git mirrors are).
    const access = this.credentialsFor(url, credentialsOf) ? 'authenticated' : 'anonymous';
    return join(
      this.options.cacheDir,
      `${safeName(chart)}-${safeName(version)}-${digestOf(url, chart, version, access)}`,
    );
  }

  /**
   * The unpacked chart directory for an exact version, pulled once. `passCredentials` is
   * Argo CD's `helm.passCredentials`: also send the credentials when the index points the
   * chart at another host.
   */
  pull(
    repoUrl: string,
    chart: string,
    version: string,
    passCredentials = false,
    credentialsOf?: CredentialsProvider,
  ): Promise<string> {
    const dir = this.chartDir(repoUrl, chart, version, credentialsOf);
    if (existsSync(join(dir, 'Chart.yaml'))) return Promise.resolve(dir);
    let pending = this.pulls.get(dir);
    if (!pending) {
      pending = this.pullInto(repoUrl, chart, version, passCredentials, dir, credentialsOf).finally(() =>
        this.pulls.delete(dir),
      );
      this.pulls.set(dir, pending);
    }
    return pending;
  }

  /**
   * helm connects to the repository and then to the chart URL the index names (any host: the index is
   * the repository owner's text). Both are judged before helm runs; helm's own redirects are the gap an
   * operator closes with a network policy (docs/security.md).
   */
  private async assertPullAllowed(
    url: string,
    chart: string,
    version: string,
    credentialsOf: CredentialsProvider | undefined,
  ): Promise<void> {
    await assertOutboundAllowed(this.outbound, url, REPO_FIELD);
    const entry = (await this.index(url, credentialsOf)).entries
      .get(chart)
      ?.find((candidate) => candidate.version === version);
    if (entry) await this.assertChartUrlsAllowed(url, entry, CHART_FIELD);
  }

  /**
   * The outbound policy for the archive URLs an index names for one chart version (resolved against
   * the repository URL): helm downloads from there, and the index is the repository owner's text.
   */
  async assertChartUrlsAllowed(repoUrl: string, entry: ChartVersionEntry, field: string): Promise<void> {
    for (const chartUrl of entry.urls) {
      let absolute: string;
      try {
        absolute = new URL(chartUrl, `${repoUrl.replace(/\/+$/, '')}/`).toString();
      } catch {
        continue; // helm refuses it itself
      }
      await assertOutboundAllowed(this.outbound, absolute, field);
    }
  }

  private checkUrl(repoUrl: string, subject: ChartSubject = APPLICATION_CHART): string {
    let parsed: ReturnType<typeof parseRepoUrl>;
    try {
      parsed = parseRepoUrl(repoUrl, { allowHttp: this.options.allowHttp });
    } catch (err) {
      if (subject === APPLICATION_CHART || !isSourceError(err)) throw err;
      throw new SourceError(
        err.code,
        `${subject.repo(redactUrl(repoUrl))} is not a repository URL Berth fetches from (${err.message})`,
        subject.repoField,
        { cause: err },
      );
    }
    if (parsed.scheme !== 'https' && parsed.scheme !== 'http') {
      throw new SourceError(
        'invalid-repo-url',
        `${subject.repo(redactUrl(repoUrl))} is not an https:// URL; a Helm chart repository is served over https (OCI registries are not supported yet)`,
        subject.repoField,
      );
    }
    return parsed.url.replace(/\/+$/, '');
  }

  private credentialsFor(
    url: string,
    credentialsOf?: CredentialsProvider,
  ): { username: string; password: string } | undefined {
    const credentials = (credentialsOf ?? this.options.credentials)?.(url);
    return credentials?.type === 'https' ? credentials : undefined;
  }

  private async fetchIndex(
    url: string,
    credentials: { username: string; password: string } | undefined,
    subject: ChartSubject,
  ): Promise<HelmRepoIndex> {
    const shown = redactUrl(url);
    const repo = subject.repo(shown);
    const field = subject.repoField;
    const headers: Record<string, string> = { accept: 'application/yaml, application/json, */*' };
    if (credentials) {
      const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      headers.authorization = `Basic ${token}`;
    }
    let response: Awaited<ReturnType<OutboundGuard['fetch']>>;
    try {
      response = await this.outbound.fetch(`${url}/index.yaml`, {
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const refused =
        err instanceof Error && err.cause instanceof OutboundRefusedError ? err.cause : undefined;
      if (refused)
        throw new SourceError('outbound-refused', `${repo}: ${refused.message}`, field, {
          cause: err,
        });
      const reason =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new SourceError(
        'unreachable',
        `${repo} did not answer (${reason}); check the URL and that the repository is reachable from the worker`,
        field,
        { cause: err },
      );
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new SourceError(
        'auth-failed',
        credentials
          ? `${repo} refused the repository credentials (HTTP ${response.status}); update the username/password of the repository`
          : `${repo} needs credentials (HTTP ${response.status}); add a repository with a username and password for it`,
        field,
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw new SourceError(
        'not-found',
        `${repo} has no index.yaml (HTTP 404); check that it is the URL of a Helm chart repository`,
        field,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new SourceError(
        'unreachable',
        `${repo} answered HTTP ${response.status} for index.yaml; retry later or check the repository`,
        field,
      );
    }
    return parseHelmRepoIndex(await this.readBounded(response, repo, field), shown, subject);
  }

  private async readBounded(
    response: Awaited<ReturnType<OutboundGuard['fetch']>>,
    repo: string,
    field: string,
  ): Promise<string> {
    const limit = this.options.maxIndexBytes ?? 64 * 1024 * 1024;
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    if (response.body) {
      // undici types the body as ReadableStream<any>; a fetch body's chunks are Uint8Array (Fetch standard).
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        if (bytes > limit) {
          await response.body.cancel().catch(() => {});
          throw new SourceError(
            'output-too-large',
            `${repo} serves an index.yaml larger than ${limit} bytes; split the repository or raise the index limit`,
            field,
          );
        }
        chunks.push(chunk);
      }
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async pullInto(
    repoUrl: string,
    chart: string,
    version: string,
    passCredentials: boolean,
    dir: string,
    credentialsOf: CredentialsProvider | undefined,
  ): Promise<string> {
    const helm = this.options.helm;
    if (!helm)
      throw new SourceError('tool-not-found', 'helm was not found; run `npm run tools` or set HELM_PATH');
    assertChartName(chart);
    const url = this.checkUrl(repoUrl);
    const credentials = this.credentialsFor(url, credentialsOf);
    await this.assertPullAllowed(url, chart, version, credentialsOf);
    const cacheDir = this.options.cacheDir;
    await writingTo('Helm chart cache', cacheDir, () => mkdir(cacheDir, { recursive: true }));
    // The staging dir sits beside the final one so the last step is an atomic rename.
    const staging = await writingTo('Helm chart cache', cacheDir, () => mkdtemp(join(cacheDir, '.pull-')));
    try {
      const out = join(staging, 'out');
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: staging,
        HELM_CACHE_HOME: join(staging, 'cache'),
        HELM_CONFIG_HOME: join(staging, 'config'),
        HELM_DATA_HOME: join(staging, 'data'),
      };
      const run = (args: string[], label: string, input?: string) =>
        runTool(helm, args, { env, timeoutMs: this.timeoutMs, maxOutputBytes: 1024 * 1024, label, input });
      try {
        if (credentials) {
          // `--` ends the flags: the URL and chart name are positionals whatever they hold.
          const add = ['repo', 'add', '--username', credentials.username, '--password-stdin'];
          if (passCredentials) add.push('--pass-credentials');
          await run([...add, '--', 'berth-source', url], 'helm repo add', credentials.password);
          await run(
            ['pull', '--version', version, '--untar', '--destination', out, '--', `berth-source/${chart}`],
            'helm pull',
          );
        } else {
          await run(
            ['pull', '--repo', url, '--version', version, '--untar', '--destination', out, '--', chart],
            'helm pull',
          );
        }
      } catch (err) {
        // helm words a full or read-only disk in its own way; asking the disk names the errno.
        const disk = await dataDirWritable(staging, { what: 'Helm chart cache' });
        if (!disk.ok) throw new SourceError('disk-error', disk.message, undefined, { cause: err });
        throw classifyPullError(err, repoUrl, chart, version, credentials);
      }
      const unpacked = (await readdir(out, { withFileTypes: true })).filter((entry) => entry.isDirectory());
      if (unpacked.length !== 1 || !existsSync(join(out, unpacked[0]!.name, 'Chart.yaml'))) {
        throw new SourceError(
          'invalid-manifest',
          `${CHART_FIELD} "${chart}" ${version} from "${redactUrl(repoUrl)}" is not a chart archive (expected one directory with Chart.yaml)`,
          CHART_FIELD,
        );
      }
      const chartRoot = join(out, unpacked[0]!.name);
      await assertNoEscapingSymlinks(chartRoot);
      try {
        await rename(chartRoot, dir);
      } catch (err) {
        // Another process finished the same pull first; its copy is the same immutable chart.
        if (!existsSync(join(dir, 'Chart.yaml'))) throw diskErrorOf(err, 'Helm chart cache', dir) ?? err;
      }
      return dir;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}

function classifyPullError(
  err: unknown,
  repoUrl: string,
  chart: string,
  version: string,
  credentials: { password: string } | undefined,
): unknown {
  if (!isSourceError(err, 'tool-failed')) return err;
  let text = redactUrl(err.message);
  if (credentials?.password) text = text.split(credentials.password).join('***');
  const shown = redactUrl(repoUrl);
  if (AUTH_FAILED.test(text)) {
    return new SourceError(
      'auth-failed',
      `pulling ${CHART_FIELD} "${chart}" ${version} from "${shown}" was refused; check the repository credentials (and helm.passCredentials if charts are served from another host): ${text}`,
      REPO_FIELD,
      { cause: err },
    );
  }
  if (NOT_FOUND.test(text)) {
    return new SourceError(
      'not-found',
      `${CHART_FIELD} "${chart}" ${version} could not be downloaded from "${shown}"; check that the repository still serves it: ${text}`,
      CHART_FIELD,
      { cause: err },
    );
  }
  if (UNREACHABLE.test(text)) {
    return new SourceError(
      'unreachable',
      `pulling ${CHART_FIELD} "${chart}" ${version} from "${shown}" failed: ${text}`,
      REPO_FIELD,
      {
        cause: err,
      },
    );
  }
  return new SourceError('tool-failed', text, CHART_FIELD, { cause: err });
}

/** `spec.source.chart` becomes a helm argument: Helm's chart-name grammar, checked again at render time. */
function assertChartName(chart: string): void {
  if (!isHelmChartName(chart)) {
    throw new SourceError(
      'invalid-argument',
      `${CHART_FIELD} "${chart}" is not a chart name (letters, digits, "-", "_" and ".", starting with a letter or digit)`,
      CHART_FIELD,
    );
  }
}
