import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  HelmChartCache,
  HelmDependencyCache,
  type CredentialsProvider,
  type GitMirrorCache,
  type RegisteredHelmRepository,
  type RepoAccess,
  type ResolvedRevision,
} from '@berth/sources';
import type { ConfigManagementPlugin } from '@berth/domain';
import type { ManifestCache } from './manifest/manifest-cache.port';
import type { RenderedManifests } from './manifest/rendered-manifests.types';
import { RenderError, throwAsRenderError } from './render.error';
import type { ApplicationSource, KubernetesObject, SourceType } from './source.types';
import { renderHelm, type HelmRenderContext } from './renderers/helm.renderer';
import type { RemoteBases } from './renderers/kustomize-workspace';
import { environmentOf, renderSourceTree } from './renderers/source-tree.renderer';
import { findTools, toolVersions, type ToolPaths, type ToolVersions } from './tools/tool-locator';

export type { RenderedManifests } from './manifest/rendered-manifests.types';

export interface RenderRequest {
  /** The Application's name: the default helm release name. */
  appName: string;
  /** `spec.project`, for the build environment (`ARGOCD_APP_PROJECT_NAME`). */
  project?: string;
  /** `spec.destination.namespace`, passed to helm as `--namespace`. */
  namespace?: string;
  /** `spec.source`; or use `sources` for a multi-source Application. */
  source?: ApplicationSource;
  /** `spec.sources`: `ref` sources lend their files to `$ref/...` value files of the others. */
  sources?: ApplicationSource[];
  /** Target cluster version for helm `--kube-version` (e.g. `1.34.0`). */
  kubeVersion?: string;
  /** Target cluster API versions for helm `--api-versions` (`Capabilities.APIVersions`). */
  apiVersions?: string[];
  /** Skip the manifest cache (Argo CD's hard refresh). The result is still stored. */
  hardRefresh?: boolean;
  /** Epoch ms: do not resolve branches from refs read before this (see GitMirrorCache.resolveRevision). */
  refsNotBefore?: number;
  /**
   * Argo CD's manifest-generate-paths reuse (its SetNewRevisionManifests): for a single Git source, when
   * the commit moved from `previousRevision` and `unchanged` says none of the files the two commits differ
   * in concerns this app, the manifests cached for `previousRevision` serve the new commit without running
   * helm or kustomize again.
   */
  reuseWhenUnchanged?: { previousRevision: string; unchanged: (changedFiles: string[]) => boolean };
  /**
   * The repository credentials this render may use (the worker scopes them to the app's project:
   * Argo CD's project-scoped repositories and sourceRepos). Replaces the git cache's own provider for
   * every Git and Helm source of the render; a repository it has no credentials for is read anonymously.
   */
  credentials?: CredentialsProvider;
  /**
   * Which remote kustomize bases (`resources: [https://host/org/repo.git//dir?ref=v1]`) this render may
   * load: the worker passes the app's project's sourceRepos rule (as Argo CD). Permitted bases are
   * fetched through the git cache (its URL policy, outbound guard and `credentials`); default: none.
   */
  remoteBases?: (repoURL: string) => boolean;
  /**
   * The Helm repositories registered in Berth that this render may use (the worker passes those the
   * app's project permits, as Argo CD's permitted Helm repositories): chart dependencies naming
   * `@name` / `alias:name` resolve to them. Their credentials come from `credentials`.
   */
  helmRepositories?: readonly RegisteredHelmRepository[];
}

export interface ManifestRendererOptions {
  git: GitMirrorCache;
  cache?: ManifestCache;
  /** Default 24 h, like Argo CD's repo-server manifest cache. */
  cacheTtlSeconds?: number;
  /** Default: `findTools()`. */
  tools?: ToolPaths;
  /** Per tool run; the process is killed after it. Default 90 s (Argo CD's exec timeout). */
  renderTimeoutMs?: number;
  /** Per source: tool output / directory bytes. Default 64 MiB. */
  maxOutputBytes?: number;
  /**
   * Charts from Helm repositories (`spec.source.chart`). Default: pulled charts under
   * `<git cacheDir>/helm-charts`, with the git cache's credentials and http policy.
   */
  charts?: HelmChartCache;
  /**
   * Built chart dependencies (`helm dependency build`). Default: under `<git cacheDir>/helm-dependencies`,
   * fetching through `charts` with the git cache's outbound policy.
   */
  dependencies?: HelmDependencyCache;
  /**
   * The config management plugins the operator declared (loadConfigManagementPlugins of
   * BERTH_PLUGINS_DIR). Default none: a `plugin` source is refused.
   */
  plugins?: readonly ConfigManagementPlugin[];
}

