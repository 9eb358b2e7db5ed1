import { assertNoEscapingSymlinks } from '@berth/sources';
import { pluginFullName, type ConfigManagementPlugin } from '@berth/domain';
import { throwAsRenderError } from '../render.error';
import { resolveAppDir } from '../safety/path-guard';
import type { ApplicationSource, KubernetesObject, SourceType } from '../source.types';
import { toolVersions, type ToolPaths } from '../tools/tool-locator';
import { buildEnvironment, type BuildEnvEntry } from './build-environment';
import { renderDirectory } from './directory.renderer';
import { renderHelm, type HelmRenderContext } from './helm.renderer';
import type { RemoteBases } from './kustomize-workspace';
import { renderKustomize } from './kustomize.renderer';
import { discoveryRule, matchesFilePattern } from './plugin/plugin-discovery';
import { renderPlugin } from './plugin/plugin.renderer';
import { detectSourceType, hasExplicitSourceType } from './source-type.detector';

/** What of the Application a render of one source needs: names, destination, target cluster. */
export interface SourceTreeRequest {
  /** The Application's name: the default helm release name, `ARGOCD_APP_NAME`. */
  appName: string;
  /** `spec.project`, for the build environment (`ARGOCD_APP_PROJECT_NAME`). */
  project?: string;
  /** `spec.destination.namespace`, passed to helm as `--namespace`. */
  namespace?: string;
  /** Target cluster version for helm `--kube-version`. */
  kubeVersion?: string;
  /** Target cluster API versions for helm `--api-versions`. */
  apiVersions?: string[];
}

/** How the tools run, and what a render may reach beyond the tree. */
export interface SourceTreeRenderContext {
  tools: ToolPaths;
  /** Per tool run; the process is killed after it. */
  timeoutMs: number;
  /** Tool output / directory bytes. */
  maxOutputBytes: number;
  /** Where per-render directories go (never the data dir). Default the OS temp dir. */
  workDir?: string;
  /** The operator's config management plugins; none: a `plugin` source is refused. */
  plugins?: readonly ConfigManagementPlugin[];
  /** The remote kustomize bases the render may load, and how; none: every remote base is refused. */
  remoteBases?: RemoteBases;
  /** Builds a chart's dependencies (HelmRenderContext.dependencies); none: the chart's `charts/` as it is. */
  helmDependencies?: HelmRenderContext['dependencies'];
  /** Trees of `ref` sources by name, for `$ref/...` value files. */
  refTrees?: ReadonlyMap<string, string>;
  /** The tree was checked for symlinks leaving it already (a shared tree the git cache extracted). */
  symlinksChecked?: boolean;
  /** The commit the tree is of, for the build environment (`ARGOCD_APP_REVISION`). */
  revision?: string;
}

/**
 * Renders one source of an Application from a directory tree holding the repository (a checkout, or a
 * user's local copy): `source.path` is resolved inside `tree` and nothing is read outside it (no symlink
 * may leave the tree, value files and kustomize bases stay inside), the type is detected as Argo CD's
 * repo-server does (plugins that discover by file pattern first), and the tool runs with the source's
 * options. The worker's renderer and `berth app diff --local` both render through here.
 */
export async function renderSourceTree(
  request: SourceTreeRequest,
  source: ApplicationSource,
  tree: string,
  context: SourceTreeRenderContext,
): Promise<{ objects: KubernetesObject[]; sourceType: SourceType }> {
  if (!context.symlinksChecked) await assertNoEscapingSymlinks(tree).catch(throwAsRenderError);
  const appDir = await resolveAppDir(tree, source.path);
  const plugins = context.plugins ?? [];
  let sourceType = detectSourceType(source, appDir);
  // Argo CD asks the plugins before guessing from the files; here the plugins that discover by file
  // pattern (a discovery command needs a copy of the repository, so it serves named plugin sources only).
  const discovered = hasExplicitSourceType(source) ? undefined : await pluginByFiles(plugins, appDir, tree);
  if (discovered) sourceType = 'Plugin';
  const limits = { timeoutMs: context.timeoutMs, maxOutputBytes: context.maxOutputBytes };
  const workDir = context.workDir ? { workDir: context.workDir } : {};
  const env = environmentOf(request, source, context.revision ?? '');
  const tools = context.tools;
  switch (sourceType) {
    case 'Plugin':
      return {
        sourceType,
        objects: (
          await renderPlugin(appDir, discovered ? { ...source.plugin, name: discovered } : source.plugin, {
            plugins,
            treeRoot: tree,
            env,
            ...limits,
            ...workDir,
          })
        ).objects,
      };
    case 'Directory':
      return {
        sourceType,
        objects: await renderDirectory(appDir, source.directory, {
          maxTotalBytes: context.maxOutputBytes,
          jsonnet: {
            jsonnet: tools.jsonnet,
            ...(tools.prlimit ? { prlimit: tools.prlimit } : {}),
            treeRoot: tree,
            env,
            ...limits,
            ...workDir,
          },
        }),
      };
    case 'Kustomize':
      return {
        sourceType,
        objects: await renderKustomize(appDir, source.kustomize, {
          kustomize: tools.kustomize,
          ...limits,
          treeRoot: tree,
          ...workDir,
          ...(context.remoteBases ? { remoteBases: context.remoteBases } : {}),
          env,
          kustomizeVersion: (await toolVersions(tools)).kustomize,
        }),
      };
    case 'Helm':
      return {
        sourceType,
        objects: await renderHelm(appDir, source.helm, {
          helm: tools.helm,
          treeRoot: tree,
          refTrees: context.refTrees ?? new Map(),
          releaseName: request.appName,
          namespace: request.namespace,
          kubeVersion: request.kubeVersion,
          apiVersions: request.apiVersions,
          ...limits,
          env,
          ...workDir,
          ...(context.helmDependencies ? { dependencies: context.helmDependencies } : {}),
        }),
      };
  }
}

/** The first plugin (by name) whose `fileName` / `find.glob` discovery matches `appDir`. */
async function pluginByFiles(
  plugins: readonly ConfigManagementPlugin[],
  appDir: string,
  tree: string,
): Promise<string | undefined> {
  for (const plugin of plugins) {
    const rule = discoveryRule(plugin);
    if ((rule.kind === 'fileName' || rule.kind === 'glob') && (await matchesFilePattern(rule, appDir, tree)))
      return pluginFullName(plugin);
  }
  return undefined;
}

/** Argo CD's build environment for one source of a render. */
export function environmentOf(
  request: SourceTreeRequest,
  source: ApplicationSource,
  revision: string,
): BuildEnvEntry[] {
  return buildEnvironment({
    appName: request.appName,
    namespace: request.namespace,
    project: request.project,
    revision,
    repoURL: source.repoURL,
    path: source.path,
    targetRevision: source.targetRevision,
    kubeVersion: request.kubeVersion,
    apiVersions: request.apiVersions,
  });
}