export interface RenderCounters {
  cacheHits: number;
  cacheMisses: number;
  renders: number;
  failures: number;
}

/** A source that only provides files to others (`ref` set, nothing to render itself). */
function isRefOnly(source: ApplicationSource): boolean {
  return Boolean(source.ref) && !source.path && !source.chart;
}

/**
 * Turns an Application's source(s) into the Kubernetes objects to deploy, as Argo CD's
 * repo-server does: resolve the revision, read the tree at that commit, detect the type,
 * run the tool, parse. Results are cached by (repo, commit, path, options, tool versions).
 */
export class ManifestRenderer {
  readonly counters: RenderCounters = { cacheHits: 0, cacheMisses: 0, renders: 0, failures: 0 };
  private readonly tools: ToolPaths;
  private readonly timeoutMs: number;
  private readonly maxOutputBytes: number;
  private readonly charts: HelmChartCache;
  private readonly dependencies: HelmDependencyCache;
  private readonly plugins: readonly ConfigManagementPlugin[];
  /** The plugins' configuration, in the cache key: a changed plugin renders again. */
  private readonly pluginsDigest: string;

  constructor(private readonly options: ManifestRendererOptions) {
    this.tools = options.tools ?? findTools();
    this.timeoutMs = options.renderTimeoutMs ?? 90_000;
    this.maxOutputBytes = options.maxOutputBytes ?? 64 * 1024 * 1024;
    const git = options.git.settings;
    this.charts =
      options.charts ??
      new HelmChartCache({
        cacheDir: join(git.cacheDir, 'helm-charts'),
        helm: this.tools.helm,
        credentials: git.credentials,
        allowHttp: git.allowHttp,
        outbound: options.git.outbound,
      });
    this.plugins = options.plugins ?? [];
    this.pluginsDigest = createHash('sha256').update(JSON.stringify(this.plugins)).digest('hex');
    this.dependencies =
      options.dependencies ??
      new HelmDependencyCache({
        cacheDir: join(git.cacheDir, 'helm-dependencies'),
        helm: this.tools.helm,
        charts: this.charts,
        outbound: options.git.outbound,
        timeoutMs: this.timeoutMs,
      });
  }

  /** The objects to deploy; every failure, fetching included, is a RenderError. */
  render(request: RenderRequest): Promise<RenderedManifests> {
    return this.renderSources(request).catch(throwAsRenderError);
  }

  private async renderSources(request: RenderRequest): Promise<RenderedManifests> {
    const sources = request.sources ?? (request.source ? [request.source] : []);
    if (sources.length === 0 || sources.every(isRefOnly)) {
      throw new RenderError(
        'unsupported-source',
        'the Application has no source to render; set spec.source or spec.sources',
        'spec.source',
      );
    }
    const access = accessOf(request);
    const revisions = await Promise.all(
      sources.map((source) => this.resolveSource(source, access, request.refsNotBefore)),
    );
    const tools = await toolVersions(this.tools);
    const key = this.cacheKey(request, sources, revisions, tools);
    if (this.options.cache && !request.hardRefresh) {
      const cached = await this.options.cache.get(key);
      if (cached) {
        this.counters.cacheHits++;
        return { ...cached, cacheHit: true };
      }
    }
    const reused = request.hardRefresh
      ? undefined
      : await this.reuseUnchanged(request, sources, revisions, tools);
    if (reused) {
      this.counters.cacheHits++;
      await this.options.cache?.set(key, reused, this.options.cacheTtlSeconds ?? 24 * 3600);
      return { ...reused, cacheHit: true };
    }
    this.counters.cacheMisses++;
    this.counters.renders++;
    let result: RenderedManifests;
    try {
      result = await this.renderUncached(request, sources, revisions, tools);
    } catch (err) {
      this.counters.failures++;
      throw err;
    }
    await this.options.cache?.set(key, result, this.options.cacheTtlSeconds ?? 24 * 3600);
    return result;
  }

  /** The previous revision's cached manifests, when the app's files did not change since (see RenderRequest). */
  private async reuseUnchanged(
    request: RenderRequest,
    sources: ApplicationSource[],
    revisions: ResolvedRevision[],
    tools: ToolVersions,
  ): Promise<RenderedManifests | undefined> {
    const reuse = request.reuseWhenUnchanged;
    const [source] = sources;
    const [revision] = revisions;
    if (!reuse || !this.options.cache || sources.length !== 1 || !source || source.chart || !revision) return;
    if (reuse.previousRevision === revision.sha) return;
    const previousKey = this.cacheKey(
      request,
      sources,
      [{ ...revision, sha: reuse.previousRevision }],
      tools,
    );
    const previous = await this.options.cache.get(previousKey);
    if (!previous) return;
    const changed = await this.options.git
      .changedFiles(source.repoURL, reuse.previousRevision, revision.sha, accessOf(request))
      .catch(() => undefined);
    if (!changed || !reuse.unchanged(changed)) return;
    return { ...previous, revision: revision.sha, revisions: [revision.sha] };
  }

  /** A commit for a Git source; the chart version for a Helm repository chart. */
  private async resolveSource(
    source: ApplicationSource,
    access: RepoAccess,
    refsNotBefore?: number,
  ): Promise<ResolvedRevision> {
    if (!source.chart)
      return this.options.git.resolveRevision(source.repoURL, source.targetRevision, {
        ...access,
        ...(refsNotBefore !== undefined ? { refsNotBefore } : {}),
      });
    const entry = await this.charts.resolve(
      source.repoURL,
      source.chart,
      source.targetRevision,
      access.credentials,
    );
    return { sha: entry.version, ref: `${source.chart}@${entry.version}` };
  }

  private cacheKey(
    request: RenderRequest,
    sources: ApplicationSource[],
    revisions: ResolvedRevision[],
    tools: ToolVersions,
  ): string {
    // Manifests rendered with a repository's credentials never answer a render without them.
    const credentials = request.credentials ?? this.options.git.settings.credentials;
    const material = JSON.stringify({
      v: 1,
      authenticated: sources.map((source) => Boolean(credentials?.(source.repoURL))),
      app: request.appName,
      namespace: request.namespace ?? '',
      project: request.project ?? '',
      kubeVersion: request.kubeVersion ?? '',
      apiVersions: request.apiVersions ?? [],
      helmRepositories: request.helmRepositories ?? [],
      plugins: this.pluginsDigest,
      sources: sources.map((source, i) => ({ ...source, targetRevision: undefined, sha: revisions[i]?.sha })),
      tools,
    });
    return createHash('sha256').update(material).digest('hex');
  }

  private async renderUncached(
    request: RenderRequest,
    sources: ApplicationSource[],
    revisions: ResolvedRevision[],
    tools: ToolVersions,
  ): Promise<RenderedManifests> {
    const access = accessOf(request);
    const refSources = sources.flatMap((source, i) =>
      source.ref ? [{ source, sha: revisions[i]!.sha }] : [],
    );
    const objects: KubernetesObject[] = [];
    const sourceTypes: SourceType[] = [];
    // Ref trees stay extracted while the other sources render, then are removed in turn.
    const withRefTrees = async (index: number, refTrees: Map<string, string>): Promise<void> => {
      const ref = refSources[index];
      if (ref) {
        // A shared tree was checked for escaping symlinks when it was extracted.
        await this.options.git.withSharedTree(
          ref.source.repoURL,
          ref.sha,
          async (tree) => {
            await withRefTrees(index + 1, new Map(refTrees).set(ref.source.ref!, tree));
          },
          access,
        );
        return;
      }
      for (const [i, source] of sources.entries()) {
        if (isRefOnly(source)) continue;
        const sha = revisions[i]!.sha;
        if (source.chart) {
          objects.push(...(await this.renderRepoChart(request, source, source.chart, sha, refTrees, access)));
          sourceTypes.push('Helm');
          continue;
        }
        // Every render reads the shared tree of its commit: kustomize builds in a per-render workspace
        // of hard links (KustomizeWorkspace), where its option edits go.
        await this.options.git.withSharedTree(
          source.repoURL,
          sha,
          async (tree) => {
            const { objects: rendered, sourceType } = await this.renderTree(request, source, tree, refTrees, {
              symlinksChecked: true,
              revision: sha,
            });
            objects.push(...rendered);
            sourceTypes.push(sourceType);
          },
          access,
        );
      }
    };
    await withRefTrees(0, new Map());
    const firstRendered = sources.findIndex((source) => !isRefOnly(source));
    return {
      objects,
      revision: revisions[firstRendered]!.sha,
      revisions: revisions.map((revision) => revision.sha),
      sourceType: sourceTypes[0]!,
      sourceTypes,
      tools,
      cacheHit: false,
    };
  }

  /**
   * Renders a chart from a Helm repository with the same helm options as a Git chart. Value
   * files come from the chart itself or from a `$ref` source (Argo CD's multi-source pattern).
   */
  private async renderRepoChart(
    request: RenderRequest,
    source: ApplicationSource,
    chart: string,
    version: string,
    refTrees: ReadonlyMap<string, string>,
    access: RepoAccess,
  ): Promise<KubernetesObject[]> {
    const chartDir = await this.charts.pull(
      source.repoURL,
      chart,
      version,
      source.helm?.passCredentials,
      access.credentials,
    );
    return renderHelm(chartDir, source.helm, {
      helm: this.tools.helm,
      treeRoot: chartDir,
      refTrees,
      releaseName: request.appName,
      namespace: request.namespace,
      kubeVersion: request.kubeVersion,
      apiVersions: request.apiVersions,
      timeoutMs: this.timeoutMs,
      maxOutputBytes: this.maxOutputBytes,
      env: environmentOf(request, source, version),
      ...this.helmDependencies(request, source, chartDir),
    });
  }

  /** The per-render directory and the dependency builder for a chart inside `treeRoot`. */
  private helmDependencies(
    request: Pick<RenderRequest, 'credentials' | 'helmRepositories'>,
    source: ApplicationSource,
    treeRoot: string,
  ): Pick<HelmRenderContext, 'workDir' | 'dependencies'> {
    const git = this.options.git.settings;
    return {
      ...(git.workDir ? { workDir: git.workDir } : {}),
      dependencies: (chartDir) =>
        this.dependencies.chartsDir(
          { chartDir, treeRoot },
          {
            credentials: request.credentials ?? git.credentials,
            repositories: request.helmRepositories ?? [],
            passCredentials: source.helm?.passCredentials ?? false,
          },
        ),
    };
  }

  /** Remote kustomize bases through the git cache: resolved and extracted like any source, with the render's access. */
  private remoteBases(permits: (repoURL: string) => boolean, access: RepoAccess): RemoteBases {
    return {
      permits,
      withTree: (repoURL, ref, fn) =>
        this.options.git.withSharedTreeAt(repoURL, ref, fn, access).catch(throwAsRenderError),
    };
  }

  /** Renders one source from an extracted tree (renderSourceTree with this renderer's tools, limits and caches). */
  async renderTree(
    request: Pick<
      RenderRequest,
      | 'appName'
      | 'namespace'
      | 'kubeVersion'
      | 'apiVersions'
      | 'remoteBases'
      | 'credentials'
      | 'helmRepositories'
      | 'project'
    >,
    source: ApplicationSource,
    tree: string,
    refTrees: ReadonlyMap<string, string> = new Map(),
    /**
     * `symlinksChecked`: the tree is a shared one, already checked by the git cache when it was extracted.
     * `revision`: the commit the tree is of, for the build environment (`ARGOCD_APP_REVISION`).
     */
    options: { symlinksChecked?: boolean; revision?: string } = {},
  ): Promise<{ objects: KubernetesObject[]; sourceType: SourceType }> {
    const workDir = this.options.git.settings.workDir;
    return renderSourceTree(request, source, tree, {
      tools: this.tools,
      timeoutMs: this.timeoutMs,
      maxOutputBytes: this.maxOutputBytes,
      ...(workDir ? { workDir } : {}),
      plugins: this.plugins,
      ...(request.remoteBases
        ? { remoteBases: this.remoteBases(request.remoteBases, accessOf(request)) }
        : {}),
      helmDependencies: this.helmDependencies(request, source, tree).dependencies,
      refTrees,
      ...(options.symlinksChecked ? { symlinksChecked: true } : {}),
      ...(options.revision !== undefined ? { revision: options.revision } : {}),
    });
  }
}

function accessOf(request: Pick<RenderRequest, 'credentials'>): RepoAccess {
  return request.credentials ? { credentials: request.credentials } : {};
}
